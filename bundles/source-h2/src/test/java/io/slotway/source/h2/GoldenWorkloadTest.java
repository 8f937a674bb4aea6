package io.slotway.source.h2;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.source.ColumnDescription;
import io.slotway.api.source.SqlSession;
import io.slotway.api.source.TransactionMode;
import io.slotway.api.sql.PgLexer;
import io.slotway.api.types.PgValues;
import io.slotway.api.types.SessionFormat;
import io.slotway.testkit.PgOracle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The golden schema and the DML of the golden workload (sections 1-11) run through the SPI and on a real
 * PostgreSQL 15; every cell of every table, as text, and every column's type must be the same.
 */
class GoldenWorkloadTest {
    static final List<String> TABLES = List.of("gw_types", "gw_nopk", "gw_full", "gw_nothing", "gw_trunc");

    @TempDir
    Path dir;

    static Path golden() {
        return Paths.get(System.getProperty("slotway.shared", "../../../shared"), "pg-reference", "golden");
    }

    /** setup.sql without SET and CREATE PUBLICATION, then workload.sql sections 1 to 11 without SET. */
    static List<String> statements() throws Exception {
        List<String> out = new ArrayList<>();
        for (String s : PgLexer.splitStatements(Files.readString(golden().resolve("setup.sql")))) {
            if (!s.toUpperCase(Locale.ROOT).startsWith("SET ") && !s.toUpperCase(Locale.ROOT).startsWith("CREATE PUBLICATION")) {
                out.add(s);
            }
        }
        String workload = Files.readString(golden().resolve("workload.sql"));
        workload = workload.substring(0, workload.indexOf("-- 12."));
        for (String s : PgLexer.splitStatements(workload)) {
            if (!s.toUpperCase(Locale.ROOT).startsWith("SET ")) {
                out.add(s);
            }
        }
        return out;
    }

    @Test
    void everyCellOfTheGoldenTablesMatchesPostgres() throws Exception {
        List<String> statements = statements();
        PgOracle pg = PgOracle.get();
        String db = pg.createDatabase("golden_h2");
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("preferQueryMode", "simple");
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(db), props)) {
            try (Statement st = c.createStatement()) {
                st.execute("SET TimeZone = 'UTC'");
                for (String s : statements) {
                    st.execute(s);
                }
            }
            H2Source source = new H2Source();
            source.start(dir);
            try (SqlSession session = source.openSession(new FakeContext())) {
                for (String s : statements) {
                    runThroughSpi(session, s);
                }
                List<String> mismatches = new ArrayList<>();
                int cells = 0;
                for (String table : TABLES) {
                    cells += compare(c, session, table, mismatches);
                }
                assertThat(mismatches).isEmpty();
                // 8 rows of 23 columns in gw_types, 1x2 in gw_nopk, 1x4 in gw_full, 1x2 in gw_nothing, gw_trunc empty
                assertThat(cells).isEqualTo(8 * 23 + 2 + 4 + 2);
            } finally {
                source.stop();
            }
        }
    }

    static void runThroughSpi(SqlSession session, String s) throws Exception {
        String upper = s.toUpperCase(Locale.ROOT);
        if (upper.equals("BEGIN")) {
            session.begin(TransactionMode.DEFAULT);
        } else if (upper.equals("COMMIT")) {
            session.commit();
        } else {
            Sessions.run(session, s);
        }
    }

    static int compare(Connection c, SqlSession session, String table, List<String> mismatches) throws Exception {
        List<List<String>> expected = new ArrayList<>();
        List<String> expectedTypes = new ArrayList<>();
        List<String> expectedNames = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT * FROM " + table + " ORDER BY 1")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                expectedTypes.add(md.getColumnTypeName(i));
                expectedNames.add(md.getColumnName(i));
            }
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    row.add(rs.getString(i));
                }
                expected.add(row);
            }
        }
        Sessions.Outcome out = Sessions.run(session, "SELECT * FROM " + table + " ORDER BY 1");
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        for (ColumnDescription d : out.columns()) {
            names.add(d.name());
            types.add(d.type().name());
        }
        if (!names.equals(expectedNames) || !types.equals(expectedTypes)) {
            mismatches.add(table + ": columns " + names + " " + types + " but PostgreSQL has " + expectedNames + " " + expectedTypes);
            return 0;
        }
        if (out.rows().size() != expected.size()) {
            mismatches.add(table + ": " + out.rows().size() + " rows but PostgreSQL has " + expected.size());
        }
        int cells = 0;
        for (int r = 0; r < Math.min(out.rows().size(), expected.size()); r++) {
            Object[] row = out.rows().get(r);
            for (int i = 0; i < row.length; i++) {
                cells++;
                String actual = row[i] == null ? null : PgValues.toText(out.columns().get(i).type(), row[i], SessionFormat.DEFAULT);
                String want = expected.get(r).get(i);
                if (!java.util.Objects.equals(actual, want)) {
                    mismatches.add(table + " row " + r + " " + names.get(i) + ": " + abbreviate(actual) + " but PostgreSQL has " + abbreviate(want));
                }
            }
        }
        return cells;
    }

    private static String abbreviate(String s) {
        return s == null ? "NULL" : s.length() > 120 ? "'" + s.substring(0, 120) + "...'(" + s.length() + ")" : "'" + s + "'";
    }
}
