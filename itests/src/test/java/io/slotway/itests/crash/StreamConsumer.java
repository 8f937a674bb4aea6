package io.slotway.itests.crash;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * A logical replication client as pgjdbc users write one: START_REPLICATION on the slot from 0/0 (so
 * the server starts at the slot's confirmed_flush_lsn) with test_decoding's include-xids and
 * skip-empty-xacts, parses BEGIN / table / COMMIT lines, records each whole transaction (the test's
 * memory is its durable store: this JVM is never killed), and only then may acknowledge its COMMIT
 * LSN (setFlushedLSN/setAppliedLSN, sent by pgjdbc's status updates and forceUpdateStatus). Some
 * transactions are left unacknowledged on purpose (seeded), so a crash makes the server send them
 * again. Before each START_REPLICATION it reads the slot's confirmed_flush_lsn, which is what the
 * server must resume from.
 */
final class StreamConsumer implements Runnable {
    /** Where Slotway is: port -1 while it is down; epoch = number of kills so far. */
    record Target(int epoch, int port) {}

    /** One whole transaction as received: BEGIN's xid and LSN, the COMMIT message's LSN, the lines between. */
    record Delivered(int session, long xid, long beginLsn, long commitLsn, List<String> lines) {}

    /** One START_REPLICATION and what it delivered until the connection ended. */
    static final class Session {
        final int index;
        final int epoch;
        /** The slot's confirmed_flush_lsn and restart_lsn read just before START_REPLICATION. */
        final long confirmedAtStart;
        final long restartAtStart;
        /** The highest LSN this consumer had passed to setFlushedLSN before this session started. */
        final long ackedBefore;
        final List<Delivered> txns = new CopyOnWriteArrayList<>();
        final List<String> problems = new CopyOnWriteArrayList<>();
        volatile String endedBy = "still running";

        Session(int index, int epoch, long confirmedAtStart, long restartAtStart, long ackedBefore) {
            this.index = index;
            this.epoch = epoch;
            this.confirmedAtStart = confirmedAtStart;
            this.restartAtStart = restartAtStart;
            this.ackedBefore = ackedBefore;
        }

        @Override
        public String toString() {
            return "session " + index + " (epoch " + epoch + ", confirmed_flush " + lsn(confirmedAtStart) + ", restart "
                    + lsn(restartAtStart) + ", acked before " + lsn(ackedBefore) + ", " + txns.size() + " txns, ended by "
                    + endedBy + ")";
        }
    }

    private final String slot;
    private final Supplier<Target> target;
    private final Random random;
    private final double ackProbability;
    private volatile boolean stop;
    final List<Session> sessions = new CopyOnWriteArrayList<>();
    /** Errors of attempts that did not get a stream (connect, slot query, START_REPLICATION), last ones kept. */
    final List<String> startErrors = new CopyOnWriteArrayList<>();
    volatile long maxAckSet;
    volatile Throwable crashed;

    StreamConsumer(String slot, long seed, double ackProbability, Supplier<Target> target) {
        this.slot = slot;
        this.target = target;
        this.random = new Random(seed * 17 + 5);
        this.ackProbability = ackProbability;
    }

    static String lsn(long v) {
        return LogSequenceNumber.valueOf(v).asString();
    }

    void stop() {
        stop = true;
    }

    Session current() {
        return sessions.isEmpty() ? null : sessions.get(sessions.size() - 1);
    }

    int deliveredCount() {
        return sessions.stream().mapToInt(s -> s.txns.size()).sum();
    }

    @Override
    public void run() {
        try {
            while (!stop) {
                Target t = target.get();
                if (t.port() <= 0) {
                    Thread.sleep(50);
                    continue;
                }
                try {
                    stream(t);
                } catch (SQLException e) {
                    startError(t, e);
                    Thread.sleep(100);
                }
            }
        } catch (Throwable t) {
            crashed = t;
        }
    }

    private void startError(Target t, Exception e) {
        startErrors.add("epoch " + t.epoch() + ": " + e);
        while (startErrors.size() > 20) {
            startErrors.remove(0);
        }
    }

    private void stream(Target t) throws SQLException, InterruptedException {
        long confirmed;
        long restart;
        try (Connection c = KillableSlotway.connect(t.port()); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT confirmed_flush_lsn, restart_lsn FROM pg_replication_slots WHERE slot_name = '"
                     + slot + "'")) {
            if (!rs.next()) {
                throw new SQLException("slot " + slot + " is not in pg_replication_slots");
            }
            confirmed = LogSequenceNumber.valueOf(rs.getString(1)).asLong();
            restart = LogSequenceNumber.valueOf(rs.getString(2)).asLong();
        }
        Properties p = new Properties();
        PGProperty.USER.set(p, "postgres");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "9.4");
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        PGProperty.APPLICATION_NAME.set(p, "crash-it-consumer");
        PGProperty.CONNECT_TIMEOUT.set(p, 5);
        PGProperty.SOCKET_TIMEOUT.set(p, 30);
        Connection rc = DriverManager.getConnection(KillableSlotway.url(t.port()), p);
        try {
            PGConnection pg = rc.unwrap(PGConnection.class);
            PGReplicationStream s = pg.getReplicationAPI().replicationStream().logical().withSlotName(slot)
                    .withSlotOption("include-xids", true).withSlotOption("skip-empty-xacts", true)
                    .withStatusInterval(1, TimeUnit.SECONDS).start();
            Session session = new Session(sessions.size(), t.epoch(), confirmed, restart, maxAckSet);
            sessions.add(session);
            try {
                consume(s, session);
            } catch (SQLException e) {
                session.endedBy = e.getSQLState() + " " + e.getMessage();
                return;
            }
            session.endedBy = "stop";
            s.forceUpdateStatus();
            s.close();
        } finally {
            try {
                rc.close();
            } catch (SQLException e) {
                // the server is gone (killed): nothing to close properly
            }
        }
    }

    private void consume(PGReplicationStream s, Session session) throws SQLException, InterruptedException {
        long open = -1;
        long beginLsn = 0;
        List<String> lines = new ArrayList<>();
        long lastStatus = System.nanoTime();
        while (!stop) {
            ByteBuffer buf = s.readPending();
            if (buf == null) {
                if (System.nanoTime() - lastStatus > TimeUnit.MILLISECONDS.toNanos(200)) {
                    s.forceUpdateStatus();
                    lastStatus = System.nanoTime();
                }
                Thread.sleep(5);
                continue;
            }
            byte[] b = new byte[buf.remaining()];
            buf.get(b);
            String text = new String(b, StandardCharsets.UTF_8);
            long at = s.getLastReceiveLSN().asLong();
            if (text.startsWith("BEGIN")) {
                if (open >= 0) {
                    session.problems.add("BEGIN at " + lsn(at) + " inside transaction " + open + " (no COMMIT)");
                }
                open = xid(text, session);
                beginLsn = at;
                lines = new ArrayList<>();
            } else if (text.startsWith("COMMIT")) {
                long xid = xid(text, session);
                if (open < 0) {
                    session.problems.add("COMMIT " + xid + " at " + lsn(at) + " without BEGIN");
                } else if (xid != open) {
                    session.problems.add("COMMIT " + xid + " at " + lsn(at) + " closes BEGIN " + open);
                }
                session.txns.add(new Delivered(session.index, xid, beginLsn, at, List.copyOf(lines)));
                open = -1;
                if (random.nextDouble() < ackProbability) {
                    maxAckSet = Math.max(maxAckSet, at);
                    s.setFlushedLSN(LogSequenceNumber.valueOf(at));
                    s.setAppliedLSN(LogSequenceNumber.valueOf(at));
                }
            } else if (open < 0) {
                session.problems.add("line outside a transaction at " + lsn(at) + ": " + text);
            } else {
                lines.add(text);
            }
        }
        // stopping: acknowledge everything recorded, as a client does before it exits
        Delivered last = session.txns.isEmpty() ? null : session.txns.get(session.txns.size() - 1);
        if (last != null) {
            maxAckSet = Math.max(maxAckSet, last.commitLsn());
            s.setFlushedLSN(LogSequenceNumber.valueOf(last.commitLsn()));
            s.setAppliedLSN(LogSequenceNumber.valueOf(last.commitLsn()));
        }
    }

    private static long xid(String line, Session session) {
        String[] parts = line.split(" ");
        try {
            return Long.parseLong(parts[1]);
        } catch (RuntimeException e) {
            session.problems.add("no xid in '" + line + "'");
            return -2;
        }
    }
}
