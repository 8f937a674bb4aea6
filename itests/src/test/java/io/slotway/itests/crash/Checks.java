package io.slotway.itests.crash;

import static io.slotway.itests.crash.StreamConsumer.lsn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The invariants a crash run is held to (DESIGN.md invariants 1 and 2); each broken one is one
 * line in the returned list, naming what was lost, duplicated or out of place.
 *
 * <p>The table, after the last restart:
 * <ul>
 *   <li>T1 every acknowledged transaction's rows are there with the values it wrote (its deleted rows absent);
 *   <li>T2 no row of a transaction rolled back, failed, or cut off before COMMIT is there;
 *   <li>T3 a transaction whose COMMIT was in flight at the kill is there whole or not at all;
 *   <li>T4 every row belongs to a transaction some writer ran.
 * </ul>
 * The stream, over all sessions (one per START_REPLICATION; a new one after each kill):
 * <ul>
 *   <li>S1 each session is well formed: BEGIN x, lines, COMMIT x; COMMIT LSNs strictly increase;
 *   <li>S2 a transaction delivered more than once is identical each time (xid, BEGIN and COMMIT LSN,
 *       lines); different transactions have different xids and COMMIT LSNs;
 *   <li>S3 every delivered transaction is exactly one writer transaction, whole, with exactly the lines
 *       it wrote, in the order written (nothing merged, split, partial or made up);
 *   <li>S4 every acknowledged transaction is delivered; none rolled back, failed or cut off before COMMIT
 *       ever is; a transaction whose outcome was unknown is delivered iff its rows are in the table;
 *   <li>S5 each writer's delivered transactions are in its own order by COMMIT LSN;
 *   <li>S6 resuming from the slot: a session that read confirmed_flush_lsn = C just before
 *       START_REPLICATION delivers only transactions whose COMMIT LSN is &gt; C (nothing at or before the
 *       acknowledged point is sent again) and skips none of the known committed transactions between C and
 *       the last COMMIT it delivered (no gap); transactions after C may come again, as in PostgreSQL;
 *   <li>S7 the slot: restart_lsn &lt;= confirmed_flush_lsn; confirmed_flush_lsn never exceeds the highest LSN
 *       the client acknowledged (else unconfirmed changes would be skipped), never goes back while the
 *       server runs, and the value a restart comes up with never goes back from the previous restart's.
 * </ul>
 */
final class Checks {
    private static final Pattern ID = Pattern.compile("\\bid\\[bigint\\]:(-?\\d+)");

    final List<String> violations = new ArrayList<>();
    private final Map<String, Txn> byKey = new HashMap<>();
    private final CrashRun run;
    /** Re-sent transactions (allowed; counted for the summary). */
    int resent;

    private Checks(CrashRun run) {
        this.run = run;
        for (Txn t : run.txns()) {
            byKey.put(key(t.writer, t.seq), t);
        }
    }

    static Checks of(CrashRun run) {
        Checks c = new Checks(run);
        Map<Txn, Boolean> inTable = c.table();
        if (run.consumer != null) {
            c.stream(inTable);
        }
        return c;
    }

    static Long idOf(String line) {
        Matcher m = ID.matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : null;
    }

    private static String key(int writer, int seq) {
        return writer + "/" + seq;
    }

    private void violation(String s) {
        violations.add(s);
    }

    // ------------------------------------------------------------------------------------ table

    private Map<Txn, Boolean> table() {
        Map<Long, int[]> table = run.table;
        for (Map.Entry<Long, int[]> row : table.entrySet()) {
            Txn t = byKey.get(key(Txn.writerOf(row.getKey()), Txn.seqOf(row.getKey())));
            if (t == null || !t.ids.contains(row.getKey())) {
                violation("T4 row id " + row.getKey() + " " + java.util.Arrays.toString(row.getValue())
                        + " is in the table but no writer wrote it");
            }
        }
        Map<Txn, Boolean> inTable = new LinkedHashMap<>();
        for (Txn t : run.txns()) {
            List<Long> present = t.ids.stream().filter(table::containsKey).toList();
            boolean whole = present.size() == t.finalRows.size() && t.finalRows.entrySet().stream()
                    .allMatch(e -> table.containsKey(e.getKey()) && java.util.Arrays.equals(table.get(e.getKey()), e.getValue()));
            inTable.put(t, !present.isEmpty());
            if (t.outcome == Txn.Outcome.ACKED && !whole) {
                violation("T1 LOST after kill: " + t + " was acknowledged, but the table has " + describe(present, table)
                        + " of its rows " + t.finalRows.keySet());
            } else if (t.mustNotAppear() && !present.isEmpty()) {
                violation("T2 " + t + " must not have committed, but the table has its rows " + describe(present, table));
            } else if (t.outcome == Txn.Outcome.UNKNOWN && !present.isEmpty() && !whole) {
                violation("T3 PARTIAL: " + t + " (COMMIT in flight at the kill) is in the table in part: "
                        + describe(present, table) + " of " + t.finalRows.keySet());
            }
        }
        return inTable;
    }

    private static String describe(List<Long> ids, Map<Long, int[]> table) {
        List<String> s = new ArrayList<>();
        for (long id : ids) {
            s.add(id + "=" + java.util.Arrays.toString(table.get(id)));
        }
        return s.toString();
    }

    // ------------------------------------------------------------------------------------ stream

    private void stream(Map<Txn, Boolean> inTable) {
        List<StreamConsumer.Session> sessions = run.consumer.sessions;
        if (sessions.isEmpty()) {
            violation("S4 the consumer never started streaming: " + run.consumer.startErrors);
            return;
        }
        // S1, S7
        long creation = sessions.get(0).confirmedAtStart;
        StreamConsumer.Session previous = null;
        StreamConsumer.Session firstOfPreviousEpoch = sessions.get(0);
        for (StreamConsumer.Session s : sessions) {
            s.problems.forEach(p -> violation("S1 " + s + ": " + p));
            long prevCommit = -1;
            for (StreamConsumer.Delivered d : s.txns) {
                if (d.commitLsn() <= prevCommit) {
                    violation("S1 " + s + ": COMMIT LSN " + lsn(d.commitLsn()) + " (xid " + d.xid() + ") after " + lsn(prevCommit));
                }
                if (d.beginLsn() > d.commitLsn()) {
                    violation("S1 " + s + ": BEGIN LSN " + lsn(d.beginLsn()) + " after its COMMIT " + lsn(d.commitLsn()));
                }
                prevCommit = d.commitLsn();
            }
            if (s.restartAtStart > s.confirmedAtStart) {
                violation("S7 " + s + ": restart_lsn is after confirmed_flush_lsn");
            }
            if (s.confirmedAtStart > Math.max(creation, s.ackedBefore)) {
                violation("S7 " + s + ": confirmed_flush_lsn " + lsn(s.confirmedAtStart)
                        + " is past the highest LSN the client acknowledged, " + lsn(s.ackedBefore));
            }
            if (previous != null && previous.epoch == s.epoch && s.confirmedAtStart < previous.confirmedAtStart) {
                violation("S7 " + s + ": confirmed_flush_lsn went back from " + lsn(previous.confirmedAtStart)
                        + " without a restart");
            }
            if (previous != null && previous.epoch != s.epoch) {
                if (s.confirmedAtStart < firstOfPreviousEpoch.confirmedAtStart) {
                    violation("S7 " + s + ": after restart " + s.epoch + " confirmed_flush_lsn is "
                            + lsn(s.confirmedAtStart) + ", before what the previous restart came up with ("
                            + firstOfPreviousEpoch + ")");
                }
                firstOfPreviousEpoch = s;
            }
            previous = s;
        }
        // S2: one transaction per COMMIT LSN
        TreeMap<Long, StreamConsumer.Delivered> byCommit = new TreeMap<>();
        Map<Long, Long> commitByXid = new HashMap<>();
        for (StreamConsumer.Session s : sessions) {
            for (StreamConsumer.Delivered d : s.txns) {
                StreamConsumer.Delivered first = byCommit.putIfAbsent(d.commitLsn(), d);
                if (first != null) {
                    resent++;
                    if (first.xid() != d.xid() || first.beginLsn() != d.beginLsn() || !first.lines().equals(d.lines())) {
                        violation("S2 COMMIT LSN " + lsn(d.commitLsn()) + " was sent as two different transactions: in session "
                                + first.session() + " " + show(first) + ", in session " + d.session() + " " + show(d));
                    }
                    continue;
                }
                Long other = commitByXid.putIfAbsent(d.xid(), d.commitLsn());
                if (other != null) {
                    violation("S2 xid " + d.xid() + " names two transactions, committed at " + lsn(other) + " and "
                            + lsn(d.commitLsn()));
                }
            }
        }
        // S3
        Map<Txn, StreamConsumer.Delivered> delivered = new LinkedHashMap<>();
        for (StreamConsumer.Delivered d : byCommit.values()) {
            Set<String> keys = new HashSet<>();
            for (String line : d.lines()) {
                Long id = idOf(line);
                keys.add(id == null ? "?" : key(Txn.writerOf(id), Txn.seqOf(id)));
            }
            if (keys.size() != 1 || keys.contains("?")) {
                violation("S3 " + show(d) + " is not one writer transaction (rows of " + keys + ")");
                continue;
            }
            Txn t = byKey.get(keys.iterator().next());
            if (t == null) {
                violation("S3 " + show(d) + " belongs to no transaction a writer ran");
                continue;
            }
            StreamConsumer.Delivered twice = delivered.putIfAbsent(t, d);
            if (twice != null) {
                violation("S3 DUPLICATED: " + t + " is in the WAL twice, as " + show(twice) + " and " + show(d));
            }
            if (!d.lines().equals(t.expectedLines)) {
                violation("S3 " + t + " was delivered as " + show(d) + " but wrote " + t.expectedLines);
            }
        }
        // S4
        for (Txn t : run.txns()) {
            StreamConsumer.Delivered d = delivered.get(t);
            if (t.outcome == Txn.Outcome.ACKED && d == null) {
                violation("S4 LOST from the stream: " + t + " was acknowledged but never delivered"
                        + (inTable.get(t) ? " (its rows are in the table)" : " (nor is it in the table)"));
            } else if (t.mustNotAppear() && d != null) {
                violation("S4 " + t + " must not have committed, but was delivered as " + show(d));
            } else if (t.outcome == Txn.Outcome.UNKNOWN && (d != null) != inTable.get(t)) {
                violation("S4 " + t + ": the table " + (inTable.get(t) ? "has" : "does not have") + " it, the stream "
                        + (d != null ? "delivered it as " + show(d) : "never delivered it"));
            }
        }
        // S5
        Map<Integer, Txn> lastOfWriter = new HashMap<>();
        for (Map.Entry<Txn, StreamConsumer.Delivered> e : byCommitOrder(delivered)) {
            Txn t = e.getKey();
            Txn before = lastOfWriter.put(t.writer, t);
            if (before != null && before.seq > t.seq) {
                violation("S5 ORDER: writer " + t.writer + "'s txn " + t.seq + " committed at " + lsn(e.getValue().commitLsn())
                        + ", before its earlier txn " + before.seq + " at " + lsn(delivered.get(before).commitLsn()));
            }
        }
        // S6
        for (StreamConsumer.Session s : sessions) {
            Set<Long> got = new HashSet<>();
            long last = -1;
            for (StreamConsumer.Delivered d : s.txns) {
                got.add(d.commitLsn());
                last = Math.max(last, d.commitLsn());
                if (d.commitLsn() <= s.confirmedAtStart) {
                    violation("S6 RE-SENT before confirmed_flush: " + s + " delivered " + show(d));
                }
            }
            if (last <= s.confirmedAtStart) {
                continue;
            }
            for (long commit : byCommit.subMap(s.confirmedAtStart, false, last, true).keySet()) {
                if (!got.contains(commit)) {
                    violation("S6 GAP: " + s + " skipped " + show(byCommit.get(commit)));
                }
            }
        }
    }

    private static List<Map.Entry<Txn, StreamConsumer.Delivered>> byCommitOrder(Map<Txn, StreamConsumer.Delivered> delivered) {
        List<Map.Entry<Txn, StreamConsumer.Delivered>> list = new ArrayList<>(delivered.entrySet());
        list.sort(java.util.Comparator.comparingLong(e -> e.getValue().commitLsn()));
        return list;
    }

    private static String show(StreamConsumer.Delivered d) {
        return "xid " + d.xid() + " " + lsn(d.beginLsn()) + ".." + lsn(d.commitLsn()) + " " + d.lines();
    }
}
