package io.slotway.decoder.testdecoding;

import io.slotway.api.PgException;
import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Relation;
import io.slotway.api.change.Transaction;
import io.slotway.api.change.Tuple;
import io.slotway.api.decoding.PluginSession;
import io.slotway.api.types.PgType;
import io.slotway.api.types.PgTypeNames;
import io.slotway.api.types.SessionFormat;
import io.slotway.decoder.testkit.Fakes;
import io.slotway.testkit.PgOracle;
import io.slotway.testkit.Psql;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plugin against a real PostgreSQL 15's test_decoding ({@link PgOracle}): option errors through
 * {@code pg_logical_slot_peek_changes} and, for bare options, {@code pg_recvlogical -o name}; parse_bool;
 * format_type, the keyword list behind quote_identifier; and the output for what the golden workload
 * does not cover (quoted identifiers, bit types, TRUNCATE of several tables with flags, lazy BEGIN and
 * messages), each decoded by PostgreSQL and by the plugin from hand-built records.
 */
class AgreesWithPostgresTest {
    private static PgOracle oracle;
    private static String db;
    private static Connection conn;
    private static final List<String> SLOTS = new ArrayList<>();
    /** Where {@link #OUT_SLOT} saw {@code INSERT INTO t VALUES (1, 'x')} alone in a transaction. */
    private static final String OUT_SLOT = "td_one_" + Long.toHexString(System.nanoTime());
    /** The WAL position just after that transaction: peeks of {@link #OUT_SLOT} stop there. */
    private static String outSlotEnd;

    private static final Relation T = new Relation(1, "public", "t", 'd', List.of(
            new Column("a", PgType.INT4.oid(), -1, true, true), new Column("Odd Col", PgType.TEXT.oid(), -1, false, false)));

    @BeforeAll
    static void startOracle() throws SQLException {
        oracle = PgOracle.get();
        db = oracle.createDatabase("td");
        conn = oracle.connect(db);
        try (Statement s = conn.createStatement()) {
            s.execute("CREATE TABLE t (a integer PRIMARY KEY, \"Odd Col\" text)");
        }
        createSlot(OUT_SLOT);
        exec("INSERT INTO t VALUES (1, 'x')");
        outSlotEnd = currentLsn();
    }

    private static String currentLsn() throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @AfterAll
    static void dropSlots() throws SQLException {
        if (conn != null) {
            for (String slot : SLOTS) {
                exec("SELECT pg_drop_replication_slot('" + slot + "')");
            }
            conn.close();
        }
    }

    private static void exec(String sql) throws SQLException {
        try (Statement s = conn.createStatement()) {
            s.execute(sql);
        }
    }

    private static void createSlot(String slot) throws SQLException {
        exec("SELECT pg_create_logical_replication_slot('" + slot + "', 'test_decoding')");
        SLOTS.add(slot);
    }

    /** The data column of {@code pg_logical_slot_peek_changes(slot, upto, NULL, options...)}. */
    private static List<String> peek(String slot, String... options) throws SQLException {
        String upto = slot.equals(OUT_SLOT) ? "'" + outSlotEnd + "'" : "NULL";
        StringBuilder sql = new StringBuilder("SELECT data FROM pg_logical_slot_peek_changes(?, " + upto + ", NULL");
        for (int i = 0; i < options.length; i++) {
            sql.append(", ?");
        }
        sql.append(')');
        try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
            ps.setString(1, slot);
            for (int i = 0; i < options.length; i++) {
                ps.setString(i + 2, options[i]);
            }
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    /** PostgreSQL's "SQLSTATE: message" for these options, or null when it accepts them. */
    private static String postgresError(String... options) throws SQLException {
        try {
            peek(OUT_SLOT, options);
            return null;
        } catch (PSQLException e) {
            return e.getSQLState() + ": " + e.getServerErrorMessage().getMessage();
        }
    }

    private static String pluginError(String... options) {
        try {
            new TestDecoding().startup(new Fakes.Context(Fakes.options(options)));
            return null;
        } catch (PgException e) {
            return e.sqlState() + ": " + e.getMessage();
        }
    }

    @Test
    void everyBadOptionRaisesPostgresErrorWordForWord() throws SQLException {
        List<String[]> cases = List.of(
                new String[] {"include-xids", "x"},
                new String[] {"include-timestamp", "maybe"},
                new String[] {"skip-empty-xacts", ""},
                new String[] {"only-local", "2"},
                new String[] {"force-binary", "tru e"},
                new String[] {"include-rewrites", "of f"},
                new String[] {"stream-changes", "o"},
                new String[] {"foo", "bar"},
                new String[] {"two-phase-commit", "1"},
                new String[] {"Include-Xids", "1"},
                new String[] {"include_xids", "1"},
                new String[] {"foo", "it's \"quoted\""},
                new String[] {"include-xids", "1", "foo", "bar", "include-timestamp", "x"},
                new String[] {"include-timestamp", "x", "foo", "bar"},
                new String[] {"foo", "bar", "include-timestamp", "x"});
        SoftAssertions soft = new SoftAssertions();
        for (String[] options : cases) {
            String expected = postgresError(options);
            soft.assertThat(expected).as("PostgreSQL rejects %s", List.of(options)).isNotNull().startsWith("22023: ");
            soft.assertThat(pluginError(options)).as("%s", List.of(options)).isEqualTo(expected);
        }
        soft.assertAll();
    }

    @Test
    void booleanValuesAreReadAsPostgresParseBoolReadsThem() throws SQLException {
        List<String> values = List.of("t", "T", "tr", "tru", "true", "TRUE", "True", "truex", "f", "fa", "fals", "false",
                "FALSE", "falsey", "y", "Y", "ye", "yes", "YES", "yess", "n", "N", "no", "NO", "non", "on", "ON", "oN", "o",
                "of", "OF", "off", "OFF", "offf", "1", "0", "01", "10", "2", "-1", "", " true", "true ", "yes!", "é");
        SoftAssertions soft = new SoftAssertions();
        for (String v : values) {
            String pgError = postgresError("include-xids", v);
            String expected;
            if (pgError != null) {
                expected = pgError;
            } else {
                String begin = peek(OUT_SLOT, "include-xids", v).get(0);
                expected = "include-xids=" + !begin.equals("BEGIN");
            }
            String actual;
            try {
                actual = "include-xids=" + Options.parse(Fakes.options("include-xids", v)).includeXids();
            } catch (PgException e) {
                actual = e.sqlState() + ": " + e.getMessage();
            }
            soft.assertThat(actual).as("include-xids=%s", v).isEqualTo(expected);
        }
        soft.assertAll();
    }

    /** What the plugin writes for {@link #OUT_SLOT}'s one transaction, with these options. */
    private static List<String> pluginOutputForOneInsert(String... options) throws PgException {
        PluginSession session = new TestDecoding().startup(new Fakes.Context(Fakes.options(options)));
        Fakes.Writer out = new Fakes.Writer();
        Transaction txn = new Transaction(1000, Lsn.of(0x100), Lsn.of(0x200), Lsn.of(0x220), Instant.now(), null);
        session.begin(txn, out);
        session.change(txn, Lsn.of(0x180), new Change.Insert(T, new Tuple(1, "x")), out);
        session.commit(txn, out);
        return out.lines();
    }

    private static List<String> normalise(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            out.add(l.replaceAll("^(BEGIN|COMMIT) \\d+", "$1 <XID>")
                    .replaceAll("\\(at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(\\.\\d+)?[+-]\\d\\d(:\\d\\d)?\\)", "(at <TS>)"));
        }
        return out;
    }

    @Test
    void optionSetsThroughTheSqlInterfaceGivePostgresOutput() throws Exception {
        List<String[]> cases = List.of(
                new String[] {},
                new String[] {"include-xids", "off"},
                new String[] {"include-xids", "0", "include-timestamp", "on", "skip-empty-xacts", "1"},
                new String[] {"include-timestamp", "yes"},
                new String[] {"only-local", "true", "include-rewrites", "t", "stream-changes", "y"},
                new String[] {"include-xids", "0", "include-xids", "1"});
        SoftAssertions soft = new SoftAssertions();
        for (String[] options : cases) {
            soft.assertThat(normalise(pluginOutputForOneInsert(options))).as("%s", List.of(options))
                    .containsExactlyElementsOf(normalise(peek(OUT_SLOT, options)));
        }
        soft.assertAll();
    }

    /** Runs pg_recvlogical on a fresh slot that saw one INSERT; returns stdout lines, or the ERROR line. */
    private static List<String> recvlogical(String... options) throws Exception {
        String slot = "td_recv_" + Long.toHexString(System.nanoTime());
        createSlot(slot);
        exec("INSERT INTO t VALUES (" + (SLOTS.size() + 100) + ", 'x')");
        String end = currentLsn();
        List<String> cmd = new ArrayList<>(List.of(oracle.binDir().resolve("pg_recvlogical").toString(),
                "-h", oracle.host(), "-p", Integer.toString(oracle.port()), "-U", oracle.user(), "-d", db,
                "--slot", slot, "--start", "--endpos", end, "--no-loop", "-f", "-"));
        for (String o : options) {
            cmd.add("-o");
            cmd.add(o);
        }
        Process p = new ProcessBuilder(cmd).start();
        byte[] stdout = p.getInputStream().readAllBytes();
        byte[] stderr = p.getErrorStream().readAllBytes();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        Matcher m = Pattern.compile("ERROR:  (.*)").matcher(new String(stderr, StandardCharsets.UTF_8));
        if (m.find()) {
            return List.of("ERROR: " + m.group(1));
        }
        List<String> lines = new ArrayList<>();
        for (String l : new String(stdout, StandardCharsets.UTF_8).split("\n")) {
            // each case inserted its own key; the plugin's record has 1
            lines.add(l.replaceAll("a\\[integer\\]:\\d+", "a[integer]:1"));
        }
        return lines;
    }

    @Test
    void bareOptionsOverTheReplicationProtocolMeanWhatTheyMeanToPostgres() throws Exception {
        List<List<String>> cases = List.of(
                List.of("foo"),
                List.of("include-xids=0", "include-timestamp"),
                List.of("include-xids=0", "include-xids"),
                List.of("skip-empty-xacts", "include-xids=f"),
                List.of("force-binary", "only-local", "include-rewrites", "stream-changes"),
                List.of("include-timestamp=x", "foo"));
        SoftAssertions soft = new SoftAssertions();
        for (List<String> options : cases) {
            List<String> pg = recvlogical(options.toArray(String[]::new));
            soft.assertThat(pg).as("PostgreSQL's output for %s", options).isNotEmpty();
            List<String> nameValue = new ArrayList<>();
            for (String o : options) {
                int eq = o.indexOf('=');
                nameValue.add(eq < 0 ? o : o.substring(0, eq));
                nameValue.add(eq < 0 ? null : o.substring(eq + 1));
            }
            String[] opts = nameValue.toArray(String[]::new);
            List<String> mine;
            try {
                mine = pluginOutputForOneInsert(opts);
            } catch (PgException e) {
                mine = List.of("ERROR: " + e.getMessage());
            }
            soft.assertThat(normalise(mine)).as("%s", options).containsExactlyElementsOf(normalise(pg));
        }
        soft.assertAll();
    }

    @Test
    void commitTimesAreWrittenInTheSessionTimeZoneAndAlwaysInIsoStyle() throws Exception {
        String utc = peek(OUT_SLOT, "include-timestamp", "1").get(2);
        Matcher m = Pattern.compile("\\(at (.*)\\)$").matcher(utc);
        assertThat(m.find()).as(utc).isTrue();
        Instant at = OffsetDateTime.parse(m.group(1).replace(' ', 'T') + ":00").toInstant();
        SoftAssertions soft = new SoftAssertions();
        for (String zone : List.of("Asia/Kolkata", "America/New_York", "UTC", "Australia/Lord_Howe")) {
            // pgjdbc refuses a DateStyle other than ISO, so PostgreSQL's side runs in psql
            Psql.Result r = Psql.run(oracle.host(), oracle.port(), oracle.user(), db,
                    "SET TimeZone = '" + zone + "';\nSET DateStyle = 'SQL, DMY';\n"
                    + "SELECT data FROM pg_logical_slot_peek_changes('" + OUT_SLOT + "', '" + outSlotEnd
                    + "', NULL, 'include-timestamp', '1', 'include-xids', '0') OFFSET 2;\n", "-At", "-q");
            SessionFormat format = new SessionFormat("SQL, DMY", "postgres", ZoneId.of(zone), 1, true);
            PluginSession session = new TestDecoding().startup(new Fakes.Context(
                    Fakes.options("include-timestamp", "1", "include-xids", "0"), format, new ArrayList<>()));
            Fakes.Writer out = new Fakes.Writer();
            session.commit(new Transaction(1, Lsn.of(1), Lsn.of(1), Lsn.of(1), at, null), out);
            soft.assertThat(r.stderr()).as(zone).isEmpty();
            soft.assertThat(out.lines().get(0) + "\n").as(zone).isEqualTo(r.stdout());
        }
        soft.assertAll();
    }

    @Test
    void forceBinaryDeclaresBinaryOutputOnlyWhenTrue() throws PgException {
        assertThat(new TestDecoding().startup(new Fakes.Context(Map.of())).binaryOutput()).isFalse();
        assertThat(new TestDecoding().startup(new Fakes.Context(Fakes.options("force-binary", "1"))).binaryOutput()).isTrue();
        assertThat(new TestDecoding().startup(new Fakes.Context(Fakes.options("force-binary", "off"))).binaryOutput()).isFalse();
        // PostgreSQL skips a bare force-binary
        assertThat(new TestDecoding().startup(new Fakes.Context(Fakes.options("force-binary", null))).binaryOutput()).isFalse();
    }

    @Test
    void typeNamesAreFormatTypeOfEveryBuiltInType() throws SQLException {
        SoftAssertions soft = new SoftAssertions();
        try (PreparedStatement ps = conn.prepareStatement("SELECT format_type(?::oid, NULL)")) {
            List<Integer> oids = new ArrayList<>();
            for (PgType t : PgType.all()) {
                oids.add(t.oid());
            }
            oids.addAll(List.of(1560, 1562, 1561, 1563));
            for (int oid : oids) {
                ps.setInt(1, oid);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    soft.assertThat(PgTypeNames.formatTypeBe(oid)).as("type %d", oid).isEqualTo(rs.getString(1));
                }
            }
        }
        soft.assertAll();
    }

    @Test
    void quotedKeywordsAreExactlyPostgresNonUnreservedKeywords() throws SQLException {
        Set<String> pg = new TreeSet<>();
        try (Statement s = conn.createStatement();
             ResultSet rs = s.executeQuery("SELECT word FROM pg_get_keywords() WHERE catcode <> 'U'")) {
            while (rs.next()) {
                pg.add(rs.getString(1));
            }
        }
        assertThat(new TreeSet<>(io.slotway.api.sql.PgIdentifiers.quotedKeywords())).isEqualTo(pg);
    }

    @Test
    void identifiersAreQuotedAsQuoteIdentDoes() throws SQLException {
        Set<String> names = new HashSet<>(List.of("a", "abc_1", "_x", "1abc", "Abc", "a b", "a\"b", "", "select", "user",
                "name", "json", "text", "char", "int", "éa", "a$", "order", "xmltable", "analyze", "verbose", "tablesample"));
        SoftAssertions soft = new SoftAssertions();
        try (PreparedStatement ps = conn.prepareStatement("SELECT quote_ident(?)")) {
            for (String n : names) {
                ps.setString(1, n);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    soft.assertThat(io.slotway.api.sql.PgIdentifiers.quote(n)).as("%s", n).isEqualTo(rs.getString(1));
                }
            }
        }
        soft.assertAll();
    }

    @Test
    void quotedNamesBitTypesTruncateFlagsAndMessagesDecodeAsPostgresDoes() throws Exception {
        exec("CREATE SCHEMA \"My Schema\"");
        exec("CREATE TABLE \"My Schema\".\"Weird \"\"T\"\"\" (\"select\" integer PRIMARY KEY, \"CamelCol\" bit(3), v bit varying, o oid, f real)");
        exec("CREATE TABLE \"order\" (id serial PRIMARY KEY, \"Ref\" integer)");
        String slot = "td_more_" + Long.toHexString(System.nanoTime());
        createSlot(slot);
        exec("INSERT INTO \"My Schema\".\"Weird \"\"T\"\"\" VALUES (1, B'101', B'', 4294967295, 'NaN')");
        exec("BEGIN; SELECT pg_logical_emit_message(false, 'p', 'first'); SELECT pg_logical_emit_message(true, 'p', 'second');"
                + " INSERT INTO \"order\" (\"Ref\") VALUES (7); COMMIT");
        exec("TRUNCATE \"order\", \"My Schema\".\"Weird \"\"T\"\"\" RESTART IDENTITY CASCADE");
        exec("TRUNCATE \"order\" RESTART IDENTITY");
        exec("TRUNCATE \"order\" CASCADE");

        Relation weird = new Relation(2, "My Schema", "Weird \"T\"", 'd', List.of(
                new Column("select", PgType.INT4.oid(), -1, true, true), new Column("CamelCol", 1560, 3, false, false),
                new Column("v", 1562, -1, false, false), new Column("o", PgType.OID.oid(), -1, false, false),
                new Column("f", PgType.FLOAT4.oid(), -1, false, false)));
        Relation order = new Relation(3, "public", "order", 'd', List.of(
                new Column("id", PgType.INT4.oid(), -1, true, true), new Column("Ref", PgType.INT4.oid(), -1, false, false)));
        for (String[] options : List.of(new String[] {}, new String[] {"skip-empty-xacts", "1", "include-xids", "0"})) {
            PluginSession session = new TestDecoding().startup(new Fakes.Context(Fakes.options(options)));
            Fakes.Writer out = new Fakes.Writer();
            Lsn lsn = Lsn.of(0x100);
            Transaction t1 = new Transaction(1, lsn, lsn, lsn, Instant.now(), null);
            session.begin(t1, out);
            session.change(t1, lsn, new Change.Insert(weird, new Tuple(1, "101", "", 4294967295L, Float.NaN)), out);
            session.commit(t1, out);
            Transaction t2 = new Transaction(2, lsn, lsn, lsn, Instant.now(), null);
            session.message(lsn, new Change.Message(false, "p", "first".getBytes(StandardCharsets.UTF_8)), out);
            session.begin(t2, out);
            session.change(t2, lsn, new Change.Message(true, "p", "second".getBytes(StandardCharsets.UTF_8)), out);
            session.change(t2, lsn, new Change.Insert(order, new Tuple(1, 7)), out);
            session.commit(t2, out);
            int xid = 3;
            for (Change.Truncate tr : List.of(new Change.Truncate(List.of(order, weird), true, true),
                    new Change.Truncate(List.of(order), false, true), new Change.Truncate(List.of(order), true, false))) {
                Transaction t = new Transaction(xid++, lsn, lsn, lsn, Instant.now(), null);
                session.begin(t, out);
                session.change(t, lsn, tr, out);
                session.commit(t, out);
            }
            List<String> pg = peek(slot, options);
            assertThat(pg).contains("table public.\"order\", \"My Schema\".\"Weird \"\"T\"\"\": TRUNCATE: restart_seqs cascade");
            assertThat(normalise(out.lines())).as("%s", List.of(options)).containsExactlyElementsOf(normalise(pg));
        }
    }
}
