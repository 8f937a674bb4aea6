package io.slotway.itests.watchers;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.testkit.PgOracle;
import io.slotway.testkit.Psql;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * AWS DMS's DDL capture: the same DDL sequence on a real PostgreSQL 15 with DMS's trigger script installed
 * and on Slotway with the dms-ddl watcher deployed gives the same test_decoding output for
 * {@code awsdms_ddl_audit}, after replacing keys, times and xids. On Slotway, DMS's script runs first,
 * unchanged, then the watcher is dropped into {@code deploy/} while Slotway runs.
 */
class DmsDdlAuditIT {
    /** Each runs as one psql -c, as a DMS user or a migration tool sends DDL. */
    private static final List<String> DDL = List.of(
            "CREATE TABLE dms_t1 (id integer PRIMARY KEY, v text NOT NULL DEFAULT 'x')",
            "ALTER TABLE dms_t1 ADD COLUMN w numeric(10,2)",
            "INSERT INTO dms_t1 VALUES (1, 'one', 1.5)",
            "CREATE TABLE dms_t2 AS SELECT id, v FROM dms_t1",
            "CREATE INDEX dms_t1_v ON dms_t1 (v)",
            "ALTER TABLE dms_t1 RENAME COLUMN v TO vv",
            "DROP TABLE dms_t2",
            "CREATE TABLE dms_t3 (a int); ALTER TABLE dms_t3 ADD b text",
            "DROP TABLE dms_t1, dms_t3");

    private static final Pattern KEY = Pattern.compile("c_key\\[bigint\\]:\\d+");
    private static final Pattern TIME = Pattern.compile("c_time\\[timestamp without time zone\\]:'[^']*'");
    private static final Pattern TXN = Pattern.compile("c_txn\\[character varying\\]:'(\\d+)'");

    @Test
    void theAuditStreamIsWhatPostgresWithDmsTriggerProduces() throws Exception {
        String script = resource("/dms/awsdms-ddl-setup.sql");
        PgOracle pg = PgOracle.get();
        String db = pg.createDatabase("dms");
        psql(pg.port(), db, script);
        List<String> expected = run(pg.port(), db);
        // eight audited statements (not CREATE INDEX, not INSERT), each an INSERT and a DELETE
        assertThat(expected).hasSize(16);

        Path work = Paths.get(System.getProperty("slotway.itest.work", "target/itest-work")).resolve("dms-ddl");
        try (PrivateSlotway sw = PrivateSlotway.start(work, home -> { })) {
            psql(sw.port, "postgres", script);
            sw.deploy("io.slotway.watcher.dmsddl");
            sw.awaitLog(l -> l.contains("schema-change watcher dms-ddl") && l.contains("is active"), 60);
            List<String> actual = run(sw.port, "postgres");
            assertThat(actual).isEqualTo(expected);
        }
    }

    /** Creates a test_decoding slot, runs the DDL, returns the normalised audit lines with their BEGIN/COMMIT. */
    private static List<String> run(int port, String db) throws IOException {
        psql(port, db, "SELECT 'x' FROM pg_create_logical_replication_slot('dms', 'test_decoding')");
        for (String ddl : DDL) {
            psql(port, db, null, "-c", ddl);
        }
        String out = psql(port, db, "SELECT xid, data FROM pg_logical_slot_get_changes('dms', NULL, NULL)", "-F", "|");
        psql(port, db, "SELECT pg_drop_replication_slot('dms')");
        List<String> lines = new ArrayList<>();
        int keys = 0;
        for (String row : out.split("\n")) {
            int bar = row.indexOf('|');
            if (bar < 0) {
                continue;
            }
            String xid = row.substring(0, bar);
            String data = row.substring(bar + 1);
            if (!data.startsWith("table public.awsdms_ddl_audit:")) {
                continue;
            }
            data = TIME.matcher(data).replaceAll("c_time[timestamp without time zone]:'<TIME>'");
            Matcher txn = TXN.matcher(data);
            if (txn.find()) {
                assertThat(txn.group(1)).as("c_txn is the DDL's own transaction").isEqualTo(xid);
                data = txn.replaceAll("c_txn[character varying]:'<XID>'");
            }
            Matcher key = KEY.matcher(data);
            if (data.contains(": INSERT:")) {
                keys++;
            }
            data = key.replaceAll("c_key[bigint]:<KEY" + keys + ">");
            lines.add(data);
        }
        return lines;
    }

    private static String psql(int port, String db, String stdin, String... args) throws IOException {
        List<String> a = new ArrayList<>(List.of("-v", "ON_ERROR_STOP=1", "-q", "-At"));
        a.addAll(List.of(args));
        Psql.Result r = Psql.run("127.0.0.1", port, "postgres", db, stdin, a.toArray(String[]::new));
        assertThat(r.exitCode()).as("psql on %d: %s %s\n%s", port, stdin, a, r.stderr()).isZero();
        return r.stdout();
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DmsDdlAuditIT.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
