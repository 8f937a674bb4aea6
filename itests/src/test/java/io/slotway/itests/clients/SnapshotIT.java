package io.slotway.itests.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.testkit.PgOracle;
import io.slotway.testkit.Psql;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.copy.CopyManager;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.ReplicationSlotInfo;

/**
 * Consistent initial copies: while writers insert, update and delete, a slot is created with an exported
 * snapshot (pgjdbc's replication API) or with {@code SNAPSHOT 'use'} (the PostgreSQL subscriber's tablesync
 * sequence, raw protocol); the table is copied in that snapshot, then the slot is streamed from its
 * consistent point; the copy with the stream applied must be exactly the final table. Also COPY's output
 * in every format compared byte for byte with PostgreSQL 15's on the golden gw_types rows.
 */
class SnapshotIT {
    @RegisterExtension
    static final SlotwayExtension slotway = new SlotwayExtension("snapshot");

    private static final Pattern CHANGE = Pattern.compile(
            "table public\\.(\\w+): (INSERT|UPDATE|DELETE): id\\[integer\\]:(-?\\d+)(?: v\\[integer\\]:(-?\\d+))?");

    @Test
    void exportedSnapshotCopyPlusStreamIsTheFinalTable() throws Exception {
        String table = "snap_export";
        setUp(table);
        Writers writers = new Writers(table);
        try {
            writers.awaitOps(300);
            try (Connection rc = replicationConnection()) {
                ReplicationSlotInfo info = rc.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot()
                        .logical().withSlotName("snap_export_slot").withOutputPlugin("test_decoding").make();
                assertThat(info.getSnapshotName()).matches("[0-9A-F]{8}-[0-9A-F]{8}-1");
                writers.awaitOps(writers.ops() + 300); // the table moves on while the snapshot stays
                Map<Integer, Integer> copy;
                try (Connection c = SlotwayProcess.connect(slotway.port())) {
                    c.setAutoCommit(false);
                    c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
                    try (Statement s = c.createStatement()) {
                        s.execute("SET TRANSACTION SNAPSHOT '" + info.getSnapshotName() + "'");
                    }
                    copy = copyText(c, "COPY " + table + " TO STDOUT");
                    writers.awaitOps(writers.ops() + 200);
                    assertThat(copyText(c, "COPY " + table + " (id, v) TO STDOUT")).isEqualTo(copy); // still the same snapshot
                    c.commit();
                }
                writers.stopAndCheck();
                markDone();
                apply(copy, stream(rc, "snap_export_slot", info.getConsistentPoint()), table);
                assertThat(copy).isEqualTo(table(table));
            }
            // The exporting connection ran its next command (START_REPLICATION) and closed: the snapshot is gone.
        } finally {
            writers.stopQuietly();
        }
    }

    @Test
    void snapshotImportFollowsPostgresRules() throws Exception {
        setUp("snap_rules");
        try (Connection rc = replicationConnection()) {
            ReplicationSlotInfo info = rc.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot()
                    .logical().withSlotName("snap_rules_slot").withOutputPlugin("test_decoding").withTemporaryOption().make();
            String name = info.getSnapshotName();
            try (Connection c = SlotwayProcess.connect(slotway.port()); Statement s = c.createStatement()) {
                assertError(s, "BEGIN; SET TRANSACTION SNAPSHOT '" + name + "'", "0A000",
                        "a snapshot-importing transaction must have isolation level SERIALIZABLE or REPEATABLE READ");
                s.execute("ROLLBACK");
                assertError(s, "BEGIN ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION SNAPSHOT 'x'", "22023",
                        "invalid snapshot identifier: \"x\"");
                s.execute("ROLLBACK");
                assertError(s, "BEGIN ISOLATION LEVEL REPEATABLE READ; SELECT 1; SET TRANSACTION SNAPSHOT '" + name + "'",
                        "25001", "SET TRANSACTION SNAPSHOT must be called before any query");
                s.execute("ROLLBACK");
                s.execute("BEGIN ISOLATION LEVEL SERIALIZABLE; SET TRANSACTION SNAPSHOT '" + name + "'");
                s.execute("COMMIT");
                try (Statement r = rc.createStatement()) {
                    r.execute("IDENTIFY_SYSTEM"); // the exporter's next command ends the snapshot
                }
                assertError(s, "BEGIN ISOLATION LEVEL REPEATABLE READ; SET TRANSACTION SNAPSHOT '" + name + "'", "22023",
                        "invalid snapshot identifier: \"" + name + "\"");
                s.execute("ROLLBACK");
            }
        }
    }

    @Test
    void tablesyncSequenceWithSnapshotUseCopiesTheConsistentPoint() throws Exception {
        String table = "snap_use";
        setUp(table);
        Writers writers = new Writers(table);
        try {
            writers.awaitOps(300);
            Map<Integer, Integer> copy = new TreeMap<>();
            String consistentPoint;
            try (RawClient c = new RawClient(slotway.port())) {
                Map<String, String> p = new LinkedHashMap<>();
                p.put("user", "postgres");
                p.put("database", "postgres");
                p.put("replication", "database");
                c.startup(196608, p);
                c.readUntilReadyOrFatal();
                assertThat(errorOf(query(c, "CREATE_REPLICATION_SLOT \"x\" LOGICAL test_decoding (SNAPSHOT 'use')")))
                        .isEqualTo("XX000 CREATE_REPLICATION_SLOT ... (SNAPSHOT 'use') must be called inside a transaction");
                query(c, "BEGIN");
                assertThat(errorOf(query(c, "CREATE_REPLICATION_SLOT \"x\" LOGICAL test_decoding (SNAPSHOT 'use')")))
                        .isEqualTo("XX000 CREATE_REPLICATION_SLOT ... (SNAPSHOT 'use') must be called in REPEATABLE READ isolation mode transaction");
                query(c, "ROLLBACK");
                assertThat(errorOf(query(c, "BEGIN READ ONLY ISOLATION LEVEL REPEATABLE READ"))).isNull();
                List<RawClient.Message> created = query(c,
                        "CREATE_REPLICATION_SLOT \"snap_use_slot\" LOGICAL test_decoding (SNAPSHOT 'use')");
                assertThat(errorOf(created)).isNull();
                List<String> row = dataRow(created);
                consistentPoint = row.get(1);
                assertThat(row.get(2)).isNull();
                writers.awaitOps(writers.ops() + 300);
                List<RawClient.Message> copied = query(c, "COPY public." + table + " (id, v) TO STDOUT");
                assertThat(errorOf(copied)).isNull();
                assertThat(copied.get(0).type()).isEqualTo('H');
                long n = 0;
                for (RawClient.Message m : copied) {
                    if (m.type() == 'd') {
                        String[] f = new String(m.body(), StandardCharsets.UTF_8).strip().split("\t");
                        copy.put(Integer.parseInt(f[0]), Integer.parseInt(f[1]));
                        n++;
                    }
                }
                assertThat(tag(copied)).isEqualTo("COPY " + n);
                assertThat(errorOf(query(c, "COMMIT"))).isNull();
            }
            writers.stopAndCheck();
            markDone();
            try (Connection rc = replicationConnection()) {
                apply(copy, stream(rc, "snap_use_slot", LogSequenceNumber.valueOf(consistentPoint)), table);
            }
            assertThat(copy).isEqualTo(table(table));
        } finally {
            writers.stopQuietly();
        }
    }

    @Test
    void copyOfEveryTypeIsWhatPostgresWrites() throws Exception {
        String setup = PsqlConformanceIT.golden("setup.sql");
        String create = setup.substring(setup.indexOf("CREATE TABLE gw_types"), setup.indexOf(");", setup.indexOf("CREATE TABLE gw_types")) + 2);
        String workload = PsqlConformanceIT.golden("workload.sql");
        String rows = workload.substring(workload.indexOf("-- 1."), workload.indexOf("-- 4."));
        PgOracle pg = PgOracle.get();
        String db = pg.createDatabase("snapcopy");
        String sql = "SET TIME ZONE 'UTC';\n" + create + "\n" + rows;
        assertThat(Psql.run("127.0.0.1", pg.port(), "postgres", db, sql, "-v", "ON_ERROR_STOP=1", "-q").exitCode()).isZero();
        assertThat(Psql.run("127.0.0.1", slotway.port(), "postgres", "postgres", sql, "-v", "ON_ERROR_STOP=1", "-q")
                .exitCode()).isZero();
        List<String> copies = List.of(
                "COPY gw_types TO STDOUT",
                "COPY gw_types TO STDOUT WITH (FORMAT csv, HEADER)",
                "COPY gw_types TO STDOUT WITH (FORMAT csv, FORCE_QUOTE *, QUOTE '''', ESCAPE '\\', NULL 'NULL')",
                "COPY gw_types (id, c_text, c_bytea, c_text_arr) TO STDOUT WITH (DELIMITER '|', NULL '', HEADER true)",
                "COPY gw_types TO STDOUT WITH CSV HEADER FORCE QUOTE c_text, c_json",
                "COPY gw_types TO STDOUT WITH (FORMAT binary)",
                "COPY BINARY gw_types (id, c_numeric, c_ts, c_tstz, c_interval, c_int_arr) TO STDOUT",
                "COPY (SELECT id, c_text, c_jsonb FROM gw_types WHERE id > 2 ORDER BY id DESC) TO STDOUT WITH (FORMAT csv)");
        try (Connection p = pg.connect(db); Connection s = SlotwayProcess.connect(slotway.port())) {
            for (Connection c : List.of(p, s)) {
                try (Statement st = c.createStatement()) {
                    st.execute("SET TIME ZONE 'UTC'");
                }
            }
            for (String copy : copies) {
                String ordered = copy; // both servers return gw_types in insertion order (no updates here)
                assertThat(copyBytes(s, ordered)).as(copy).isEqualTo(copyBytes(p, ordered));
            }
            for (String bad : List.of("COPY gw_types (nope) TO STDOUT", "COPY no_such TO STDOUT",
                    "COPY gw_types TO STDOUT WITH (FORMAT csv, FORCE_QUOTE (c_int))",
                    "COPY gw_types (id) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE (c_int))",
                    "COPY gw_types (id, id) TO STDOUT", "COPY (SELECT * FROM no_such) TO STDOUT")) {
                assertThat(copyError(s, bad)).as(bad).isEqualTo(copyError(p, bad));
            }
            // PostgreSQL's superuser would write the server file; Slotway never does, and answers as PostgreSQL
            // answers a role without pg_write_server_files.
            assertThat(copyError(s, "COPY gw_types TO '/tmp/x'")).startsWith("42501 ERROR: must be superuser or have "
                    + "privileges of the pg_write_server_files role to COPY to a file");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static void setUp(String table) throws SQLException {
        try (Connection c = SlotwayProcess.connect(slotway.port()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id integer PRIMARY KEY, v integer NOT NULL)");
            s.execute("INSERT INTO " + table + " SELECT g, g FROM generate_series(1, 500) g");
            s.execute("CREATE TABLE IF NOT EXISTS snap_done (id integer)");
        }
    }

    private static void markDone() throws SQLException {
        try (Connection c = SlotwayProcess.connect(slotway.port()); Statement s = c.createStatement()) {
            s.execute("INSERT INTO snap_done VALUES (1)");
        }
    }

    private static Connection replicationConnection() throws SQLException {
        Properties p = new Properties();
        PGProperty.USER.set(p, "postgres");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "9.4");
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        PGProperty.SOCKET_TIMEOUT.set(p, 60);
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + slotway.port() + "/postgres", p);
    }

    /** test_decoding lines from {@code from} until the snap_done marker. */
    private static List<String> stream(Connection rc, String slot, LogSequenceNumber from) throws Exception {
        List<String> lines = new ArrayList<>();
        PGReplicationStream s = rc.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                .withSlotName(slot).withStartPosition(from).withStatusInterval(1, TimeUnit.SECONDS).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            ByteBuffer b = s.readPending();
            if (b == null) {
                Thread.sleep(10);
                continue;
            }
            String line = new String(b.array(), b.arrayOffset() + b.position(), b.remaining(), StandardCharsets.UTF_8);
            if (line.startsWith("table public.snap_done: INSERT")) {
                s.close();
                return lines;
            }
            lines.add(line);
        }
        throw new AssertionError("no snap_done marker within 60 s; got " + lines.size() + " lines");
    }

    /** Applies the stream's changes to the copy: an INSERT of a present key or a change of a missing one fails. */
    private static void apply(Map<Integer, Integer> copy, List<String> lines, String table) {
        int changes = 0;
        for (String line : lines) {
            Matcher m = CHANGE.matcher(line);
            if (!m.lookingAt() || !m.group(1).equals(table)) {
                continue;
            }
            int id = Integer.parseInt(m.group(3));
            switch (m.group(2)) {
                case "INSERT" -> assertThat(copy.put(id, Integer.parseInt(m.group(4)))).as("duplicated: %s", line).isNull();
                case "UPDATE" -> assertThat(copy.put(id, Integer.parseInt(m.group(4)))).as("lost: %s", line).isNotNull();
                default -> assertThat(copy.remove(id)).as("lost: %s", line).isNotNull();
            }
            changes++;
        }
        assertThat(changes).as("changes streamed after the consistent point").isGreaterThan(100);
    }

    private static Map<Integer, Integer> table(String table) throws SQLException {
        Map<Integer, Integer> rows = new TreeMap<>();
        try (Connection c = SlotwayProcess.connect(slotway.port()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT id, v FROM " + table)) {
            while (rs.next()) {
                rows.put(rs.getInt(1), rs.getInt(2));
            }
        }
        return rows;
    }

    private static Map<Integer, Integer> copyText(Connection c, String sql) throws Exception {
        Map<Integer, Integer> rows = new TreeMap<>();
        for (String line : new String(copyBytes(c, sql), StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                String[] f = line.split("\t");
                rows.put(Integer.parseInt(f[0]), Integer.parseInt(f[1]));
            }
        }
        return rows;
    }

    private static byte[] copyBytes(Connection c, String sql) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new CopyManager(c.unwrap(org.postgresql.core.BaseConnection.class)).copyOut(sql, out);
        return out.toByteArray();
    }

    private static String copyError(Connection c, String sql) {
        try {
            copyBytes(c, sql);
            return "no error";
        } catch (Exception e) {
            SQLException s = (SQLException) e;
            return s.getSQLState() + " " + s.getMessage();
        }
    }

    private static void assertError(Statement s, String sql, String state, String message) {
        assertThatThrownBy(() -> s.execute(sql)).isInstanceOfSatisfying(SQLException.class, e -> {
            assertThat(e.getSQLState()).isEqualTo(state);
            assertThat(e.getMessage()).startsWith("ERROR: " + message);
        });
    }

    private static List<RawClient.Message> query(RawClient c, String sql) throws Exception {
        c.send('Q', (sql + "\0").getBytes(StandardCharsets.UTF_8));
        return c.readUntilReadyOrFatal();
    }

    private static String errorOf(List<RawClient.Message> messages) {
        for (RawClient.Message m : messages) {
            if (m.type() == 'E') {
                return m.fields().get('C') + " " + m.fields().get('M');
            }
        }
        return null;
    }

    private static String tag(List<RawClient.Message> messages) {
        for (RawClient.Message m : messages) {
            if (m.type() == 'C') {
                return new String(m.body(), 0, m.body().length - 1, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    private static List<String> dataRow(List<RawClient.Message> messages) {
        for (RawClient.Message m : messages) {
            if (m.type() == 'D') {
                ByteBuffer b = ByteBuffer.wrap(m.body());
                int n = b.getShort();
                List<String> values = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int len = b.getInt();
                    if (len < 0) {
                        values.add(null);
                    } else {
                        values.add(new String(m.body(), b.position(), len, StandardCharsets.UTF_8));
                        b.position(b.position() + len);
                    }
                }
                return values;
            }
        }
        throw new AssertionError("no DataRow");
    }

    /** Three writers inserting, updating and deleting rows, one to three changes per transaction, until stopped. */
    private static final class Writers {
        private final String table;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger ops = new AtomicInteger();
        private final AtomicInteger nextId = new AtomicInteger(1_000_000);
        private final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final List<Thread> threads = new ArrayList<>();

        Writers(String table) {
            this.table = table;
            for (int w = 0; w < 3; w++) {
                Thread t = new Thread(this::run, "snapshot-it-writer-" + w);
                t.start();
                threads.add(t);
            }
        }

        private void run() {
            try (Connection c = SlotwayProcess.connect(slotway.port()); Statement s = c.createStatement()) {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                while (!stop.get() && ops.get() < 200_000) {
                    StringBuilder tx = new StringBuilder("BEGIN;");
                    for (int k = r.nextInt(1, 4); k > 0; k--) {
                        int id = r.nextInt(1, 501);
                        switch (r.nextInt(3)) {
                            case 0 -> tx.append("INSERT INTO ").append(table).append(" VALUES (").append(nextId.getAndIncrement())
                                    .append(", ").append(r.nextInt(1000)).append(");");
                            case 1 -> tx.append("UPDATE ").append(table).append(" SET v = v + 1 WHERE id = ").append(id).append(';');
                            default -> tx.append("DELETE FROM ").append(table).append(" WHERE id = ")
                                    .append(r.nextBoolean() ? id : nextId.get() - r.nextInt(1, 50)).append(';');
                        }
                    }
                    s.execute(tx.append("COMMIT;").toString());
                    ops.incrementAndGet();
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        }

        int ops() {
            return ops.get();
        }

        void awaitOps(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ops.get() < n && failure.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(failure.get()).isNull();
            assertThat(ops.get()).isGreaterThanOrEqualTo(n);
        }

        void stopAndCheck() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
            assertThat(failure.get()).as("writer failure").isNull();
        }

        void stopQuietly() throws InterruptedException {
            stop.set(true);
            for (Thread t : threads) {
                t.join(30_000);
            }
        }
    }
}
