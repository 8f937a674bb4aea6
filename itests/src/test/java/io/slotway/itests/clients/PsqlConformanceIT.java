package io.slotway.itests.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.testkit.PgOracle;
import io.slotway.testkit.Psql;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The golden schema ({@code shared/pg-reference/golden/setup.sql}) and the DML of the golden workload
 * run through the real {@code psql} against Slotway (started from the distribution) and against a real
 * PostgreSQL 15; every table then reads back identically through psql and through pgjdbc (text and
 * binary transfer).
 */
class PsqlConformanceIT {
    private static final List<String> TABLES = List.of("gw_types", "gw_nopk", "gw_full", "gw_nothing", "gw_trunc");
    @RegisterExtension
    static final SlotwayExtension slotway = new SlotwayExtension("psql-conformance");
    private static String pgDatabase;

    @BeforeAll
    static void runGoldenSqlOnBoth() throws Exception {
        PgOracle pg = PgOracle.get();
        pgDatabase = pg.createDatabase("conformance");
        String setup = golden("setup.sql");
        String dml = workloadDml();
        for (String script : List.of(setup, dml)) {
            Psql.Result onPg = Psql.run(pg.host(), pg.port(), "postgres", pgDatabase, script, "-v", "ON_ERROR_STOP=1", "-q");
            assertThat(onPg.exitCode()).as("PostgreSQL: %s", onPg.stderr()).isZero();
            Psql.Result onSlotway = Psql.run("127.0.0.1", slotway.port(), "postgres", "postgres", script,
                    "-v", "ON_ERROR_STOP=1", "-q");
            assertThat(onSlotway.stderr()).as("Slotway's errors and warnings").isEqualTo(onPg.stderr());
            assertThat(onSlotway.exitCode()).isZero();
            assertThat(onSlotway.stdout()).isEqualTo(onPg.stdout());
        }
    }

    static String golden(String name) throws Exception {
        Path shared = Paths.get(System.getProperty("slotway.shared", "../../shared"));
        return Files.readString(shared.resolve("pg-reference/golden").resolve(name), StandardCharsets.UTF_8);
    }

    /** Sections 1 to 11 of workload.sql: every INSERT, UPDATE, DELETE, TRUNCATE and ALTER TABLE. */
    static String workloadDml() throws Exception {
        String workload = golden("workload.sql");
        int end = workload.indexOf("-- 12.");
        assertThat(end).as("workload.sql still has its section 12").isPositive();
        return workload.substring(0, end);
    }

    @Test
    void everyTableReadsBackThroughPsqlAsFromPostgres() throws Exception {
        PgOracle pg = PgOracle.get();
        for (String table : TABLES) {
            String query = "SELECT * FROM " + table + " ORDER BY 1";
            for (String[] format : new String[][] {{}, {"-A", "-F", "|"}, {"-x"}}) {
                List<String> args = new ArrayList<>(List.of("-c", query));
                args.addAll(List.of(format));
                Psql.Result expected = Psql.run(pg.host(), pg.port(), "postgres", pgDatabase, null, args.toArray(String[]::new));
                Psql.Result actual = Psql.run("127.0.0.1", slotway.port(), "postgres", "postgres", null, args.toArray(String[]::new));
                assertThat(expected.exitCode()).isZero();
                assertThat(actual.stderr()).isEmpty();
                assertThat(actual.stdout()).as("%s %s", query, List.of(format)).isEqualTo(expected.stdout());
            }
        }
    }

    @Test
    void everyTableReadsBackThroughPgjdbcAsFromPostgres() throws Exception {
        PgOracle pg = PgOracle.get();
        for (String mode : List.of("simple", "extended")) {
            Properties props = new Properties();
            props.setProperty("user", "postgres");
            props.setProperty("preferQueryMode", mode);
            props.setProperty("prepareThreshold", "-1"); // extended: binary transfer from the first execution
            try (Connection expected = java.sql.DriverManager.getConnection(pg.jdbcUrl(pgDatabase), props);
                 Connection actual = java.sql.DriverManager.getConnection(
                         "jdbc:postgresql://127.0.0.1:" + slotway.port() + "/postgres", props)) {
                for (String table : TABLES) {
                    String query = "SELECT * FROM " + table + " ORDER BY 1";
                    assertThat(rows(actual, query)).as("%s (%s)", query, mode).isEqualTo(rows(expected, query));
                }
            }
        }
    }

    /**
     * Every row as column labels, then getString values. Type names and getObject are left out: pgjdbc
     * asks pg_catalog for those, which is the catalog's work; {@link #rowDescriptionsAndRowBytesMatchPostgres}
     * checks the types on the wire instead.
     */
    private static List<String> rows(Connection c, String query) throws Exception {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(query)) {
            ResultSetMetaData md = rs.getMetaData();
            StringBuilder header = new StringBuilder();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                header.append(md.getColumnLabel(i)).append(' ');
            }
            out.add(header.toString());
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String v = rs.getString(i);
                    if (v != null && v.startsWith("[B@")) {
                        // pgjdbc's getString on binary-transferred bytea is byte[].toString(): compare the bytes
                        v = "\\x" + java.util.HexFormat.of().formatHex(rs.getBytes(i));
                    }
                    row.append(v).append(" | ");
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    @Test
    void rowDescriptionsAndRowBytesMatchPostgres() throws Exception {
        PgOracle pg = PgOracle.get();
        for (String table : TABLES) {
            String query = "SELECT * FROM " + table + " ORDER BY 1";
            List<String> expected = wire(pg.port(), pgDatabase, query);
            List<String> actual = wire(slotway.port(), "postgres", query);
            assertThat(actual).as(query).isEqualTo(expected);
        }
    }

    /**
     * A simple Query's answer as lines: each RowDescription field (name, attnum, type OID, type length,
     * typmod, format; not the table OID, which differs) and each DataRow's bytes.
     */
    private static List<String> wire(int port, String database, String query) throws Exception {
        List<String> out = new ArrayList<>();
        try (RawClient c = new RawClient(port)) {
            java.util.Map<String, String> params = new java.util.LinkedHashMap<>();
            params.put("user", "postgres");
            params.put("database", database);
            params.put("TimeZone", "UTC");
            c.startup(196608, params);
            c.readUntilReadyOrFatal();
            c.send('Q', (query + "\0").getBytes(StandardCharsets.UTF_8));
            for (RawClient.Message m : c.readUntilReadyOrFatal()) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(m.body());
                if (m.type() == 'T') {
                    int n = b.getShort();
                    for (int i = 0; i < n; i++) {
                        int start = b.position();
                        while (b.get() != 0) {
                            // the field name
                        }
                        String name = new String(m.body(), start, b.position() - start - 1, StandardCharsets.UTF_8);
                        b.getInt(); // table OID
                        out.add("T " + name + " attnum=" + b.getShort() + " type=" + b.getInt() + " len=" + b.getShort()
                                + " typmod=" + b.getInt() + " format=" + b.getShort());
                    }
                } else if (m.type() == 'D' || m.type() == 'C' || m.type() == 'E') {
                    out.add(m.type() + " " + java.util.HexFormat.of().formatHex(m.body()));
                }
            }
        }
        return out;
    }

    @Test
    void psqlCreatesInsertsUpdatesAndSelectsAsTheReadmeShows() throws Exception {
        String script = String.join("\n",
                "CREATE TABLE tour (id bigserial PRIMARY KEY, owner text NOT NULL, balance numeric(12,2) DEFAULT 0,",
                "                   tags text[], opened timestamptz);",
                "INSERT INTO tour (owner, balance, tags, opened)",
                "  VALUES ('alice', 100, '{gold,\"early bird\"}', '2024-02-29 13:14:15+02'),",
                "         ('bob', 50.5, '{}', 'infinity');",
                "UPDATE tour SET balance = balance + 1 WHERE owner = 'bob';",
                "SET TimeZone = 'Europe/Berlin';",
                "SELECT * FROM tour ORDER BY id;",
                "INSERT INTO tour (id, owner) VALUES (1, 'dup');",
                "");
        PgOracle pg = PgOracle.get();
        String db = pg.createDatabase("tour");
        Psql.Result expected = Psql.run(pg.host(), pg.port(), "postgres", db, script);
        Psql.Result actual = Psql.run("127.0.0.1", slotway.port(), "postgres", "postgres", script);
        assertThat(actual.stdout()).isEqualTo(expected.stdout());
        assertThat(actual.stderr()).isEqualTo(expected.stderr());
        assertThat(actual.stdout()).contains(" 2 | bob   |   51.50 | {}");
    }
}
