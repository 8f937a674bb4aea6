package io.slotway.decoder.pgoutput;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.PgException;
import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Publication;
import io.slotway.api.change.Relation;
import io.slotway.api.change.Transaction;
import io.slotway.api.change.Tuple;
import io.slotway.api.decoding.PluginSession;
import io.slotway.api.types.PgType;
import io.slotway.api.types.PgValues;
import io.slotway.api.types.SessionFormat;
import io.slotway.decoder.testkit.Fakes;
import io.slotway.testkit.PgOracle;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;

/**
 * The plugin against a real PostgreSQL 15's pgoutput ({@link PgOracle}): a workload the golden one does not
 * cover (quoted names, REPLICA IDENTITY USING INDEX and FULL, a FOR TABLES IN SCHEMA publication that
 * publishes only some actions, a truncate-only publication, a TRUNCATE of three tables of which two are
 * published for it, messages, ADD COLUMN, ALTER PUBLICATION mid-stream) is run on PostgreSQL and written by
 * hand as change records with the same publications; both are decoded ({@code
 * pg_logical_slot_peek_binary_changes}) under several option sets and compared message by message after
 * rendering (xids, LSNs, times and relation OIDs replaced). Option errors are compared word for word with
 * their SQLSTATE, and so is the error of a publication that does not exist.
 */
class AgreesWithPostgresTest {
    private static Connection conn;
    private static final String SLOT = "pgo_" + Long.toHexString(System.nanoTime());
    /** Before ALTER PUBLICATION (which PostgreSQL applies to every relation, named publications or not). */
    private static String beforeAlter;
    private static String end;

    private static Column col(String name, PgType type, int typmod, boolean key) {
        return new Column(name, type.oid(), typmod, key, key);
    }

    static final Relation MIXED = new Relation(30001, "s1", "Mixed Case", 'd', List.of(
            col("id", PgType.INT4, -1, true), col("col \"q\"", PgType.TEXT, -1, false),
            col("n", PgType.NUMERIC, (5 << 16 | 2) + 4, false), col("ts", PgType.TIMESTAMPTZ, -1, false),
            col("arr", PgType.INT4_ARRAY, -1, false), col("by", PgType.BYTEA, -1, false), col("f", PgType.FLOAT8, -1, false)));
    static final Relation T_IDX = new Relation(30002, "public", "t_idx", 'i', List.of(
            new Column("a", PgType.INT4.oid(), -1, true, true), col("b", PgType.TEXT, -1, false), col("c", PgType.INT4, -1, false)));
    static final Relation T_FULL = new Relation(30003, "public", "t_full", 'f', List.of(
            col("a", PgType.INT4, -1, false), col("b", PgType.TEXT, -1, false)));
    static final Relation T_FULL_C = new Relation(30003, "public", "t_full", 'f', List.of(
            col("a", PgType.INT4, -1, false), col("b", PgType.TEXT, -1, false), col("c", PgType.INT4, -1, false)));
    static final Relation T_UNPUB = new Relation(30004, "public", "t_unpub", 'd', List.of(col("a", PgType.INT4, -1, true)));
    static final Relation OTHER = new Relation(30005, "s2", "other", 'd', List.of(
            col("id", PgType.INT4, -1, true), col("v", PgType.TEXT, -1, false)));

    static final Publication PUB_A = new Publication(40001, "pub_a", false, Set.of(MIXED.oid(), T_IDX.oid(), T_FULL.oid()),
            Set.of(), true, true, true, true, false);
    static final Publication PUB_S = new Publication(40002, "pub_s", false, Set.of(), Set.of("s2"), true, false, true, false, false);
    static final Publication PUB_S_ALTERED = new Publication(40002, "pub_s", false, Set.of(), Set.of("s2"), true, true, true, false, false);
    static final Publication PUB_TRUNC = new Publication(40003, "pub_trunc", false, Set.of(T_UNPUB.oid()), Set.of(),
            false, false, false, true, false);

    @BeforeAll
    static void startOracle() throws SQLException {
        PgOracle oracle = PgOracle.get();
        String db = oracle.createDatabase("pgo");
        conn = oracle.connect(db);
        exec("SET TimeZone = 'UTC'");
        exec("CREATE SCHEMA s1");
        exec("CREATE SCHEMA s2");
        exec("CREATE TABLE s1.\"Mixed Case\" (id integer PRIMARY KEY, \"col \"\"q\"\"\" text, n numeric(5,2), ts timestamptz, "
                + "arr integer[], \"by\" bytea, f float8)");
        exec("CREATE TABLE t_idx (a integer NOT NULL, b text, c integer)");
        exec("CREATE UNIQUE INDEX t_idx_a ON t_idx (a)");
        exec("ALTER TABLE t_idx REPLICA IDENTITY USING INDEX t_idx_a");
        exec("CREATE TABLE t_full (a integer, b text)");
        exec("ALTER TABLE t_full REPLICA IDENTITY FULL");
        exec("CREATE TABLE t_unpub (a integer PRIMARY KEY)");
        exec("CREATE TABLE s2.other (id integer PRIMARY KEY, v text)");
        exec("CREATE PUBLICATION pub_a FOR TABLE s1.\"Mixed Case\", t_idx, t_full");
        exec("CREATE PUBLICATION pub_s FOR TABLES IN SCHEMA s2 WITH (publish = 'insert, delete')");
        exec("CREATE PUBLICATION pub_trunc FOR TABLE t_unpub WITH (publish = 'truncate')");
        exec("SELECT pg_create_logical_replication_slot('" + SLOT + "', 'pgoutput')");
        exec("INSERT INTO s1.\"Mixed Case\" VALUES (1, 'quote '' \"q\" \\ é 🐘', 123.45, '2024-02-29 13:14:15.5+02', "
                + "'{1,NULL,3}', '\\x00ff', 'NaN'), (2, NULL, -0.5, 'infinity', '{}', '\\x', 1.5e-7)");
        exec("BEGIN; INSERT INTO t_idx VALUES (1, 'one', 10), (2, 'two', 20); INSERT INTO t_unpub VALUES (1); "
                + "INSERT INTO s2.other VALUES (1, 'o'); COMMIT");
        exec("UPDATE t_idx SET b = 'uno' WHERE a = 1");
        exec("UPDATE t_idx SET a = 3 WHERE a = 2");
        exec("DELETE FROM t_idx WHERE a = 3");
        exec("BEGIN; INSERT INTO t_full VALUES (1, 'x'), (2, NULL); UPDATE t_full SET b = 'y' WHERE a = 1; "
                + "DELETE FROM t_full WHERE a = 2; COMMIT");
        exec("UPDATE s2.other SET v = 'p' WHERE id = 1");
        exec("DELETE FROM s2.other WHERE id = 1");
        exec("TRUNCATE t_unpub, t_idx, s2.other");
        exec("BEGIN; INSERT INTO s2.other VALUES (2, 'q'); SELECT pg_logical_emit_message(true, 'pfx', '\\x0102ff'::bytea); COMMIT");
        exec("SELECT pg_logical_emit_message(false, 'pfx', 'alone')");
        exec("BEGIN; SELECT pg_logical_emit_message(true, 'only', ''); COMMIT");
        exec("INSERT INTO t_idx VALUES (5, 'five', 50)");
        exec("ALTER TABLE t_full ADD COLUMN c integer");
        exec("INSERT INTO t_full VALUES (9, 'z', 9)");
        exec("UPDATE s1.\"Mixed Case\" SET f = '-0'::float8 WHERE id = 2");
        beforeAlter = currentLsn();
        exec("ALTER PUBLICATION pub_s SET (publish = 'insert, update, delete')");
        exec("UPDATE s2.other SET v = 'r' WHERE id = 2");
        exec("INSERT INTO t_idx VALUES (6, 'six', 60)");
        end = currentLsn();
    }

    private static String currentLsn() throws SQLException {
        try (Statement s = conn.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()")) {
            rs.next();
            return rs.getString(1);
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

    private static Tuple row(Relation r, String... literals) {
        Object[] values = new Object[r.columns().size()];
        for (int i = 0; i < literals.length; i++) {
            if (literals[i] != null) {
                Column c = r.columns().get(i);
                try {
                    values[i] = PgValues.fromText(PgType.byOid(c.typeOid()), c.typmod(), literals[i], SessionFormat.DEFAULT);
                } catch (PgException e) {
                    throw new IllegalArgumentException(c.name() + ": " + literals[i], e);
                }
            }
        }
        return new Tuple(values);
    }

    private static Change.Message msg(boolean transactional, String prefix, byte... content) {
        return new Change.Message(transactional, prefix, content);
    }

    /** One step of the stream: a transaction, a non-transactional message, or a publication change. */
    private sealed interface Step {}

    private record Txn(Change... changes) implements Step {}

    private record Alone(Change.Message message) implements Step {}

    private record Alter(Publication after) implements Step {}

    /** The workload of {@link #startOracle} as Slotway's change records, up to the ALTER PUBLICATION or all of it. */
    static List<Step> steps(boolean all) {
        List<Step> s = new ArrayList<>(List.of(
                new Txn(new Change.Insert(MIXED, row(MIXED, "1", "quote ' \"q\" \\ é 🐘", "123.45", "2024-02-29 13:14:15.5+02",
                        "{1,NULL,3}", "\\x00ff", "NaN")),
                        new Change.Insert(MIXED, row(MIXED, "2", null, "-0.5", "infinity", "{}", "\\x", "1.5e-7"))),
                new Txn(new Change.Insert(T_IDX, row(T_IDX, "1", "one", "10")), new Change.Insert(T_IDX, row(T_IDX, "2", "two", "20")),
                        new Change.Insert(T_UNPUB, row(T_UNPUB, "1")), new Change.Insert(OTHER, row(OTHER, "1", "o"))),
                new Txn(new Change.Update(T_IDX, null, false, row(T_IDX, "1", "uno", "10"))),
                new Txn(new Change.Update(T_IDX, row(T_IDX, "2"), true, row(T_IDX, "3", "two", "20"))),
                new Txn(new Change.Delete(T_IDX, row(T_IDX, "3"), true)),
                new Txn(new Change.Insert(T_FULL, row(T_FULL, "1", "x")), new Change.Insert(T_FULL, row(T_FULL, "2", null)),
                        new Change.Update(T_FULL, row(T_FULL, "1", "x"), false, row(T_FULL, "1", "y")),
                        new Change.Delete(T_FULL, row(T_FULL, "2", null), false)),
                new Txn(new Change.Update(OTHER, null, false, row(OTHER, "1", "p"))),
                new Txn(new Change.Delete(OTHER, row(OTHER, "1"), true)),
                new Txn(new Change.Truncate(List.of(T_UNPUB, T_IDX, OTHER), false, false)),
                new Txn(new Change.Insert(OTHER, row(OTHER, "2", "q")), msg(true, "pfx", (byte) 1, (byte) 2, (byte) 0xff)),
                new Alone(msg(false, "pfx", "alone".getBytes(StandardCharsets.UTF_8))),
                new Txn(msg(true, "only")),
                new Txn(new Change.Insert(T_IDX, row(T_IDX, "5", "five", "50"))),
                new Txn(),
                new Txn(new Change.Insert(T_FULL_C, row(T_FULL_C, "9", "z", "9"))),
                new Txn(new Change.Update(MIXED, null, false, row(MIXED, "2", null, "-0.5", "infinity", "{}", "\\x", "-0")))));
        if (all) {
            s.add(new Alter(PUB_S_ALTERED));
            s.add(new Txn());
            s.add(new Txn(new Change.Update(OTHER, null, false, row(OTHER, "2", "r"))));
            s.add(new Txn(new Change.Insert(T_IDX, row(T_IDX, "6", "six", "60"))));
        }
        return s;
    }

    /** PostgreSQL's messages rendered, or its "SQLSTATE: message". */
    private static List<String> postgres(boolean all, String... options) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT data FROM pg_logical_slot_peek_binary_changes(?, ?::pg_lsn, NULL");
        for (int i = 0; i < options.length; i++) {
            sql.append(", ?");
        }
        sql.append(')');
        List<byte[]> messages = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
            ps.setString(1, SLOT);
            ps.setString(2, all ? end : beforeAlter);
            for (int i = 0; i < options.length; i++) {
                ps.setString(i + 3, options[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    messages.add(rs.getBytes(1));
                }
            }
        } catch (PSQLException e) {
            return List.of(e.getSQLState() + ": " + e.getServerErrorMessage().getMessage());
        }
        return new Render().all(messages);
    }

    private static List<String> plugin(boolean all, String... options) {
        TestContext context = new TestContext(options).with(PUB_A, PUB_S, PUB_TRUNC);
        Fakes.Writer out = new Fakes.Writer();
        try {
            PluginSession session = new PgOutput().startup(context);
            long xid = 9000;
            long lsn = 0x10000;
            for (Step step : steps(all)) {
                if (step instanceof Alter a) {
                    context.with(a.after());
                } else if (step instanceof Alone m) {
                    session.message(Lsn.of(lsn += 0x40), m.message(), out);
                } else if (step instanceof Txn t) {
                    Transaction txn = new Transaction(++xid, Lsn.of(lsn += 0x40), Lsn.of(lsn + 0x1000), Lsn.of(lsn + 0x1040),
                            Instant.now(), null);
                    session.begin(txn, out);
                    for (Change c : t.changes()) {
                        session.change(txn, Lsn.of(lsn += 0x40), c, out);
                    }
                    session.commit(txn, out);
                    lsn += 0x1040;
                }
            }
        } catch (PgException e) {
            return List.of(e.sqlState() + ": " + e.getMessage());
        }
        return new Render().all(out.messages);
    }

    static final String PUBS = "pub_a,pub_s,pub_trunc";

    @Test
    void optionSetsGivePostgresMessages() throws Exception {
        List<String[]> cases = List.of(
                new String[] {"proto_version", "1", "publication_names", PUBS},
                new String[] {"proto_version", "1", "publication_names", PUBS, "binary", "true"},
                new String[] {"proto_version", "2", "publication_names", "pub_trunc, PUB_S,\"pub_a\"", "messages", "on",
                    "binary", "TRUE"},
                new String[] {"proto_version", "3", "publication_names", PUBS, "messages", "true", "streaming", "on",
                    "two_phase", "on"},
                new String[] {"proto_version", "1", "publication_names", "pub_trunc", "messages", "off"},
                new String[] {"proto_version", "2", "publication_names", "pub_s", "messages", "on"});
        SoftAssertions soft = new SoftAssertions();
        for (String[] options : cases) {
            List<String> expected = postgres(true, options);
            soft.assertThat(expected).as("PostgreSQL decodes %s", List.of(options)).hasSizeGreaterThan(1);
            soft.assertThat(plugin(true, options)).as("%s", List.of(options)).containsExactlyElementsOf(expected);
        }
        soft.assertAll();
    }

    @Test
    void onlyTheFirstPublicationGivesPostgresMessagesBeforeAnotherPublicationChanges() throws Exception {
        // PostgreSQL sends every Relation again after any publication changes, named or not; Slotway sees
        // only the named ones (see the README), so this set is compared up to the ALTER PUBLICATION
        String[] options = {"proto_version", "1", "publication_names", "pub_a", "messages", "true"};
        List<String> expected = postgres(false, options);
        assertThat(expected).hasSizeGreaterThan(10);
        assertThat(plugin(false, options)).containsExactlyElementsOf(expected);
    }

    @Test
    void aPublicationThatDoesNotExistFailsAsInPostgres() throws Exception {
        for (String names : List.of("pub_a,nope", "\"\"", "PUB_X")) {
            String[] options = {"proto_version", "1", "publication_names", names};
            List<String> expected = postgres(true, options);
            assertThat(expected).hasSize(1);
            assertThat(expected.get(0)).startsWith("42704: ");
            assertThat(plugin(true, options)).isEqualTo(expected);
        }
    }

    @Test
    void everyBadOptionRaisesPostgresErrorWordForWord() throws Exception {
        List<String[]> cases = List.of(
                new String[] {},
                new String[] {"proto_version", "1"},
                new String[] {"publication_names", PUBS},
                new String[] {"proto_version", "0", "publication_names", PUBS},
                new String[] {"proto_version", "4", "publication_names", PUBS},
                new String[] {"proto_version", "", "publication_names", PUBS},
                new String[] {"proto_version", "1 ", "publication_names", PUBS},
                new String[] {"proto_version", "x", "publication_names", PUBS},
                new String[] {"proto_version", "-1", "publication_names", PUBS},
                new String[] {"proto_version", "-0", "publication_names", PUBS},
                new String[] {"proto_version", "4294967295", "publication_names", PUBS},
                new String[] {"proto_version", "4294967296", "publication_names", PUBS},
                new String[] {"proto_version", "2147483651", "publication_names", PUBS},
                new String[] {"proto_version", "18446744073709551616", "publication_names", PUBS},
                new String[] {"proto_version", "1", "proto_version", "2", "publication_names", PUBS},
                new String[] {"proto_version", "1", "publication_names", "a", "publication_names", "b"},
                new String[] {"proto_version", "1", "publication_names", ""},
                new String[] {"proto_version", "1", "publication_names", " "},
                new String[] {"proto_version", "1", "publication_names", "a,"},
                new String[] {"proto_version", "1", "publication_names", ",a"},
                new String[] {"proto_version", "1", "publication_names", "a b"},
                new String[] {"proto_version", "1", "publication_names", "\"a"},
                new String[] {"proto_version", "1", "publication_names", PUBS, "binary", "1"},
                new String[] {"proto_version", "1", "publication_names", PUBS, "binary", "yes"},
                new String[] {"proto_version", "1", "publication_names", PUBS, "messages", "t"},
                new String[] {"proto_version", "1", "publication_names", PUBS, "messages", ""},
                new String[] {"proto_version", "1", "publication_names", PUBS, "binary", "on", "binary", "on"},
                new String[] {"proto_version", "1", "publication_names", PUBS, "streaming", "on"},
                new String[] {"proto_version", "1", "publication_names", PUBS, "streaming", "of"},
                new String[] {"proto_version", "2", "publication_names", PUBS, "two_phase", "true"},
                new String[] {"proto_version", "2", "publication_names", PUBS, "two_phase", "maybe"},
                new String[] {"proto_version", "1", "publication_names", PUBS, "origin", "none"},
                new String[] {"proto_version", "1", "publication_names", PUBS, "Binary", "on"},
                new String[] {"binary", "x", "foo", "bar"},
                new String[] {"foo", "bar", "binary", "x"},
                new String[] {"proto_version", "9", "streaming", "on"});
        SoftAssertions soft = new SoftAssertions();
        for (String[] options : cases) {
            List<String> expected = postgres(true, options);
            soft.assertThat(expected).as("PostgreSQL rejects %s", List.of(options)).hasSize(1);
            soft.assertThat(plugin(true, options)).as("%s", List.of(options)).containsExactlyElementsOf(expected);
        }
        soft.assertAll();
    }
}
