package io.slotway.itests.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.testkit.PgOracle;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every catalog query real clients sent in shared/pg-reference/clients/*.txt ({@code SQL:} and
 * {@code EXEC}, with their bind parameters) runs on Slotway and on a real PostgreSQL 15 holding the same
 * schema (the corpus's own, publications included), and the results are compared column by column:
 * names, type names and values, after OIDs of user objects are replaced by the objects' names (the
 * corpus's statements name tables by the OIDs of the capture: those are mapped to each server's). A
 * difference not listed in {@code catalog-known-differences.txt} with its reason fails the test; the list
 * is meant to shrink.
 */
class CatalogCorpusIT {
    @RegisterExtension
    static final SlotwayExtension slotway = new SlotwayExtension("catalog-corpus");

    /** The corpus's schema (clients/README.md), plus the publication Debezium creates. */
    static final String SETUP = """
            CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL, balance numeric(12,2) DEFAULT 0, created timestamptz DEFAULT now());
            CREATE TABLE transfers (id serial PRIMARY KEY, src bigint NOT NULL REFERENCES accounts(id), dst bigint NOT NULL REFERENCES accounts(id), amount numeric(12,2), note varchar(40));
            CREATE INDEX transfers_src_idx ON transfers(src);
            CREATE UNIQUE INDEX accounts_owner_uq ON accounts(owner);
            CREATE FUNCTION add_one(i int) RETURNS int LANGUAGE sql AS 'select i+1';
            CREATE SCHEMA audit;
            CREATE TABLE audit.log (ts timestamptz, msg text);
            INSERT INTO accounts (id, owner, balance) VALUES (1,'alice',100),(2,'bob',50);
            INSERT INTO transfers(src,dst,amount,note) VALUES (1,2,10,'t1');
            CREATE PUBLICATION pub_all FOR TABLE accounts, transfers;
            CREATE PUBLICATION pub_sub FOR TABLE accounts;
            CREATE PUBLICATION dbz_publication FOR TABLE accounts, transfers
            """;

    /** OIDs the capture's statements use, and what they were there (from psql's \\d and the subscriber's queries). */
    static final Map<String, String> CAPTURE_OIDS = Map.of("16385", "public.accounts", "16395", "public.transfers");

    private static final Pattern LINE = Pattern.compile("^(SQL|EXEC [^:]+): ?(.*)$");
    private static final Pattern PARAM = Pattern.compile("\\$(\\d+) = '((?:[^']|'')*)'");

    /** One statement of the corpus. */
    record Case(String id, String sql, List<String> params, boolean extended) {}

    /** What one server answered: a header line and rows, or an error. */
    record Answer(List<String> header, List<String> rows, String error) {
        String render() {
            if (error != null) {
                return "ERROR " + error;
            }
            return String.join(" | ", header) + "\n" + String.join("\n", rows);
        }
    }

    static List<Case> corpus() throws Exception {
        Path dir = Paths.get(System.getProperty("slotway.shared", "../../shared")).resolve("pg-reference/clients");
        List<Case> cases = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        for (Path f : files) {
            String name = f.getFileName().toString().replace(".txt", "");
            List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
            int n = 0;
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = LINE.matcher(lines.get(i));
                if (!m.matches()) {
                    continue;
                }
                StringBuilder sql = new StringBuilder(m.group(2));
                int j = i + 1;
                while (j < lines.size() && !isMarker(lines.get(j))) {
                    sql.append('\n').append(lines.get(j));
                    j++;
                }
                List<String> params = new ArrayList<>();
                if (j < lines.size() && lines.get(j).startsWith("  params:")) {
                    Matcher p = PARAM.matcher(lines.get(j));
                    while (p.find()) {
                        params.add(p.group(2).replace("''", "'"));
                    }
                }
                i = j - 1;
                String text = sql.toString().trim();
                String first = text.isEmpty() ? "" : text.split("\\s+")[0].toLowerCase(Locale.ROOT);
                if (!(first.equals("select") || first.equals("with"))) {
                    continue; // not a query: session commands, DDL, DML, COPY and replication are tested elsewhere
                }
                if (!isCatalogQuery(text)) {
                    continue; // reads user tables (the initial copy), not the catalog
                }
                String key = text + "\0" + params;
                if (seen.add(key)) {
                    cases.add(new Case(name + "#" + (++n), text, params, m.group(1).startsWith("EXEC")));
                }
            }
        }
        return cases;
    }

    private static boolean isMarker(String line) {
        return line.startsWith("SQL:") || line.startsWith("EXEC ") || line.startsWith("REPL:") || line.startsWith("client->")
                || line.startsWith("server:") || line.startsWith("wire:") || line.startsWith("## ") || line.startsWith("  params:")
                || line.startsWith("log:") || line.startsWith("!") || line.startsWith("# ");
    }

    private static boolean isCatalogQuery(String sql) {
        String s = sql.toLowerCase(Locale.ROOT);
        return s.contains("pg_") || s.contains("information_schema") || s.contains("version()") || s.contains("current_");
    }

    @Test
    void catalogQueriesAnswerAsPostgreSQL15() throws Exception {
        PgOracle oracle = PgOracle.get();
        String pgDb = oracle.createDatabase("catalog");
        try (Connection pg = connect(oracle.port(), pgDb, false); Connection sw = connect(slotway.port(), "postgres", false)) {
            for (Connection c : List.of(pg, sw)) {
                try (Statement s = c.createStatement()) {
                    for (String stmt : SETUP.split(";\n")) {
                        s.execute(stmt);
                    }
                }
            }
        }
        Map<String, String> known = knownDifferences();
        List<Case> cases = corpus();
        int identical = 0;
        List<String> unexpected = new ArrayList<>();
        List<String> fixed = new ArrayList<>();
        StringBuilder report = new StringBuilder();
        for (Case c : cases) {
            Answer onPg = run(oracle.port(), pgDb, c);
            Answer onSw = run(slotway.port(), "postgres", c);
            boolean same = onPg.render().equals(onSw.render());
            if (same) {
                identical++;
                if (known.containsKey(c.id())) {
                    fixed.add(c.id());
                }
            } else {
                report.append("\n=== ").append(c.id()).append(known.containsKey(c.id()) ? " (known: " + known.get(c.id()) + ")" : " (NEW)")
                        .append("\n").append(c.sql().length() > 300 ? c.sql().substring(0, 300) + "..." : c.sql())
                        .append("\n--- PostgreSQL\n").append(limit(onPg.render()))
                        .append("\n--- Slotway\n").append(limit(onSw.render())).append('\n');
                if (!known.containsKey(c.id())) {
                    unexpected.add(c.id());
                }
            }
        }
        Path out = Paths.get(System.getProperty("slotway.itest.work", "target/itest-work")).resolve("catalog-corpus");
        Files.createDirectories(out);
        Files.writeString(out.resolve("differences.txt"), report.toString(), StandardCharsets.UTF_8);
        System.out.println("CatalogCorpusIT: " + identical + " of " + cases.size() + " identical"
                + (fixed.isEmpty() ? "" : "; now identical, remove from the known differences: " + fixed)
                + "; details in " + out.resolve("differences.txt"));
        assertThat(unexpected).as("differences not in catalog-known-differences.txt (see %s)%s", out.resolve("differences.txt"),
                report.length() > 20000 ? report.substring(0, 20000) : report).isEmpty();
    }

    private static String limit(String s) {
        return s.length() > 3000 ? s.substring(0, 3000) + "\n..." : s;
    }

    static Map<String, String> knownDifferences() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        try (var in = CatalogCorpusIT.class.getResourceAsStream("/catalog-known-differences.txt")) {
            if (in == null) {
                return out;
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int sp = l.indexOf(' ');
                out.put(sp < 0 ? l : l.substring(0, sp), sp < 0 ? "" : l.substring(sp + 1).strip());
            }
        }
        return out;
    }

    static Connection connect(int port, String db, boolean simple) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("ApplicationName", "catalog-corpus");
        if (simple) {
            p.setProperty("preferQueryMode", "simple");
        }
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + db, p);
    }

    /** Runs one case on a fresh connection (statements may leave a session changed) and renders the answer. */
    static Answer run(int port, String db, Case c) throws SQLException {
        try (Connection conn = connect(port, db, !c.extended())) {
            Map<String, String> names = objectNames(conn);
            Map<String, String> oids = new HashMap<>();
            for (Map.Entry<String, String> e : names.entrySet()) {
                oids.put(e.getValue(), e.getKey());
            }
            // one pass, so an OID just substituted is never substituted again
            Matcher m = Pattern.compile("\\b(" + String.join("|", CAPTURE_OIDS.keySet()) + ")\\b").matcher(c.sql());
            StringBuilder replaced = new StringBuilder();
            while (m.find()) {
                String here = oids.get("rel:" + CAPTURE_OIDS.get(m.group(1)));
                m.appendReplacement(replaced, here != null ? here : m.group(1));
            }
            String sql = m.appendTail(replaced).toString();
            try (PreparedStatement ps = conn.prepareStatement(sql)) {
                for (int i = 0; i < c.params().size(); i++) {
                    ps.setString(i + 1, c.params().get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    ResultSetMetaData md = rs.getMetaData();
                    List<String> header = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        header.add(md.getColumnLabel(i) + ":" + md.getColumnTypeName(i));
                    }
                    List<String> rows = new ArrayList<>();
                    while (rs.next()) {
                        List<String> cells = new ArrayList<>();
                        for (int i = 1; i <= md.getColumnCount(); i++) {
                            String v = rs.getString(i);
                            cells.add(v == null ? "NULL" : instanceSpecific(md, i) ? "<instance>" : names.getOrDefault(v, v));
                        }
                        rows.add(String.join(" | ", cells));
                    }
                    if (!sql.toLowerCase(Locale.ROOT).contains("order by")) {
                        rows.sort(null);
                    }
                    return new Answer(header, rows, null);
                }
            } catch (SQLException e) {
                return new Answer(null, null, e.getSQLState() + " " + e.getMessage().split("\n")[0]);
            }
        }
    }

    /**
     * Values that belong to one server instance, not to the catalog: WAL positions (pg_lsn), clock readings
     * (timestamptz: now(), backend and postmaster start times) and transaction ids (Debezium's pg_current_txid).
     * Two servers can only agree on their type and presence, so only those are compared.
     */
    static boolean instanceSpecific(ResultSetMetaData md, int i) throws SQLException {
        String type = md.getColumnTypeName(i);
        String label = md.getColumnLabel(i).toLowerCase(Locale.ROOT);
        return type.equals("pg_lsn") || type.equals("timestamptz") || label.contains("txid");
    }

    /** User objects' OIDs on this server, mapped to a name that is the same on both. */
    static Map<String, String> objectNames(Connection c) throws SQLException {
        Map<String, String> out = new HashMap<>();
        String[] queries = {
                "SELECT c.oid::text, 'rel:' || n.nspname || '.' || c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n"
                        + " ON n.oid = c.relnamespace WHERE c.oid >= 16384",
                "SELECT n.oid::text, 'nsp:' || n.nspname FROM pg_catalog.pg_namespace n WHERE n.oid >= 16384",
                "SELECT c.oid::text, 'con:' || c.conname FROM pg_catalog.pg_constraint c WHERE c.oid >= 16384",
                "SELECT p.oid::text, 'pub:' || p.pubname FROM pg_catalog.pg_publication p",
                "SELECT p.oid::text, 'proc:' || p.proname FROM pg_catalog.pg_proc p WHERE p.oid >= 16384",
                "SELECT t.oid::text, 'type:' || t.typname FROM pg_catalog.pg_type t WHERE t.oid >= 16384",
        };
        try (Statement s = c.createStatement()) {
            for (String q : queries) {
                try (ResultSet rs = s.executeQuery(q)) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        }
        return out;
    }
}
