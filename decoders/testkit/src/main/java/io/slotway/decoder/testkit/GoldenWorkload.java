package io.slotway.decoder.testkit;

import io.slotway.api.PgException;
import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Relation;
import io.slotway.api.change.Transaction;
import io.slotway.api.change.Tuple;
import io.slotway.api.decoding.OutputWriter;
import io.slotway.api.decoding.PluginSession;
import io.slotway.api.types.PgType;
import io.slotway.api.types.PgValues;
import io.slotway.api.types.SessionFormat;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;

/**
 * The change stream PostgreSQL 15 decoded from {@code golden/setup.sql} + {@code golden/workload.sql},
 * written by hand as Slotway's change records: the relations with their type OIDs and typmods, the
 * workload's literals read into canonical values with {@link PgValues#fromText}, and the xids and commit
 * times of the capture in {@code golden/out} (so the output can be compared as it is, and normalised).
 */
public final class GoldenWorkload {
    private GoldenWorkload() {}

    /** A step of the stream: a committed transaction, or a non-transactional message. */
    public sealed interface Step {}

    public record Txn(Transaction txn, List<Change> changes) implements Step {}

    public record Message(Change.Message message) implements Step {}

    public static final Relation GW_TYPES = new Relation(16385, "public", "gw_types", 'd', typesColumns(false));
    public static final Relation GW_TYPES_ADDED = new Relation(16385, "public", "gw_types", 'd', typesColumns(true));
    public static final Relation GW_NOPK = new Relation(16392, "public", "gw_nopk", 'd',
            List.of(col("a", PgType.INT4, -1, false), col("b", PgType.TEXT, -1, false)));
    public static final Relation GW_FULL = new Relation(16397, "public", "gw_full", 'f', fullColumns(false));
    public static final Relation GW_FULL_ADDED = new Relation(16397, "public", "gw_full", 'f', fullColumns(true));
    public static final Relation GW_NOTHING = new Relation(16402, "public", "gw_nothing", 'n',
            List.of(col("a", PgType.INT4, -1, true), col("b", PgType.TEXT, -1, false)));
    public static final Relation GW_TRUNC = new Relation(16409, "public", "gw_trunc", 'd',
            List.of(col("id", PgType.INT4, -1, true), col("v", PgType.TEXT, -1, false)));

    /** The commit times of the capture's non-empty transactions (td_opts.txt), in commit order. */
    private static final List<String> COMMIT_TIMES = List.of(
            "2026-11-22 03:51:36.8516+00", "2026-11-22 03:51:36.853331+00", "2026-11-22 03:51:36.860131+00",
            "2026-11-22 03:51:36.861248+00", "2026-11-22 03:51:36.862386+00", "2026-11-22 03:51:36.862891+00",
            "2026-11-22 03:51:36.863351+00", "2026-11-22 03:51:36.863741+00", "2026-11-22 03:51:36.86431+00",
            "2026-11-22 03:51:36.864835+00", "2026-11-22 03:51:36.865218+00", "2026-11-22 03:51:36.865687+00",
            "2026-11-22 03:51:36.866152+00", "2026-11-22 03:51:36.86652+00", "2026-11-22 03:51:36.867139+00",
            "2026-11-22 03:51:36.867564+00", "2026-11-22 03:51:36.86793+00", "2026-11-22 03:51:36.868558+00",
            "2026-11-22 03:51:36.871143+00", "2026-11-22 03:51:36.874018+00", "2026-11-22 03:51:36.874505+00",
            "2026-11-22 03:51:36.874886+00", "2026-11-22 03:51:36.875674+00", "2026-11-22 03:51:36.87674+00",
            "2026-11-22 03:51:36.879507+00", "2026-11-22 03:51:36.880366+00");

    private static Column col(String name, PgType type, int typmod, boolean key) {
        return new Column(name, type.oid(), typmod, key, key);
    }

    private static int numericTypmod(int precision, int scale) {
        return ((precision << 16) | scale) + 4;
    }

    private static List<Column> typesColumns(boolean added) {
        List<Column> c = new ArrayList<>(List.of(
                col("id", PgType.INT4, -1, true),
                col("c_smallint", PgType.INT2, -1, false),
                col("c_int", PgType.INT4, -1, false),
                col("c_bigint", PgType.INT8, -1, false),
                col("c_numeric", PgType.NUMERIC, numericTypmod(12, 3), false),
                col("c_real", PgType.FLOAT4, -1, false),
                col("c_double", PgType.FLOAT8, -1, false),
                col("c_bool", PgType.BOOL, -1, false),
                col("c_text", PgType.TEXT, -1, false),
                col("c_varchar", PgType.VARCHAR, 20 + 4, false),
                col("c_char", PgType.BPCHAR, 5 + 4, false),
                col("c_bytea", PgType.BYTEA, -1, false),
                col("c_date", PgType.DATE, -1, false),
                col("c_time", PgType.TIME, -1, false),
                col("c_ts", PgType.TIMESTAMP, -1, false),
                col("c_tstz", PgType.TIMESTAMPTZ, -1, false),
                col("c_interval", PgType.INTERVAL, -1, false),
                col("c_uuid", PgType.UUID, -1, false),
                col("c_json", PgType.JSON, -1, false),
                col("c_jsonb", PgType.JSONB, -1, false),
                col("c_int_arr", PgType.INT4_ARRAY, -1, false),
                col("c_text_arr", PgType.TEXT_ARRAY, -1, false)));
        if (added) {
            c.add(col("c_added", PgType.TEXT, -1, false));
        }
        return c;
    }

    private static List<Column> fullColumns(boolean added) {
        List<Column> c = new ArrayList<>(List.of(col("a", PgType.INT4, -1, false), col("b", PgType.TEXT, -1, false),
                col("c", PgType.NUMERIC, -1, false)));
        if (added) {
            c.add(col("d", PgType.INT4, -1, false));
        }
        return c;
    }

    /** A tuple of {@code r} from SQL literals (null for NULL), read as PostgreSQL's input functions (TimeZone UTC). */
    public static Tuple row(Relation r, String... literals) {
        Object[] values = new Object[r.columns().size()];
        for (int i = 0; i < literals.length; i++) {
            values[i] = value(r.columns().get(i), literals[i]);
        }
        return new Tuple(values);
    }

    private static Object value(Column c, String literal) {
        if (literal == null) {
            return null;
        }
        try {
            return PgValues.fromText(PgType.byOid(c.typeOid()), c.typmod(), literal, SessionFormat.DEFAULT);
        } catch (PgException e) {
            throw new IllegalArgumentException(c.name() + ": " + literal, e);
        }
    }

    /** Like {@link #row} with only the named columns set. */
    public static Tuple rowWith(Relation r, String... nameLiteral) {
        Object[] values = new Object[r.columns().size()];
        for (int i = 0; i < nameLiteral.length; i += 2) {
            int idx = index(r, nameLiteral[i]);
            values[idx] = value(r.columns().get(idx), nameLiteral[i + 1]);
        }
        return new Tuple(values);
    }

    public static Tuple with(Tuple t, Relation r, String name, Object value) {
        Object[] v = Arrays.copyOf(t.values(), r.columns().size());
        int idx = index(r, name);
        v[idx] = value instanceof String s ? value(r.columns().get(idx), s) : value;
        return new Tuple(v);
    }

    private static int index(Relation r, String name) {
        for (int i = 0; i < r.columns().size(); i++) {
            if (r.columns().get(i).name().equals(name)) {
                return i;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final String ROW1_JSON = "{\"k\": \"v\", \"n\": [1, 2.5, null], \"nested\": {\"t\": true}}";
    private static final String ROW1_TEXT_ARR = "{\"a\",\"b c\",\"d\\\"e\"}";

    /** Row 1 of section 1, as inserted. */
    public static Tuple row1() {
        return row(GW_TYPES, "1", "32767", "2147483647", "9223372036854775807", "123456789.123", "1.5",
                "3.141592653589793", "true", "plain text", "varchar20", "abc", "\\xdeadbeef", "2024-02-29",
                "13:14:15.123456", "2024-02-29 13:14:15.123456", "2024-02-29 13:14:15.123456+02",
                "1 year 2 mons 3 days 04:05:06.789", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", ROW1_JSON,
                "{\"b\": 2, \"a\": [1, \"x\"], \"z\": null}", "{1,2,3}", ROW1_TEXT_ARR);
    }

    /** Row 5 of section 2, as inserted. */
    public static Tuple row5() {
        return rowWith(GW_TYPES, "id", "5", "c_text", "héllo wörld – 日本語 – 🐘 – Ω≈ç√", "c_varchar", "ünïcödé",
                "c_char", "ßüé", "c_text_arr", "{\"日本\",\"🐘\"}");
    }

    /** The whole stream, sections 1 to 16, in the order PostgreSQL decoded it. */
    public static List<Step> steps() {
        Builder b = new Builder();
        // 1. one row with every type
        b.txn(944, new Change.Insert(GW_TYPES, row1()));
        // 2. NULLs, special values, quoting, unicode
        b.txn(945,
                new Change.Insert(GW_TYPES, rowWith(GW_TYPES, "id", "2")),
                new Change.Insert(GW_TYPES, row(GW_TYPES, "3", "-32768", "-2147483648", "-9223372036854775808", "NaN",
                        "Infinity", "-Infinity", "false", "", "", "", "\\x", "infinity", "00:00:00", "-infinity",
                        "infinity", "-1 days -00:00:01", "00000000-0000-0000-0000-000000000000", "[]", "{}", "{}", "{}")),
                new Change.Insert(GW_TYPES, row(GW_TYPES, "4", "0", "0", "0", "-0.001", "NaN", "NaN", null,
                        "quote ' double \" backslash \\ tab \t newline \n end", "it's \"q\"", "a\\b",
                        "\\x00ff5c27225c", "0001-01-01", "23:59:59.999999", "1999-12-31 23:59:59",
                        "1970-01-01 00:00:00+00", "0", "ffffffff-ffff-ffff-ffff-ffffffffffff",
                        "{\"s\": \"quote \\\" backslash \\\\\\\\ unicode \\u00e9 \\ud83d\\udc18\"}",
                        "{\"s\": \"quote \\\" backslash \\\\\\\\ unicode é 🐘\", \"e\": \"\"}",
                        "{NULL,1,NULL}", "{NULL,\"NULL\",\"\",\",\",\"\\\\\\\\\"}")),
                new Change.Insert(GW_TYPES, row5()));
        // 3. TOAST
        StringBuilder text = new StringBuilder();
        StringBuilder bytes = new StringBuilder("\\x");
        for (int i = 1; i <= 700; i++) {
            text.append(md5(Integer.toString(i)));
            bytes.append(md5(i + "b"));
        }
        Tuple row6 = rowWith(GW_TYPES, "id", "6", "c_text", text.toString(), "c_bytea", bytes.toString());
        b.txn(946, new Change.Insert(GW_TYPES, row6));
        b.txn(947, new Change.Insert(GW_TYPES, rowWith(GW_TYPES, "id", "7", "c_text", "compressible ".repeat(1000))));
        // 4. UPDATE of non-key columns: the toasted values are not logged again
        Tuple row6Updated = with(with(with(with(row6, GW_TYPES, "c_int", "42"), GW_TYPES, "c_bool", "true"),
                GW_TYPES, "c_text", Tuple.UNCHANGED_TOAST), GW_TYPES, "c_bytea", Tuple.UNCHANGED_TOAST);
        b.txn(948, new Change.Update(GW_TYPES, null, false, row6Updated));
        Tuple row1Updated = with(with(row1(), GW_TYPES, "c_text", "updated"), GW_TYPES, "c_jsonb", "{\"updated\": true}");
        b.txn(949, new Change.Update(GW_TYPES, null, false, row1Updated));
        // 5. UPDATE of the primary key: the old key is logged
        b.txn(950, new Change.Update(GW_TYPES, rowWith(GW_TYPES, "id", "2"), true, rowWith(GW_TYPES, "id", "20")));
        // 6. DELETE
        b.txn(951, new Change.Delete(GW_TYPES, rowWith(GW_TYPES, "id", "3"), true));
        // 7. no primary key, REPLICA IDENTITY DEFAULT
        b.txn(952, new Change.Insert(GW_NOPK, row(GW_NOPK, "1", "one")), new Change.Insert(GW_NOPK, row(GW_NOPK, "2", "two")));
        b.txn(953, new Change.Update(GW_NOPK, null, false, row(GW_NOPK, "1", "uno")));
        b.txn(954, new Change.Delete(GW_NOPK, null, false));
        // 8. REPLICA IDENTITY FULL
        b.txn(955, new Change.Insert(GW_FULL, row(GW_FULL, "1", "one", "1.1")),
                new Change.Insert(GW_FULL, row(GW_FULL, "2", "two", null)));
        b.txn(956, new Change.Update(GW_FULL, row(GW_FULL, "1", "one", "1.1"), false, row(GW_FULL, "1", "uno", "11")));
        b.txn(957, new Change.Delete(GW_FULL, row(GW_FULL, "2", "two", null), false));
        // 9. REPLICA IDENTITY NOTHING
        b.txn(958, new Change.Insert(GW_NOTHING, row(GW_NOTHING, "1", "one")),
                new Change.Insert(GW_NOTHING, row(GW_NOTHING, "2", "two")));
        b.txn(959, new Change.Update(GW_NOTHING, null, false, row(GW_NOTHING, "1", "uno")));
        b.txn(960, new Change.Delete(GW_NOTHING, null, false));
        // 10. TRUNCATE
        b.txn(961, new Change.Insert(GW_TRUNC, row(GW_TRUNC, "1", "a")), new Change.Insert(GW_TRUNC, row(GW_TRUNC, "2", "b")));
        b.txn(962, new Change.Truncate(List.of(GW_TRUNC), false, false));
        // 11. ALTER TABLE ... ADD COLUMN: an empty DDL transaction, then rows with the new column
        b.txn(963);
        b.txn(964, new Change.Insert(GW_TYPES_ADDED, rowWith(GW_TYPES_ADDED, "id", "8", "c_int", "8", "c_added", "dflt")));
        b.txn(965, new Change.Insert(GW_TYPES_ADDED, rowWith(GW_TYPES_ADDED, "id", "9", "c_int", "9", "c_added", "explicit")));
        b.txn(966, new Change.Update(GW_TYPES_ADDED, null, false, with(row1Updated, GW_TYPES_ADDED, "c_added", "changed")));
        b.txn(967);
        b.txn(968, new Change.Update(GW_FULL_ADDED, row(GW_FULL_ADDED, "1", "uno", "11", null), false,
                row(GW_FULL_ADDED, "1", "uno", "11", "5")));
        // 12. messages: a non-transactional one is decoded at once, before its transaction's BEGIN
        b.message(new Change.Message(false, "golden", utf8("non-transactional message inside txn")));
        b.txn(969, new Change.Insert(GW_TRUNC, row(GW_TRUNC, "10", "with message")),
                new Change.Message(true, "golden", utf8("transactional message")));
        b.message(new Change.Message(false, "golden", utf8("non-transactional message")));
        b.txn(970, new Change.Message(true, "golden-bin", new byte[] {0, 1, 2, 3, (byte) 0xff}));
        // 13. rolled back and 14. empty transactions: PostgreSQL decodes nothing for them
        // 15. savepoints: only what was kept
        b.txn(973, new Change.Insert(GW_TRUNC, row(GW_TRUNC, "20", "kept before savepoint")),
                new Change.Insert(GW_TRUNC, row(GW_TRUNC, "22", "kept in released savepoint")),
                new Change.Insert(GW_TRUNC, row(GW_TRUNC, "23", "kept after savepoint")));
        // 16. three tables in one transaction
        b.txn(977, new Change.Insert(GW_FULL_ADDED, row(GW_FULL_ADDED, "3", "three", "3", "3")),
                new Change.Delete(GW_TRUNC, rowWith(GW_TRUNC, "id", "23"), true),
                new Change.Update(GW_TYPES_ADDED, null, false,
                        with(with(row5(), GW_TYPES_ADDED, "c_numeric", "0.5"), GW_TYPES_ADDED, "c_added", "dflt")));
        return b.steps;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Feeds the stream to a session as core does. */
    public static void replay(PluginSession session, List<Step> steps, OutputWriter out) throws io.slotway.api.PgException {
        long lsn = 0x3000000L;
        for (Step step : steps) {
            if (step instanceof Message m) {
                session.message(Lsn.of(lsn += 0x40), m.message(), out);
            } else if (step instanceof Txn t) {
                session.begin(t.txn(), out);
                for (Change c : t.changes()) {
                    session.change(t.txn(), Lsn.of(lsn += 0x40), c, out);
                }
                session.commit(t.txn(), out);
            }
        }
    }

    private static final class Builder {
        public final List<Step> steps = new ArrayList<>();
        private final Iterator<String> times = COMMIT_TIMES.iterator();
        private Instant lastTime = Instant.EPOCH;
        private long lsn = 0x3000000L;

        public void txn(long xid, Change... changes) {
            // transactions that print nothing with skip-empty-xacts left no time in td_opts.txt
            boolean printsCommit = Arrays.stream(changes).anyMatch(c -> !(c instanceof Change.Message));
            Instant time = printsCommit ? parse(times.next()) : lastTime;
            lastTime = time;
            Lsn first = Lsn.of(lsn += 0x100);
            Lsn commit = Lsn.of(lsn += 0x100);
            Lsn end = Lsn.of(lsn += 0x20);
            steps.add(new Txn(new Transaction(xid, first, commit, end, time, null), List.of(changes)));
        }

        public void message(Change.Message m) {
            steps.add(new Message(m));
        }

        private static Instant parse(String pg) {
            return OffsetDateTime.parse(pg.replace(' ', 'T') + ":00", DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        }
    }
}
