package io.slotway.itests.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.testkit.PgOracle;
import io.slotway.testkit.Psql;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * What AWS DMS requires of, and does with, a PostgreSQL source (DMS itself cannot run here), done with pgjdbc on
 * Slotway and on PostgreSQL 15 and compared:
 * <ol>
 * <li>the prerequisites DMS's documentation lists for a self-managed source: {@code wal_level = logical},
 * {@code max_replication_slots} and {@code max_wal_senders} at least 1, {@code wal_sender_timeout} 0 or at
 * least 10 s (through {@code SHOW} and {@code current_setting});</li>
 * <li>the table, column, primary-key and replica-identity metadata its PostgreSQL endpoint reads
 * ({@code pg_class}/{@code pg_namespace}/{@code pg_attribute}/{@code pg_type}/{@code pg_index} joins,
 * {@code relreplident} per table, {@code information_schema.tables}/{@code columns});</li>
 * <li>the slot, created as DMS's documentation says for a source: {@code SELECT * FROM
 * pg_create_logical_replication_slot('…', 'test_decoding')}, and its row in {@code pg_replication_slots}
 * (DMS's native CDC start point is its {@code confirmed_flush_lsn});</li>
 * <li>with {@code HeartbeatEnable}, DMS creates {@code awsdms_heartbeat} and writes it through SQL every
 * {@code HeartbeatFrequency}: here a row is inserted before the slot exists and updated before, during and
 * after the golden workload;</li>
 * <li>the changes read as test_decoding text with the options DMS passes (xids, commit timestamps, empty
 * transactions skipped) through {@code pg_logical_slot_peek_changes}, through the replication protocol, and
 * consumed with {@code pg_logical_slot_get_changes}; then the slot dropped with
 * {@code pg_drop_replication_slot}.</li>
 * </ol>
 * Outputs are compared after numbering xids in order of appearance and replacing LSNs and timestamps (commit
 * times and the heartbeat's {@code now()}).
 */
class DmsSourceIT {
    @RegisterExtension
    static final SlotwayExtension slotway = new SlotwayExtension("dms-source");

    private static final String SLOT = "dms_it";
    /** test_decoding options as DMS uses them: xids and commit timestamps on, empty transactions skipped. */
    private static final Map<String, String> OPTIONS = new LinkedHashMap<>(Map.of("include-xids", "1", "include-timestamp", "1",
            "skip-empty-xacts", "1"));
    private static final List<String> TABLES = List.of("awsdms_heartbeat", "gw_full", "gw_nopk", "gw_nothing", "gw_trunc", "gw_types");

    private static final String HEARTBEAT_DDL = "CREATE TABLE IF NOT EXISTS public.awsdms_heartbeat"
            + " (hb_id SERIAL PRIMARY KEY, hb_timestamp TIMESTAMP WITHOUT TIME ZONE)";
    private static final String HEARTBEAT_FIRST = "INSERT INTO public.awsdms_heartbeat (hb_timestamp) VALUES (now())";
    private static final String HEARTBEAT = "UPDATE public.awsdms_heartbeat SET hb_timestamp = now() WHERE hb_id = 1";

    /** What DMS reads from the catalog, each with the rows' values. */
    private static final List<String> CATALOG = List.of(
            "SELECT n.nspname, c.relname, c.relkind, c.relreplident, c.relnatts FROM pg_catalog.pg_class c"
                    + " JOIN pg_catalog.pg_namespace n ON c.relnamespace = n.oid WHERE c.relkind IN ('r', 'p')"
                    + " AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"
                    + " ORDER BY n.nspname, c.relname",
            "SELECT c.relname, a.attnum, a.attname, t.typname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.atttypmod,"
                    + " a.attnotnull, a.attlen, a.atthasdef FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON a.attrelid = c.oid"
                    + " JOIN pg_catalog.pg_namespace n ON c.relnamespace = n.oid JOIN pg_catalog.pg_type t ON a.atttypid = t.oid"
                    + " WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped ORDER BY c.relname, a.attnum",
            "SELECT c.relname, ic.relname AS index_name, a.attname, i.indisunique FROM pg_catalog.pg_index i"
                    + " JOIN pg_catalog.pg_class c ON c.oid = i.indrelid JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
                    + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
                    + " JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = ANY(i.indkey)"
                    + " WHERE n.nspname = 'public' AND i.indisprimary ORDER BY c.relname, a.attnum",
            "SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_schema = 'public'"
                    + " ORDER BY table_name",
            "SELECT table_name, ordinal_position, column_name, data_type, is_nullable, character_maximum_length,"
                    + " numeric_precision, numeric_scale FROM information_schema.columns WHERE table_schema = 'public'"
                    + " ORDER BY table_name, ordinal_position");
    /** DMS's replica-identity check, per table, with bind parameters. */
    private static final String REPLIDENT = "SELECT c.relreplident FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
            + " ON c.relnamespace = n.oid WHERE n.nspname = ? AND c.relname = ?";

    /** What one server answered. */
    record Run(Map<String, String> settings, List<String> catalog, List<String> slotColumns, List<String> peek,
               List<String> stream, List<String> get, List<String> peekAfterGet, boolean slotGone) {}

    private static Run pg;
    private static Run sw;

    @BeforeAll
    static void runBoth() throws Exception {
        Path out = Paths.get(System.getProperty("slotway.itest.work", "target/itest-work")).resolve("dms-source/out");
        Files.createDirectories(out);
        PgOracle oracle = PgOracle.get();
        pg = run("pg", oracle.port(), oracle.createDatabase("dms"), out);
        sw = run("slotway", slotway.port(), "postgres", out);
    }

    @Test
    void theSourceMeetsDmsPrerequisites() {
        for (Run r : List.of(pg, sw)) {
            assertThat(r.settings()).containsEntry("wal_level", "logical").containsEntry("current_setting(wal_level)", "logical");
            assertThat(Integer.parseInt(r.settings().get("max_replication_slots"))).isGreaterThanOrEqualTo(1);
            assertThat(Integer.parseInt(r.settings().get("max_wal_senders"))).isGreaterThanOrEqualTo(1);
            long timeout = millis(r.settings().get("wal_sender_timeout"));
            assertThat(timeout == 0 || timeout >= 10_000).as("wal_sender_timeout %s", r.settings().get("wal_sender_timeout")).isTrue();
            assertThat(Integer.parseInt(r.settings().get("server_version_num"))).isBetween(150000, 159999);
        }
    }

    @Test
    void tablesColumnsKeysAndReplicaIdentityAreWhatPostgresAnswers() {
        assertThat(sw.catalog()).containsExactlyElementsOf(pg.catalog());
    }

    @Test
    void theSlotIsCreatedThroughTheSqlFunction() {
        assertThat(pg.slotColumns()).containsExactly("slot_name:name", "lsn:pg_lsn", SLOT,
                SLOT + "|test_decoding|logical|t|f|f|t|t");
        assertThat(sw.slotColumns()).containsExactlyElementsOf(pg.slotColumns());
    }

    @Test
    void peekedChangesAreWhatPostgresGives() {
        assertThat(pg.peek()).anyMatch(l -> l.contains("table public.awsdms_heartbeat: UPDATE"));
        assertThat(sw.peek()).containsExactlyElementsOf(pg.peek());
    }

    @Test
    void streamedChangesAreWhatPostgresStreams() {
        assertThat(pg.stream()).isNotEmpty();
        assertThat(sw.stream()).containsExactlyElementsOf(pg.stream());
    }

    @Test
    void getChangesConsumesWhatPeekShowed() {
        assertThat(sw.get()).containsExactlyElementsOf(pg.get());
        assertThat(pg.get()).isEqualTo(pg.peek());
        assertThat(pg.peekAfterGet()).isEmpty();
        assertThat(sw.peekAfterGet()).isEmpty();
    }

    @Test
    void theSlotIsDropped() {
        assertThat(pg.slotGone()).isTrue();
        assertThat(sw.slotGone()).isTrue();
    }

    // ------------------------------------------------------------------------------------------------ the sequence

    private static Run run(String name, int port, String db, Path out) throws Exception {
        Map<String, String> settings = new LinkedHashMap<>();
        List<String> catalog = new ArrayList<>();
        List<String> slotColumns = new ArrayList<>();
        String end;
        try (Connection c = connect(port, db)) {
            for (String s : List.of("wal_level", "max_replication_slots", "max_wal_senders", "wal_sender_timeout", "server_version_num")) {
                settings.put(s, single(c, "SHOW " + s));
            }
            settings.put("current_setting(wal_level)", single(c, "SELECT current_setting('wal_level')"));

            psql(port, db, PsqlConformanceIT.golden("setup.sql"));
            execute(c, HEARTBEAT_DDL);
            execute(c, HEARTBEAT_FIRST);

            for (String q : CATALOG) {
                catalog.add("-- " + q);
                catalog.addAll(rows(c, q));
            }
            try (PreparedStatement ps = c.prepareStatement(REPLIDENT)) {
                for (String t : TABLES) {
                    ps.setString(1, "public");
                    ps.setString(2, t);
                    try (ResultSet rs = ps.executeQuery()) {
                        catalog.add("relreplident " + t + ": " + (rs.next() ? rs.getString(1) : "(none)"));
                    }
                }
            }

            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT * FROM pg_create_logical_replication_slot('" + SLOT + "', 'test_decoding')")) {
                ResultSetMetaData md = rs.getMetaData();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    slotColumns.add(md.getColumnName(i) + ":" + md.getColumnTypeName(i));
                }
                assertThat(rs.next()).isTrue();
                slotColumns.add(rs.getString(1));
                LogSequenceNumber.valueOf(rs.getString(2)); // an LSN in PostgreSQL's form
            }
            // DMS's native CDC start point for a PostgreSQL source is the slot's confirmed_flush_lsn
            slotColumns.addAll(rows(c, "SELECT slot_name, plugin, slot_type, database IS NOT NULL, temporary, active,"
                    + " confirmed_flush_lsn IS NOT NULL, confirmed_flush_lsn >= restart_lsn FROM pg_replication_slots"
                    + " WHERE slot_name = '" + SLOT + "'"));

            execute(c, HEARTBEAT);
            psql(port, db, PsqlConformanceIT.golden("workload.sql"));
            for (int i = 0; i < 3; i++) { // "periodically": three more beats, 200 ms apart
                Thread.sleep(200);
                execute(c, HEARTBEAT);
            }
            end = single(c, "SELECT pg_current_wal_lsn()");
        }

        String options = OPTIONS.entrySet().stream().map(e -> ", '" + e.getKey() + "', '" + e.getValue() + "'")
                .reduce("", String::concat);
        List<String> peek;
        List<String> get;
        List<String> peekAfterGet;
        List<String> stream = stream(port, db, LogSequenceNumber.valueOf(end));
        boolean slotGone;
        try (Connection c = connect(port, db)) {
            // the walsender lets the slot go just after the stream's connection closes
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!rows(c, "SELECT active FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'").equals(List.of("f"))) {
                assertThat(System.nanoTime()).as("slot released within 20 s").isLessThan(deadline);
                Thread.sleep(50);
            }
            peek = rows(c, "SELECT lsn, xid, data FROM pg_logical_slot_peek_changes('" + SLOT + "', '" + end + "', NULL" + options + ")");
            get = rows(c, "SELECT lsn, xid, data FROM pg_logical_slot_get_changes('" + SLOT + "', '" + end + "', NULL" + options + ")");
            peekAfterGet = rows(c, "SELECT lsn, xid, data FROM pg_logical_slot_peek_changes('" + SLOT + "', '" + end + "', NULL"
                    + options + ")");
            execute(c, "SELECT pg_drop_replication_slot('" + SLOT + "')");
            slotGone = rows(c, "SELECT slot_name FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'").isEmpty();
        }
        Files.write(out.resolve(name + ".peek.txt"), normalised(peek), StandardCharsets.UTF_8);
        Files.write(out.resolve(name + ".stream.txt"), normalised(stream), StandardCharsets.UTF_8);
        Files.write(out.resolve(name + ".get.txt"), normalised(get), StandardCharsets.UTF_8);
        Files.write(out.resolve(name + ".catalog.txt"), catalog, StandardCharsets.UTF_8);
        return new Run(settings, catalog, slotColumns, normalised(peek), normalised(stream), normalised(get), peekAfterGet, slotGone);
    }

    /** The slot streamed through the replication protocol with DMS's options up to {@code end}, without confirming. */
    private static List<String> stream(int port, String db, LogSequenceNumber end) throws Exception {
        List<String> lines = new ArrayList<>();
        Properties p = new Properties();
        PGProperty.USER.set(p, "postgres");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "9.4");
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        try (Connection rc = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + db, p)) {
            var builder = rc.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                    .withSlotName(SLOT).withStatusInterval(1, TimeUnit.SECONDS);
            for (Map.Entry<String, String> o : OPTIONS.entrySet()) {
                builder = builder.withSlotOption(o.getKey(), o.getValue());
            }
            PGReplicationStream stream = builder.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (stream.getLastReceiveLSN().asLong() < end.asLong()) {
                assertThat(System.nanoTime()).as("stream reached %s", end).isLessThan(deadline);
                ByteBuffer buf = stream.readPending();
                if (buf == null) {
                    Thread.sleep(10);
                    continue;
                }
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                b.write(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
                lines.add(b.toString(StandardCharsets.UTF_8));
            }
            stream.close();
        }
        return lines;
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static final Pattern XID_LINE = Pattern.compile("^(BEGIN|COMMIT) (\\d+)");
    private static final Pattern FRAMED = Pattern.compile("^[0-9A-F]{1,8}/[0-9A-F]{1,8}\\|(\\d+)\\|(.*)$", Pattern.DOTALL);
    private static final String TS = "\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?(?:[+-]\\d\\d(?::?\\d\\d)?)?";

    /**
     * xids numbered in order of first appearance ({@code <XID#n>}, so equal xids stay equal), LSNs of the SQL
     * interface's rows as {@code <LSN>}, commit timestamps and the heartbeat's {@code now()} as {@code <TS>}.
     */
    static List<String> normalised(List<String> lines) {
        Map<String, String> xids = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String prefix = "";
            Matcher f = FRAMED.matcher(line);
            if (f.matches()) {
                prefix = "<LSN>|" + xids.computeIfAbsent(f.group(1), x -> "<XID#" + (xids.size() + 1) + ">") + "|";
                line = f.group(2);
            }
            Matcher m = XID_LINE.matcher(line);
            if (m.find()) {
                String x = xids.computeIfAbsent(m.group(2), k -> "<XID#" + (xids.size() + 1) + ">");
                line = m.group(1) + " " + x + line.substring(m.end());
            }
            line = line.replaceAll("\\(at " + TS + "\\)", "(at <TS>)")
                    .replaceAll("hb_timestamp\\[timestamp without time zone\\]:'" + TS + "'", "hb_timestamp[timestamp without time zone]:<TS>");
            out.add(prefix + line);
        }
        return out;
    }

    /** {@code 1min}, {@code 60s}, {@code 500ms}, {@code 0}: milliseconds. */
    static long millis(String setting) {
        Matcher m = Pattern.compile("(\\d+)\\s*(ms|s|min|h|d)?").matcher(setting.trim());
        assertThat(m.matches()).as("a duration: %s", setting).isTrue();
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "s" -> n * 1000;
            case "min" -> n * 60_000;
            case "h" -> n * 3_600_000;
            case "d" -> n * 86_400_000;
            default -> n;
        };
    }

    private static Connection connect(int port, String db) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + db, "postgres", "");
    }

    private static void psql(int port, String db, String sql) throws Exception {
        Psql.Result r = Psql.run("127.0.0.1", port, "postgres", db, sql, "-v", "ON_ERROR_STOP=1", "-q");
        assertThat(r.exitCode()).as("psql on %d: %s", port, r.stderr()).isZero();
    }

    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        List<String> r = rows(c, sql);
        assertThat(r).as(sql).hasSize(1);
        return r.get(0);
    }

    /** Each row as its columns' text joined with {@code |}. */
    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    b.append(i == 1 ? "" : "|").append(rs.getString(i));
                }
                out.add(b.toString());
            }
        }
        return out;
    }
}
