package io.slotway.decoder.wal2json;

import io.slotway.decoder.testkit.Fakes;
import io.slotway.decoder.testkit.GoldenWorkload;
import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.PgException;
import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Relation;
import io.slotway.api.change.Transaction;
import io.slotway.api.change.Tuple;
import io.slotway.api.decoding.PluginSession;
import io.slotway.api.types.PgType;
import io.slotway.api.types.PgValues;
import io.slotway.api.types.SessionFormat;
import io.slotway.testkit.PgOracle;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * The plugin against a real PostgreSQL 15 with Debian's wal2json 2.5 ({@link PgOracle}): a small workload
 * that the golden one does not cover (quoted names, type modifiers, control characters, NaN, oid, "char",
 * REPLICA IDENTITY USING INDEX, multi-table TRUNCATE, messages with NUL and control bytes, both kinds of
 * message) is run on PostgreSQL and written by hand as change records; both are decoded under many option
 * sets ({@code pg_logical_slot_peek_changes}) and compared message by message, warnings included, after
 * replacing xids, LSNs and commit times. Option errors are compared word for word with their SQLSTATE.
 */
class AgreesWithPostgresTest {
    private static PgOracle oracle;
    private static String db;
    private static Connection conn;
    private static final String SLOT = "w2j_" + Long.toHexString(System.nanoTime());
    private static String end;

    private static final SessionFormat F = SessionFormat.DEFAULT;

    private static Column col(String name, PgType type, int typmod, boolean key, boolean notNull) {
        return new Column(name, type.oid(), typmod, key, notNull);
    }

    private static int intervalTypmod(int range, int precision) {
        return (range << 16) | precision;
    }

    static final Relation MIXED = new Relation(20001, "s1", "Mixed Case", 'd', List.of(
            col("id", PgType.INT4, -1, true, true),
            col("col \"q\"", PgType.TEXT, -1, false, false),
            col("ts", PgType.TIMESTAMP, 3, false, false),
            col("tstz", PgType.TIMESTAMPTZ, 0, false, false),
            // interval day to second(2): DAY|HOUR|MINUTE|SECOND
            col("iv", PgType.INTERVAL, intervalTypmod((1 << 3) | (1 << 10) | (1 << 11) | (1 << 12), 2), false, false),
            col("iv2", PgType.INTERVAL, intervalTypmod(0x7FFF, 3), false, false),
            col("n", PgType.NUMERIC, (5 << 16) + 4, false, false),
            col("vc", PgType.VARCHAR_ARRAY, 3 + 4, false, false),
            col("ch", PgType.CHAR, -1, false, false),
            col("bp", PgType.BPCHAR, -1, false, false),
            col("bp1", PgType.BPCHAR, 1 + 4, false, false),
            col("tt", PgType.TIMETZ, 2, false, false),
            col("f4", PgType.FLOAT4, -1, false, false),
            col("f8", PgType.FLOAT8, -1, false, false),
            col("b", PgType.BOOL, -1, false, false),
            col("o", PgType.OID, -1, false, false),
            col("j", PgType.JSONB, -1, false, false),
            col("by", PgType.BYTEA, -1, false, false),
            col("i8", PgType.INT8, -1, false, true)));
    // replica identity USING INDEX: a is the identity's key, and the table has no primary key
    static final Relation T_IDX = new Relation(20002, "public", "t_idx", 'i', List.of(
            new Column("a", PgType.INT4.oid(), -1, true, true, null, false), col("b", PgType.TEXT, -1, false, false),
            col("c", PgType.INT4, -1, false, false)));
    static final Relation T_NOPK = new Relation(20003, "public", "t_nopk", 'd', List.of(
            col("a", PgType.INT4, -1, false, false), col("b", PgType.TEXT, -1, false, false)));
    static final Relation OTHER = new Relation(20004, "s1", "other", 'd', List.of(
            col("id", PgType.INT4, -1, true, true), col("v", PgType.TEXT, -1, false, false)));

    private static final String TEXT1 = "ctl \u0001 \u001f \u007f \"q\" \\ é 🐘 \b\f\r\n\t end";

    @BeforeAll
    static void startOracle() throws SQLException {
        oracle = PgOracle.get();
        db = oracle.createDatabase("w2j");
        conn = oracle.connect(db);
        exec("CREATE SCHEMA s1");
        exec("CREATE TABLE s1.\"Mixed Case\" (id integer PRIMARY KEY, \"col \"\"q\"\"\" text, ts timestamp(3), "
                + "tstz timestamptz(0), iv interval day to second(2), iv2 interval(3), n numeric(5), vc varchar(3)[], "
                + "ch \"char\", bp bpchar, bp1 char, tt time(2) with time zone, f4 real, f8 float8, b bool, o oid, "
                + "j jsonb, \"by\" bytea, i8 bigint NOT NULL)");
        exec("CREATE TABLE t_idx (a integer NOT NULL, b text, c integer)");
        exec("CREATE UNIQUE INDEX t_idx_a ON t_idx (a)");
        exec("ALTER TABLE t_idx REPLICA IDENTITY USING INDEX t_idx_a");
        exec("CREATE TABLE t_nopk (a integer, b text)");
        exec("CREATE TABLE s1.other (id integer PRIMARY KEY, v text)");
        exec("SELECT pg_create_logical_replication_slot('" + SLOT + "', 'wal2json')");
        try (PreparedStatement ps = conn.prepareStatement("INSERT INTO s1.\"Mixed Case\" VALUES (1, ?, '2024-02-29 13:14:15.123', "
                + "'2024-02-29 13:14:16+02', '1 day 02:03:04.57', '1 year 2 mons 00:00:01.235', 42, '{abc,NULL,\"x y\"}', 'z', "
                + "'bpc', 'c', '13:14:15.13+05:30', 'NaN', '-Infinity', true, 4294967295, '{\"a\": \"\\u0001\"}', '\\x00ff', 7), "
                + "(2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '1.5e-7', '1e+300', false, 0, NULL, '\\x', 8)")) {
            ps.setString(1, TEXT1);
            ps.execute();
        }
        exec("BEGIN; INSERT INTO t_idx VALUES (1, 'one', 10), (2, 'two', 20); INSERT INTO t_nopk VALUES (1, 'x'); "
                + "INSERT INTO s1.other VALUES (1, 'o'); COMMIT");
        exec("UPDATE t_idx SET b = 'uno' WHERE a = 1");
        exec("UPDATE t_idx SET a = 3 WHERE a = 2");
        exec("DELETE FROM t_idx WHERE a = 3");
        exec("BEGIN; UPDATE t_nopk SET b = 'y'; DELETE FROM t_nopk; COMMIT");
        exec("TRUNCATE t_nopk, t_idx");
        exec("BEGIN; INSERT INTO s1.other VALUES (2, 'p'); "
                + "SELECT pg_logical_emit_message(true, 'pfx \"q\"', '\\x0102610062'::bytea); "
                + "SELECT pg_logical_emit_message(true, 'other', 'plain'); COMMIT");
        exec("SELECT pg_logical_emit_message(false, 'pfx \"q\"', E'tab\\there')");
        exec("BEGIN; UPDATE s1.other SET v = 'q' WHERE id = 1; UPDATE s1.\"Mixed Case\" SET b = false WHERE id = 1; COMMIT");
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()")) {
            rs.next();
            end = rs.getString(1);
        }
    }

    @AfterAll
    static void dropSlot() throws SQLException {
        if (conn != null) {
            exec("SELECT pg_drop_replication_slot('" + SLOT + "')");
            conn.close();
        }
    }

    private static void exec(String sql) throws SQLException {
        try (Statement s = conn.createStatement()) {
            s.execute(sql);
        }
    }

    private static Object v(Relation r, int i, String literal) {
        if (literal == null) {
            return null;
        }
        Column c = r.columns().get(i);
        try {
            return PgValues.fromText(PgType.byOid(c.typeOid()), c.typmod(), literal, F);
        } catch (PgException e) {
            throw new IllegalArgumentException(c.name() + ": " + literal, e);
        }
    }

    private static Tuple row(Relation r, String... literals) {
        Object[] values = new Object[r.columns().size()];
        for (int i = 0; i < literals.length; i++) {
            values[i] = v(r, i, literals[i]);
        }
        return new Tuple(values);
    }

    private static long xid = 5000;

    private static GoldenWorkload.Txn txn(Change... changes) {
        xid++;
        Lsn lsn = Lsn.of(xid << 8);
        return new GoldenWorkload.Txn(new Transaction(xid, lsn, lsn.plus(0x40), lsn.plus(0x60), Instant.now(), null),
                List.of(changes));
    }

    /** The workload of {@link #startOracle} as Slotway's change records. */
    static List<GoldenWorkload.Step> steps() {
        Tuple mixed1 = row(MIXED, "1", TEXT1, "2024-02-29 13:14:15.123", "2024-02-29 13:14:16+02", "1 day 02:03:04.57",
                "1 year 2 mons 00:00:01.235", "42", "{abc,NULL,\"x y\"}", "z", "bpc", "c", "13:14:15.13+05:30", "NaN",
                "-Infinity", "true", "4294967295", "{\"a\": \"\\u0001\"}", "\\x00ff", "7");
        Tuple mixed2 = row(MIXED, "2", null, null, null, null, null, null, null, null, null, null, null, "1.5e-7", "1e+300",
                "false", "0", null, "\\x", "8");
        Object[] mixed1b = mixed1.values();
        mixed1b[14] = Boolean.FALSE;
        return List.of(
                txn(new Change.Insert(MIXED, mixed1), new Change.Insert(MIXED, mixed2)),
                txn(new Change.Insert(T_IDX, row(T_IDX, "1", "one", "10")), new Change.Insert(T_IDX, row(T_IDX, "2", "two", "20")),
                        new Change.Insert(T_NOPK, row(T_NOPK, "1", "x")), new Change.Insert(OTHER, row(OTHER, "1", "o"))),
                txn(new Change.Update(T_IDX, null, false, row(T_IDX, "1", "uno", "10"))),
                txn(new Change.Update(T_IDX, row(T_IDX, "2"), true, row(T_IDX, "3", "two", "20"))),
                txn(new Change.Delete(T_IDX, row(T_IDX, "3"), true)),
                txn(new Change.Update(T_NOPK, null, false, row(T_NOPK, "1", "y")), new Change.Delete(T_NOPK, null, false)),
                txn(new Change.Truncate(List.of(T_NOPK, T_IDX), false, false)),
                txn(new Change.Insert(OTHER, row(OTHER, "2", "p")),
                        new Change.Message(true, "pfx \"q\"", new byte[] {1, 2, 'a', 0, 'b'}),
                        new Change.Message(true, "other", "plain".getBytes(StandardCharsets.UTF_8))),
                new GoldenWorkload.Message(new Change.Message(false, "pfx \"q\"", "tab\there".getBytes(StandardCharsets.UTF_8))),
                txn(new Change.Update(OTHER, null, false, row(OTHER, "1", "q")),
                        new Change.Update(MIXED, null, false, new Tuple(mixed1b))));
    }

    /** PostgreSQL's messages (the data column) and WARNINGs for these options, or its "SQLSTATE: message". */
    private static List<String> postgres(String... options) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT data FROM pg_logical_slot_peek_changes(?, ?::pg_lsn, NULL");
        for (int i = 0; i < options.length; i++) {
            sql.append(", ?");
        }
        sql.append(')');
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
            ps.setString(1, SLOT);
            ps.setString(2, end);
            for (int i = 0; i < options.length; i++) {
                ps.setString(i + 3, options[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            for (SQLWarning w = ps.getWarnings(); w != null; w = w.getNextWarning()) {
                out.add("WARNING " + w.getSQLState() + ": " + w.getMessage());
            }
        } catch (PSQLException e) {
            return List.of(e.getSQLState() + ": " + e.getServerErrorMessage().getMessage());
        }
        return out;
    }

    private static List<String> plugin(String... options) {
        Fakes.Context context = new Fakes.Context(Fakes.options(options));
        PluginSession session;
        Fakes.Writer out = new Fakes.Writer();
        try {
            session = new Wal2Json().startup(context);
            GoldenWorkload.replay(session, steps(), out);
        } catch (PgException e) {
            return List.of(e.sqlState() + ": " + e.getMessage());
        }
        List<String> lines = new ArrayList<>(out.lines());
        for (PgException n : context.notices()) {
            lines.add("WARNING " + n.sqlState() + ": " + n.getMessage());
        }
        return lines;
    }

    private static List<String> normalise(List<String> messages) {
        return GoldenOutputTest.normalise(String.join("\n", messages).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Option sets; a repeated option only where the last value wins, because {@link
     * io.slotway.api.decoding.DecodingContext#options()} is a map (see the README: repeated list options).
     */
    static final List<String[]> OUTPUT_CASES = List.of(
            new String[] {},
            new String[] {"include-xids", "1", "include-timestamp", "1", "include-lsn", "1", "include-origin", "1",
                "include-type-oids", "1", "include-column-positions", "1", "include-not-null", "1", "include-pk", "1",
                "pretty-print", "1"},
            new String[] {"write-in-chunks", "1"},
            new String[] {"write-in-chunks", "1", "pretty-print", "1", "include-pk", "1", "include-xids", "1"},
            new String[] {"include-types", "0", "include-schemas", "0", "include-not-null", "1", "include-pk", "1"},
            new String[] {"include-typmod", "0", "include-pk", "1", "include-type-oids", "1", "pretty-print", "1"},
            new String[] {"filter-tables", "s1.*", "filter-msg-prefixes", "other"},
            new String[] {"add-tables", "*.t_idx, s1.Mixed\\ Case", "add-msg-prefixes", "pfx \"q\",nope"},
            new String[] {"actions", "insert,truncate", "filter-origins", "1,2"},
            new String[] {"actions", ""},
            new String[] {"add-tables", ""},
            new String[] {"format-version", "2"},
            new String[] {"format-version", "2", "include-xids", "1", "include-timestamp", "1", "include-lsn", "1",
                "include-origin", "1", "include-type-oids", "1", "include-column-positions", "1", "include-not-null", "1",
                "include-pk", "1"},
            new String[] {"format-version", "2", "include-transaction", "0", "include-types", "0", "include-schemas", "0",
                "include-typmod", "0"},
            new String[] {"format-version", "2", "actions", "update,delete", "add-tables", "public.*"},
            new String[] {"format-version", "2", "actions", "truncate", "filter-tables", "public.t_nopk"},
            new String[] {"format-version", "2", "filter-msg-prefixes", "pfx \"q\"", "pretty-print", "1", "write-in-chunks", "1"},
            new String[] {"format-version", "1", "format-version", "2", "include-xids", "1", "include-xids", "0"});

    @Test
    void optionSetsGivePostgresOutputAndWarnings() throws Exception {
        SoftAssertions soft = new SoftAssertions();
        for (String[] options : OUTPUT_CASES) {
            List<String> expected = postgres(options);
            soft.assertThat(normalise(plugin(options))).as("%s", List.of(options)).containsExactlyElementsOf(normalise(expected));
        }
        soft.assertAll();
    }

    @Test
    void everyBadOptionRaisesPostgresErrorWordForWord() throws Exception {
        List<String[]> cases = List.of(
                new String[] {"include-xids", "x"},
                new String[] {"include-transaction", ""},
                new String[] {"pretty-print", "o"},
                new String[] {"include-unchanged-toast", "1"},
                new String[] {"numeric-data-types-as-string", "1"},
                new String[] {"foo", "bar"},
                new String[] {"Include-Xids", "1"},
                new String[] {"format-version", "3"},
                new String[] {"format-version", "0"},
                new String[] {"format-version", "-1"},
                new String[] {"format-version", "x"},
                new String[] {"format-version", ""},
                new String[] {"format-version", "2x"},
                new String[] {"format-version", "99999999999"},
                new String[] {"format-version", "2.6"},
                new String[] {"format-version", "0x3"},
                new String[] {"format-version", "1e1"},
                new String[] {"actions", "insert,upsert"},
                new String[] {"actions", "insert update"},
                new String[] {"actions", "insert,,update"},
                new String[] {"actions", "INSERT"},
                new String[] {"actions", "insert,"},
                new String[] {"filter-tables", "nodot"},
                new String[] {"filter-tables", "a.b c.d"},
                new String[] {"add-tables", "public.t, bad"},
                new String[] {"filter-msg-prefixes", "a b"},
                new String[] {"add-msg-prefixes", ",a"},
                new String[] {"filter-origins", "1 2"},
                new String[] {"include-xids", "1", "foo", "bar", "include-lsn", "x"},
                new String[] {"format-version", "2", "actions", "delete,x,y"});
        SoftAssertions soft = new SoftAssertions();
        for (String[] options : cases) {
            List<String> expected = postgres(options);
            soft.assertThat(expected).as("PostgreSQL rejects %s", List.of(options)).hasSize(1);
            soft.assertThat(plugin(options)).as("%s", List.of(options)).containsExactlyElementsOf(expected);
        }
        soft.assertAll();
    }

    @Test
    void numbersAndBooleansInOptionsAreReadAsPostgresReadsThem() throws Exception {
        List<String> versions = List.of("1", "2", " 2", "2 ", "+2", "02", "0x2", "0X1", "1.5", "2.4", "2.5", "1e0", "0.2e1",
                ".9", "2.", "010", "08", "1_0", "nan", "inf", "-0", "\t2\n");
        List<String> bools = List.of("t", "TRUE", "tru", "truex", "f", "of", "off", "on", "ON", "o", "1", "0", "01", "yes",
                "Y", "n", "no", "", " true");
        SoftAssertions soft = new SoftAssertions();
        for (String v : versions) {
            // a one-change window: v1 and v2 differ in shape; an error shows as such
            String[] options = {"format-version", v};
            soft.assertThat(normalise(plugin(options))).as("format-version=%s", v).containsExactlyElementsOf(normalise(postgres(options)));
        }
        for (String b : bools) {
            String[] options = {"include-xids", b};
            soft.assertThat(normalise(plugin(options))).as("include-xids=%s", b).containsExactlyElementsOf(normalise(postgres(options)));
        }
        soft.assertAll();
    }

    /** pg_recvlogical's stdout (one line per message) or its ERROR line, for bare options ({@code -o name}). */
    private static List<String> recvlogical(String... options) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(oracle.binDir().resolve("pg_recvlogical").toString(),
                "-h", oracle.host(), "-p", Integer.toString(oracle.port()), "-U", oracle.user(), "-d", db,
                "--slot", SLOT, "--start", "--endpos", end, "--no-loop", "-f", "-"));
        for (String o : options) {
            cmd.add("-o");
            cmd.add(o);
        }
        // the slot must not be consumed: a throwaway copy of it is streamed
        String copy = SLOT + "_c" + Long.toHexString(System.nanoTime() & 0xFFFFF);
        exec("SELECT pg_copy_logical_replication_slot('" + SLOT + "', '" + copy + "')");
        cmd.set(cmd.indexOf(SLOT), copy);
        try {
            Process p = new ProcessBuilder(cmd).start();
            byte[] stdout = p.getInputStream().readAllBytes();
            byte[] stderr = p.getErrorStream().readAllBytes();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            Matcher m = Pattern.compile("ERROR:  (.*)").matcher(new String(stderr, StandardCharsets.UTF_8));
            if (m.find()) {
                return List.of("ERROR: " + m.group(1));
            }
            String s = new String(stdout, StandardCharsets.UTF_8);
            return List.of(s.split("\n"));
        } finally {
            exec("SELECT pg_drop_replication_slot('" + copy + "')");
        }
    }

    @Test
    void bareOptionsThroughPgRecvlogicalMeanWhatTheyMeanToPostgres() throws Exception {
        List<String[]> cases = List.of(
                new String[] {"include-xids"},
                new String[] {"format-version"},
                new String[] {"format-version", "include-transaction", "include-lsn"},
                new String[] {"add-tables"},
                new String[] {"actions"},
                new String[] {"pretty-print", "write-in-chunks"},
                new String[] {"foo"});
        SoftAssertions soft = new SoftAssertions();
        for (String[] options : cases) {
            List<String> expected = recvlogical(options);
            List<String> pluginOptions = new ArrayList<>();
            for (String o : options) {
                int eq = o.indexOf('=');
                pluginOptions.add(eq < 0 ? o : o.substring(0, eq));
                pluginOptions.add(eq < 0 ? null : o.substring(eq + 1));
            }
            List<String> actual = plugin(pluginOptions.toArray(new String[0]));
            List<String> withoutWarnings = new ArrayList<>();
            for (String l : actual) {
                if (!l.startsWith("WARNING ")) {
                    withoutWarnings.add(l.replaceFirst("^[0-9A-Z]{5}: ", "ERROR: "));
                }
            }
            soft.assertThat(normalise(List.of(String.join("\n", withoutWarnings).split("\n"))))
                    .as("%s", List.of(options)).containsExactlyElementsOf(normalise(expected));
        }
        soft.assertAll();
    }
}
