package io.slotway.itests;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.fluent.logical.ChainedLogicalStreamBuilder;

/**
 * A pgjdbc logical replication client that keeps going, as applications write one: START_REPLICATION
 * on its slot from 0/0 (the server resumes at confirmed_flush_lsn), records the row ids of table
 * {@code hot} as they arrive with their transaction's commit message LSN, acknowledges each COMMIT
 * (flush = applied = its LSN), and when the stream ends with an error reconnects (polling, every
 * 100 ms) until {@link #stop}. Understands test_decoding's text and wal2json's format 2.
 */
public final class LogicalStream implements Runnable {
    private static final Pattern TEST_DECODING_ID = Pattern.compile("^table public\\.hot: INSERT: id\\[integer\\]:(\\d+) ");
    private static final Pattern WAL2JSON_ID = Pattern.compile("\"table\":\"hot\",\"columns\":\\[\\{\"name\":\"id\",\"type\":\"integer\",\"value\":(\\d+)\\}");
    private static final Pattern WAL2JSON_ACTION = Pattern.compile("^\\{\"action\":\"([A-Z])\"");

    /** A row as received: its id, the LSN of its transaction's commit message, the session that got it. */
    public record Row(long id, long commitLsn, int session) {}

    /** A message of the stream as received (its text, its XLogData LSN, the session that got it). */
    public record Line(String text, long lsn, int session) {}

    /** One START_REPLICATION: the slot's confirmed_flush_lsn just before, and how it ended. */
    public static final class Session {
        public final int index;
        public final long confirmedAtStart;
        public volatile String endedBy = "still running";
        public volatile String endedState;

        Session(int index, long confirmedAtStart) {
            this.index = index;
            this.confirmedAtStart = confirmedAtStart;
        }

        @Override
        public String toString() {
            return "session " + index + " (confirmed_flush " + LogSequenceNumber.valueOf(confirmedAtStart) + ", ended by "
                    + endedBy + ")";
        }
    }

    private final String host;
    private final int port;
    private final String slot;
    private final Map<String, Object> options;
    private final boolean wal2json;
    private volatile boolean stop;
    public final List<Row> rows = new CopyOnWriteArrayList<>();
    public final List<Session> sessions = new CopyOnWriteArrayList<>();
    /** Why START_REPLICATION (or the connection before it) failed: "SQLSTATE message". */
    public final List<String> startErrors = new CopyOnWriteArrayList<>();
    public volatile Throwable crashed;
    /** Every message received, in order, when {@link #keepLines} was called before {@link #start}; else empty. */
    public final List<Line> lines = new CopyOnWriteArrayList<>();
    private volatile boolean keepLines;

    public LogicalStream(String host, int port, String slot, boolean wal2json, Map<String, Object> options) {
        this.host = host;
        this.port = port;
        this.slot = slot;
        this.wal2json = wal2json;
        this.options = options;
    }

    /** Also keeps every message's text in {@link #lines} (off by default). */
    public LogicalStream keepLines() {
        keepLines = true;
        return this;
    }

    public Thread start() {
        Thread t = new Thread(this, "stream-" + slot);
        t.setDaemon(true);
        t.start();
        return t;
    }

    public void stop() {
        stop = true;
    }

    public long maxId() {
        return rows.stream().mapToLong(Row::id).max().orElse(0);
    }

    @Override
    public void run() {
        try {
            while (!stop) {
                try {
                    session();
                } catch (SQLException e) {
                    startErrors.add(e.getSQLState() + " " + e.getMessage());
                    Thread.sleep(100);
                }
            }
        } catch (Throwable t) {
            crashed = t;
        }
    }

    private String url() {
        return "jdbc:postgresql://" + host + ":" + port + "/postgres";
    }

    private void session() throws SQLException, InterruptedException {
        long confirmed;
        Properties plain = new Properties();
        PGProperty.USER.set(plain, "postgres");
        PGProperty.CONNECT_TIMEOUT.set(plain, 5);
        try (Connection c = DriverManager.getConnection(url(), plain); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            if (!rs.next()) {
                throw new SQLException("slot " + slot + " is not in pg_replication_slots", "42704");
            }
            confirmed = LogSequenceNumber.valueOf(rs.getString(1)).asLong();
        }
        Properties p = new Properties();
        PGProperty.USER.set(p, "postgres");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "9.4");
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        PGProperty.CONNECT_TIMEOUT.set(p, 5);
        PGProperty.SOCKET_TIMEOUT.set(p, 30);
        try (Connection rc = DriverManager.getConnection(url(), p)) {
            ChainedLogicalStreamBuilder b = rc.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                    .withSlotName(slot).withStartPosition(LogSequenceNumber.valueOf(0))
                    .withStatusInterval(1, TimeUnit.SECONDS);
            for (Map.Entry<String, Object> o : options.entrySet()) {
                b = b.withSlotOption(o.getKey(), o.getValue().toString());
            }
            PGReplicationStream s = b.start();
            Session session = new Session(sessions.size(), confirmed);
            sessions.add(session);
            try {
                consume(s, session);
                session.endedBy = "stop";
                s.forceUpdateStatus();
                s.close();
            } catch (SQLException e) {
                session.endedState = e.getSQLState();
                session.endedBy = e.getSQLState() + " " + e.getMessage();
            }
        }
    }

    private void consume(PGReplicationStream s, Session session) throws SQLException, InterruptedException {
        List<Long> open = new ArrayList<>();
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
            byte[] bytes = new byte[buf.remaining()];
            buf.get(bytes);
            String text = new String(bytes, StandardCharsets.UTF_8);
            LogSequenceNumber at = s.getLastReceiveLSN();
            if (keepLines) {
                lines.add(new Line(text, at.asLong(), session.index));
            }
            boolean commit;
            Matcher m;
            if (wal2json) {
                Matcher action = WAL2JSON_ACTION.matcher(text);
                commit = action.find() && action.group(1).equals("C");
                m = WAL2JSON_ID.matcher(text);
            } else {
                commit = text.startsWith("COMMIT");
                m = TEST_DECODING_ID.matcher(text);
            }
            if (m.find()) {
                open.add(Long.parseLong(m.group(1)));
            }
            if (commit) {
                for (long id : open) {
                    rows.add(new Row(id, at.asLong(), session.index));
                }
                open.clear();
                s.setFlushedLSN(at);
                s.setAppliedLSN(at);
            }
        }
    }

    /**
     * What PostgreSQL promises a client that acknowledges each commit and reconnects: within a session
     * ids arrive in commit order (here: ascending, one writer); a new session starts no later than the
     * row after the last one received (no gap), and a row it sends again has a commit at or after the
     * confirmed_flush_lsn the session started from. Returns the problems found (empty: none).
     */
    public List<String> problems(long expectedRows) {
        List<String> problems = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        long maxBefore = 0;
        int current = -1;
        long last = 0;
        for (Row r : rows) {
            if (r.session() != current) {
                current = r.session();
                Session s = sessions.get(current);
                if (r.id() > maxBefore + 1) {
                    problems.add(s + " started at id " + r.id() + " after " + maxBefore + ": a gap");
                }
                last = 0;
            }
            if (r.id() <= last) {
                problems.add("id " + r.id() + " after " + last + " in session " + current + ": out of order");
            }
            if (!seen.add(r.id())) {
                long confirmed = sessions.get(current).confirmedAtStart;
                if (r.commitLsn() < confirmed) {
                    problems.add("id " + r.id() + " sent again in session " + current + " with commit "
                            + LogSequenceNumber.valueOf(r.commitLsn()) + " before confirmed_flush "
                            + LogSequenceNumber.valueOf(confirmed));
                }
            }
            last = r.id();
            maxBefore = Math.max(maxBefore, r.id());
        }
        for (long id = 1; id <= expectedRows; id++) {
            if (!seen.contains(id)) {
                problems.add("id " + id + " never arrived");
                if (problems.size() > 20) {
                    break;
                }
            }
        }
        if (seen.size() > expectedRows) {
            problems.add(seen.size() + " distinct ids for " + expectedRows + " rows written");
        }
        return problems;
    }

    /** Polls {@code condition} every 20 ms until it holds or {@code seconds} pass; says whether it held. */
    public static boolean await(long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
