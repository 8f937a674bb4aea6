package io.slotway.itests.crash;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One crash run: Slotway on a fresh data directory, the {@code crash} table and (with replication) the
 * {@code crash} slot, N writers and a consumer, then K times: let work happen, wait a seeded random
 * delay, SIGKILL, restart on the same data directory (one time in four, first start it and SIGKILL it
 * again at a random moment while it recovers). Then stop the writers, drain the stream, read
 * the table, and hand everything to {@link Checks}.
 */
final class CrashRun {
    static final String SLOT = "crash";

    final long seed;
    final int writerCount;
    final int kills;
    final long budgetNanos;
    final boolean replication;
    final Path work;
    private final Random random;

    private volatile StreamConsumer.Target target = new StreamConsumer.Target(0, -1);
    private KillableSlotway slotway;
    final List<Writer> writers = new ArrayList<>();
    StreamConsumer consumer;
    /** id → {writer, seq} as SELECTed after the last restart. */
    final Map<Long, int[]> table = new HashMap<>();
    /** Things that went wrong while running (not the invariants; those are {@link Checks}'). */
    final List<String> problems = new ArrayList<>();
    int killsDone;
    /** Extra kills of a Slotway still starting (recovering) after a kill. */
    int killedWhileStarting;
    final List<Long> restartMillis = new ArrayList<>();
    final List<Long> killDelaysMillis = new ArrayList<>();
    long runMillis;

    CrashRun(long seed, int writerCount, int kills, long budgetSeconds, boolean replication, Path work) {
        this.seed = seed;
        this.writerCount = writerCount;
        this.kills = kills;
        this.budgetNanos = TimeUnit.SECONDS.toNanos(budgetSeconds);
        this.replication = replication;
        this.work = work;
        this.random = new Random(seed);
    }

    List<Txn> txns() {
        List<Txn> all = new ArrayList<>();
        writers.forEach(w -> all.addAll(w.txns));
        return all;
    }

    long acked() {
        return writers.stream().mapToLong(w -> w.acked.get()).sum();
    }

    /** Polls {@code condition} every 20 ms until it holds or {@code seconds} pass; whether it held. */
    static boolean await(long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    void run() throws Exception {
        long start = System.nanoTime();
        KillableSlotway.wipe(work);
        slotway = KillableSlotway.start(work, 0);
        List<Thread> threads = new ArrayList<>();
        try {
            try (Connection c = slotway.connect(); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE " + Txn.TABLE + " (id bigint PRIMARY KEY, writer int NOT NULL, seq int NOT NULL)");
                if (replication) {
                    st.execute("SELECT pg_create_logical_replication_slot('" + SLOT + "', 'test_decoding')");
                }
            }
            target = new StreamConsumer.Target(0, slotway.port());
            // writers stop on their own at the end of the budget plus slack, whatever happens here
            long writerDeadline = start + budgetNanos + TimeUnit.SECONDS.toNanos(120);
            for (int w = 1; w <= writerCount; w++) {
                Writer writer = new Writer(w, seed, () -> target.port(), () -> target.epoch(), writerDeadline);
                writers.add(writer);
                threads.add(daemon("crash-writer-" + w, writer));
            }
            if (replication) {
                consumer = new StreamConsumer(SLOT, seed, 0.6, () -> target);
                threads.add(daemon("crash-consumer", consumer));
            }
            threads.forEach(Thread::start);

            long slice = budgetNanos / Math.max(1, kills);
            for (int k = 1; k <= kills; k++) {
                if (System.nanoTime() - start > budgetNanos) {
                    break;
                }
                if (!awaitWork(k - 1)) {
                    break;
                }
                // the one bare sleep: the random moment of the kill
                long delay = TimeUnit.NANOSECONDS.toMillis((long) (slice * (0.1 + 0.5 * random.nextDouble())));
                killDelaysMillis.add(delay);
                Thread.sleep(delay);
                target = new StreamConsumer.Target(k, -1);
                slotway.kill();
                killsDone = k;
                if (random.nextInt(4) == 0) {
                    // a crash during recovery: killed again while it starts on the crashed data directory
                    KillableSlotway recovering = KillableSlotway.launch(work, k + "-killed-while-starting");
                    long during = 200 + random.nextInt(2500);
                    killDelaysMillis.add(-during);
                    Thread.sleep(during);
                    recovering.kill();
                    killedWhileStarting++;
                }
                long t0 = System.nanoTime();
                slotway = KillableSlotway.start(work, k);
                restartMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
                target = new StreamConsumer.Target(k, slotway.port());
            }
            awaitWork(killsDone);

            writers.forEach(Writer::stop);
            for (Thread t : threads.subList(0, writers.size())) {
                t.join(TimeUnit.SECONDS.toMillis(60));
                if (t.isAlive()) {
                    problems.add(t.getName() + " did not stop within 60 s");
                }
            }
            for (Writer w : writers) {
                if (w.crashed != null) {
                    problems.add("writer crashed: " + w.crashed);
                }
            }
            readTable();
            if (replication) {
                drain();
            }
        } finally {
            writers.forEach(Writer::stop);
            if (consumer != null) {
                consumer.stop();
            }
            for (Thread t : threads) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            if (consumer != null && consumer.crashed != null) {
                problems.add("consumer crashed: " + consumer.crashed);
            }
            int exit = slotway.stop();
            if (exit != 0) {
                problems.add("the last Slotway did not stop cleanly on SIGTERM (exit " + exit + ")");
            }
            runMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            writeReport();
        }
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Waits until writers got a few commits acknowledged (and the consumer streams) in this epoch. */
    private boolean awaitWork(int epoch) throws InterruptedException {
        long ackedAt = writers.stream().mapToLong(w -> w.txns.stream()
                .filter(t -> t.outcome == Txn.Outcome.ACKED && t.epoch == epoch).count()).sum();
        boolean writing = await(60, () -> writers.stream().mapToLong(w -> w.txns.stream()
                .filter(t -> t.outcome == Txn.Outcome.ACKED && t.epoch == epoch).count()).sum() >= ackedAt + 3 * writerCount);
        if (!writing) {
            problems.add("writers got fewer than " + 3 * writerCount + " commits acknowledged within 60 s after restart " + epoch);
            return false;
        }
        if (replication) {
            boolean streaming = await(60, () -> consumer.current() != null && consumer.current().epoch == epoch
                    && !consumer.current().txns.isEmpty());
            if (!streaming) {
                problems.add("the consumer received no transaction within 60 s after restart " + epoch + "; last errors: "
                        + consumer.startErrors + "; " + consumer.current());
                return false;
            }
        }
        return true;
    }

    private void readTable() throws SQLException {
        try (Connection c = slotway.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id, writer, seq FROM " + Txn.TABLE)) {
            while (rs.next()) {
                table.put(rs.getLong(1), new int[] {rs.getInt(2), rs.getInt(3)});
            }
        }
    }

    /**
     * Waits until the consumer has received every transaction the table shows committed, then until
     * nothing more arrives for a second; then stops it (it acknowledges what it has).
     */
    private void drain() throws InterruptedException {
        java.util.Set<String> committed = new java.util.HashSet<>();
        for (long id : table.keySet()) {
            committed.add(Txn.writerOf(id) + "/" + Txn.seqOf(id));
        }
        for (Txn t : txns()) {
            if (t.outcome == Txn.Outcome.ACKED) {
                committed.add(t.writer + "/" + t.seq);
            }
        }
        boolean all = await(60, () -> {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (StreamConsumer.Session s : consumer.sessions) {
                for (StreamConsumer.Delivered d : s.txns) {
                    for (String line : d.lines()) {
                        Long id = Checks.idOf(line);
                        if (id != null) {
                            seen.add(Txn.writerOf(id) + "/" + Txn.seqOf(id));
                        }
                    }
                }
            }
            return seen.containsAll(committed);
        });
        if (!all) {
            problems.add("the final drain did not receive every committed transaction within 60 s (" + consumer.current() + ")");
        }
        int[] last = {-1};
        long[] since = {System.nanoTime()};
        await(30, () -> {
            int n = consumer.deliveredCount();
            if (n != last[0]) {
                last[0] = n;
                since[0] = System.nanoTime();
            }
            return System.nanoTime() - since[0] > TimeUnit.SECONDS.toNanos(1);
        });
        consumer.stop();
    }

    String summary() {
        Map<Txn.Outcome, Integer> byOutcome = new java.util.EnumMap<>(Txn.Outcome.class);
        for (Txn t : txns()) {
            byOutcome.merge(t.outcome, 1, Integer::sum);
        }
        long unknownCommitted = txns().stream().filter(t -> t.outcome == Txn.Outcome.UNKNOWN)
                .filter(t -> t.ids.stream().anyMatch(table::containsKey)).count();
        return "seed " + seed + ", " + writerCount + " writers, " + killsDone + "/" + kills + " kills in " + runMillis
                 + " ms (" + killedWhileStarting
                + " more while starting; kill delays " + killDelaysMillis + " ms, negative = into a start; restarts " + restartMillis + " ms), transactions " + byOutcome
                + " (of the UNKNOWN, " + unknownCommitted + " committed), rows in table " + table.size()
                + (consumer == null ? "" : ", stream sessions " + consumer.sessions.size() + ", transactions delivered "
                + consumer.deliveredCount());
    }

    /** Everything, for the post-mortem: crash-report.txt in the work directory. */
    private void writeReport() {
        StringBuilder r = new StringBuilder(summary()).append('\n');
        problems.forEach(p -> r.append("problem: ").append(p).append('\n'));
        for (Txn t : txns()) {
            r.append(t).append('\n');
        }
        if (consumer != null) {
            for (StreamConsumer.Session s : consumer.sessions) {
                r.append(s).append('\n');
                s.problems.forEach(p -> r.append("  problem: ").append(p).append('\n'));
                for (StreamConsumer.Delivered d : s.txns) {
                    r.append("  xid ").append(d.xid()).append(" begin ").append(StreamConsumer.lsn(d.beginLsn()))
                            .append(" commit ").append(StreamConsumer.lsn(d.commitLsn())).append(' ').append(d.lines()).append('\n');
                }
            }
            consumer.startErrors.forEach(e -> r.append("start error: ").append(e).append('\n'));
        }
        try {
            Files.writeString(work.resolve("crash-report.txt"), r, StandardCharsets.UTF_8);
        } catch (IOException e) {
            problems.add("could not write the report: " + e);
        }
    }
}
