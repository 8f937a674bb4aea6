package io.slotway.itests.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.testkit.PgOracle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * pgjdbc's {@link DatabaseMetaData} against Slotway and against PostgreSQL 15 holding the same schema (the
 * catalog corpus's): every result set compared column by column (labels, JDBC types, values). The only value
 * mapped is the database name (TABLE_CAT and friends), which is the test database's on the oracle. A call whose
 * answer still differs must be listed with its reason in {@code jdbc-metadata-known-differences.txt}.
 */
class JdbcMetadataIT {
    @RegisterExtension
    static final SlotwayExtension slotway = new SlotwayExtension("jdbc-metadata");

    interface Call {
        ResultSet run(DatabaseMetaData md) throws SQLException;
    }

    static final Map<String, Call> CALLS = new LinkedHashMap<>();

    static {
        CALLS.put("getTables(public)", md -> md.getTables(null, "public", "%", null));
        CALLS.put("getTables(TABLE)", md -> md.getTables(null, null, "%", new String[] {"TABLE"}));
        CALLS.put("getColumns(public)", md -> md.getColumns(null, "public", "%", "%"));
        CALLS.put("getColumns(audit.log)", md -> md.getColumns(null, "audit", "log", null));
        CALLS.put("getPrimaryKeys(transfers)", md -> md.getPrimaryKeys(null, "public", "transfers"));
        CALLS.put("getPrimaryKeys(accounts)", md -> md.getPrimaryKeys(null, "public", "accounts"));
        CALLS.put("getIndexInfo(transfers)", md -> md.getIndexInfo(null, "public", "transfers", false, false));
        CALLS.put("getIndexInfo(accounts, unique)", md -> md.getIndexInfo(null, "public", "accounts", true, false));
        CALLS.put("getImportedKeys(transfers)", md -> md.getImportedKeys(null, "public", "transfers"));
        CALLS.put("getExportedKeys(accounts)", md -> md.getExportedKeys(null, "public", "accounts"));
        CALLS.put("getTypeInfo", DatabaseMetaData::getTypeInfo);
        CALLS.put("getSchemas", DatabaseMetaData::getSchemas);
    }

    @Test
    void databaseMetaDataAnswersAsOnPostgreSQL15() throws Exception {
        PgOracle oracle = PgOracle.get();
        String pgDb = oracle.createDatabase("metadata");
        Map<String, String> known = known();
        List<String> unexpected = new ArrayList<>();
        List<String> fixed = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        int identical = 0;
        try (Connection pg = CatalogCorpusIT.connect(oracle.port(), pgDb, false);
                Connection sw = CatalogCorpusIT.connect(slotway.port(), "postgres", false)) {
            for (Connection c : List.of(pg, sw)) {
                try (Statement s = c.createStatement()) {
                    for (String stmt : CatalogCorpusIT.SETUP.split(";\n")) {
                        s.execute(stmt);
                    }
                }
            }
            for (Map.Entry<String, Call> call : CALLS.entrySet()) {
                String expected = render(call.getValue(), pg, pgDb);
                String actual = render(call.getValue(), sw, "postgres");
                if (expected.equals(actual)) {
                    identical++;
                    if (known.containsKey(call.getKey())) {
                        fixed.add(call.getKey());
                    }
                    continue;
                }
                report.append("\n=== ").append(call.getKey())
                        .append(known.containsKey(call.getKey()) ? " (known: " + known.get(call.getKey()) + ")" : " (NEW)")
                        .append("\n--- PostgreSQL\n").append(expected).append("\n--- Slotway\n").append(actual).append('\n');
                if (!known.containsKey(call.getKey())) {
                    unexpected.add(call.getKey());
                }
            }
        }
        Path out = Paths.get(System.getProperty("slotway.itest.work", "target/itest-work")).resolve("jdbc-metadata");
        Files.createDirectories(out);
        Files.writeString(out.resolve("differences.txt"), report.toString(), StandardCharsets.UTF_8);
        System.out.println("JdbcMetadataIT: " + identical + " of " + CALLS.size() + " identical"
                + (fixed.isEmpty() ? "" : "; now identical, remove from the known differences: " + fixed));
        assertThat(unexpected).as("DatabaseMetaData calls differing and not listed (see %s)", out.resolve("differences.txt")).isEmpty();
    }

    private static String render(Call call, Connection c, String database) {
        try (ResultSet rs = call.run(c.getMetaData())) {
            ResultSetMetaData md = rs.getMetaData();
            StringBuilder b = new StringBuilder();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                b.append(i == 1 ? "" : " | ").append(md.getColumnLabel(i)).append(':').append(md.getColumnType(i));
            }
            while (rs.next()) {
                b.append('\n');
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    String v = rs.getString(i);
                    b.append(i == 1 ? "" : " | ").append(v == null ? "NULL" : v.equals(database) ? "<database>" : v);
                }
            }
            return b.toString();
        } catch (SQLException e) {
            return "ERROR " + e.getSQLState() + " " + e.getMessage().split("\n")[0];
        }
    }

    static Map<String, String> known() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (var in = JdbcMetadataIT.class.getResourceAsStream("/jdbc-metadata-known-differences.txt")) {
            if (in == null) {
                return out;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int tab = line.indexOf('\t');
                out.put(tab < 0 ? line.strip() : line.substring(0, tab), tab < 0 ? "" : line.substring(tab + 1).strip());
            }
        }
        return out;
    }
}
