package io.slotway.itests.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.testkit.PgOracle;
import io.slotway.testkit.Psql;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The golden conformance test for test_decoding, done as shared/pg-reference/golden/capture.sh does it
 * and on both servers in the same run: setup.sql, slots, workload.sql, then each slot read through
 * {@code pg_logical_slot_peek_changes}, through {@code pg_recvlogical} and through pgjdbc's replication
 * API up to the same end, and the
 * outputs compared after golden/normalise.py. Expected output is PostgreSQL 15's own, produced now.
 */
class GoldenDecodingIT {
    @RegisterExtension
    // eleven slots at once: one more than max_replication_slots' default (10, as PostgreSQL's)
    static final SlotwayExtension slotway = new SlotwayExtension("golden-decoding")
            .withConf("io.slotway.wal.cfg:max.replication.slots:Integer = 20");

    /** slot, plugin, pg_recvlogical options. */
    private static final String[][] SLOTS = {
            {"td_default", "test_decoding", ""},
            {"td_opts", "test_decoding", "include-xids=0 include-timestamp=1 skip-empty-xacts=1"},
            {"w2j_v1", "wal2json", ""},
            {"w2j_v1_opts", "wal2json", "include-xids=1 include-timestamp=1 include-lsn=1 include-typmod=1 "
                    + "include-type-oids=1 include-not-null=1 include-pk=1 pretty-print=1"},
            {"w2j_v2", "wal2json", "format-version=2"},
            {"w2j_v2_opts", "wal2json", "format-version=2 include-xids=1 include-timestamp=1 include-lsn=1 include-type-oids=1 "
                    + "include-typmod=1 include-not-null=1 include-pk=1 include-default=1"},
            {"pgo_v1", "pgoutput", "proto_version=1 publication_names=gw_pub,gw_pub_ins"},
            {"pgo_v2_bin_msg", "pgoutput", "proto_version=2 publication_names=gw_pub,gw_pub_ins messages=true binary=true"},
    };

    private static Path out;
    private static Server pg;
    private static Server sw;

    /** Where a server is, and what its capture produced. */
    record Server(String name, int port, String database, String end) {}

    @BeforeAll
    static void captureBoth() throws Exception {
        out = Paths.get(System.getProperty("slotway.itest.work", "target/itest-work")).resolve("golden-decoding/out");
        Files.createDirectories(out);
        PgOracle oracle = PgOracle.get();
        pg = capture("pg", oracle.port(), oracle.createDatabase("golden"));
        sw = capture("slotway", slotway.port(), "postgres");
    }

    private static String psql(int port, String db, String sql, String... args) throws IOException {
        List<String> a = new ArrayList<>(List.of("-v", "ON_ERROR_STOP=1", "-q", "-At"));
        a.addAll(List.of(args));
        Psql.Result r = Psql.run("127.0.0.1", port, "postgres", db, sql, a.toArray(String[]::new));
        assertThat(r.exitCode()).as("psql on %d: %s\n%s", port, sql.length() > 200 ? sql.substring(0, 200) : sql, r.stderr())
                .isZero();
        return r.stdout();
    }

    private static Server capture(String name, int port, String db) throws Exception {
        psql(port, db, PsqlConformanceIT.golden("setup.sql"));
        // one slot through SQL, one through the replication protocol
        psql(port, db, "SELECT 'created', slot_name FROM pg_create_logical_replication_slot('td_default', 'test_decoding')");
        recvlogical(port, db, "--slot=td_opts", "--create-slot", "-P", "test_decoding");
        for (String[] slot : SLOTS) {
            if (!slot[1].equals("test_decoding")) {
                psql(port, db, "SELECT 'created', slot_name FROM pg_create_logical_replication_slot('" + slot[0] + "', '"
                        + slot[1] + "')");
            }
        }
        // and some through pgjdbc's replication API (legacy CREATE_REPLICATION_SLOT syntax)
        try (Connection rc = replicationConnection(port, db)) {
            rc.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot().logical().withSlotName("td_jdbc")
                    .withOutputPlugin("test_decoding").make();
            rc.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot().logical().withSlotName("pgo_jdbc")
                    .withOutputPlugin("pgoutput").make();
            rc.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot().logical().withSlotName("w2j_jdbc")
                    .withOutputPlugin("wal2json").make();
        }
        psql(port, db, workloadWithoutOtherPlugins());
        String end = psql(port, db, "SELECT pg_current_wal_lsn()").trim();
        jdbcStream(port, db, "td_jdbc", LogSequenceNumber.valueOf(end), out.resolve(name + ".td_jdbc.txt"), Map.of());
        jdbcStream(port, db, "pgo_jdbc", LogSequenceNumber.valueOf(end), out.resolve(name + ".pgo_jdbc.bin"),
                Map.of("proto_version", "1", "publication_names", "gw_pub,gw_pub_ins"));
        jdbcStream(port, db, "w2j_jdbc", LogSequenceNumber.valueOf(end), out.resolve(name + ".w2j_jdbc.txt"),
                Map.of("format-version", "2", "include-xids", "1", "include-lsn", "1", "include-pk", "1", "include-default", "1"));
        for (String[] slot : SLOTS) {
            StringBuilder sqlOpts = new StringBuilder();
            List<String> recvOpts = new ArrayList<>();
            for (String kv : slot[2].split(" ")) {
                if (!kv.isEmpty()) {
                    String[] p = kv.split("=", 2);
                    sqlOpts.append(", '").append(p[0]).append("', '").append(p[1]).append("'");
                    recvOpts.add("-o");
                    recvOpts.add(kv);
                }
            }
            boolean binary = slot[1].equals("pgoutput");
            String peek = psql(port, db, "SELECT lsn, xid, " + (binary ? "encode(data, 'hex')" : "data") + " FROM pg_logical_slot_peek_"
                    + (binary ? "binary_" : "") + "changes('" + slot[0] + "', '" + end + "', NULL" + sqlOpts + ")", "-F", "\t");
            Files.writeString(out.resolve(name + "." + slot[0] + ".peek.tsv"), peek, StandardCharsets.UTF_8);
            Path file = out.resolve(name + "." + slot[0] + (binary ? ".bin" : ".txt"));
            Files.deleteIfExists(file);
            List<String> args = new ArrayList<>(List.of("--slot=" + slot[0], "--start", "--endpos=" + end, "--no-loop",
                    "-f", file.toString()));
            args.addAll(recvOpts);
            recvlogical(port, db, args.toArray(String[]::new));
            psql(port, db, "SELECT pg_drop_replication_slot('" + slot[0] + "')");
        }
        return new Server(name, port, db, end);
    }

    private static Connection replicationConnection(int port, String db) throws Exception {
        Properties p = new Properties();
        PGProperty.USER.set(p, "postgres");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "9.4");
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + db, p);
    }

    /** Reads a slot with pgjdbc's PGReplicationStream up to {@code end}, a line per message, then drops it. */
    private static void jdbcStream(int port, String db, String slot, LogSequenceNumber end, Path file, Map<String, String> options)
            throws Exception {
        java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
        try (Connection rc = replicationConnection(port, db)) {
            var builder = rc.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                    .withSlotName(slot).withStatusInterval(1, TimeUnit.SECONDS);
            for (Map.Entry<String, String> o : options.entrySet()) {
                builder = builder.withSlotOption(o.getKey(), o.getValue());
            }
            PGReplicationStream stream = builder.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (stream.getLastReceiveLSN().asLong() < end.asLong()) {
                assertThat(System.nanoTime()).as("pgjdbc stream reached %s", end).isLessThan(deadline);
                ByteBuffer buf = stream.readPending();
                if (buf == null) {
                    Thread.sleep(10);
                    continue;
                }
                text.write(buf.array(), buf.arrayOffset() + buf.position(), buf.remaining());
                text.write('\n'); // as pg_recvlogical -f writes each message
                stream.setFlushedLSN(stream.getLastReceiveLSN());
                stream.setAppliedLSN(stream.getLastReceiveLSN());
            }
            stream.forceUpdateStatus();
            stream.close();
            rc.unwrap(PGConnection.class).getReplicationAPI().dropReplicationSlot(slot);
        }
        Files.write(file, text.toByteArray());
    }

    /** workload.sql as it is (its pg_logical_emit_message calls are part of what test_decoding shows). */
    private static String workloadWithoutOtherPlugins() throws Exception {
        return PsqlConformanceIT.golden("workload.sql");
    }

    private static void recvlogical(int port, String db, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                System.getProperty("slotway.pg.bindir", "/usr/lib/postgresql/15/bin") + "/pg_recvlogical",
                "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres", "-d", db));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output;
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("pg_recvlogical did not finish within 120 s: " + cmd);
        }
        output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("pg_recvlogical %s: %s", cmd, output).isZero();
    }

    private static String normalised(Path file) throws Exception {
        Path script = Paths.get(System.getProperty("slotway.shared", "../../shared")).resolve("pg-reference/golden/normalise.py");
        List<String> cmd = new ArrayList<>(List.of("python3", script.toString()));
        if (file.getFileName().toString().contains("pgo_")) {
            cmd.add("--pgoutput");
        }
        cmd.add(file.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(text).isZero();
        return text;
    }

    private static void sameAfterNormalising(String file) throws Exception {
        String expected = normalised(out.resolve("pg." + file));
        String actual = normalised(out.resolve("slotway." + file));
        assertThat(expected).as("PostgreSQL's output must not be empty").isNotBlank();
        assertThat(actual.lines().toList()).as(file).isEqualTo(expected.lines().toList());
    }

    @Test
    void pgRecvlogicalPrintsWhatPostgresPrintsWithDefaultOptions() throws Exception {
        sameAfterNormalising("td_default.txt");
    }

    @Test
    void pgRecvlogicalPrintsWhatPostgresPrintsWithXidsOffTimestampsOnAndEmptyTransactionsSkipped() throws Exception {
        sameAfterNormalising("td_opts.txt");
    }

    @Test
    void pgjdbcReplicationStreamReceivesWhatPostgresSends() throws Exception {
        sameAfterNormalising("td_jdbc.txt");
    }

    @Test
    void wal2jsonFormatOneStreamsWhatPostgresStreams() throws Exception {
        sameAfterNormalising("w2j_v1.txt");
        sameAfterNormalising("w2j_v1_opts.txt");
        sameAfterNormalising("w2j_v1.peek.tsv");
    }

    @Test
    void wal2jsonFormatTwoStreamsWhatPostgresStreams() throws Exception {
        sameAfterNormalising("w2j_v2.txt");
        sameAfterNormalising("w2j_v2.peek.tsv");
    }

    @Test
    void wal2jsonFormatTwoWithEveryIncludeOptionStreamsWhatPostgresStreams() throws Exception {
        sameAfterNormalising("w2j_v2_opts.txt");
        sameAfterNormalising("w2j_v2_opts.peek.tsv");
        sameAfterNormalising("w2j_jdbc.txt");
    }

    @Test
    void pgoutputProtocolOneSendsWhatPostgresSends() throws Exception {
        sameAfterNormalising("pgo_v1.bin");
        sameAfterNormalising("pgo_v1.peek.tsv");
        sameAfterNormalising("pgo_jdbc.bin");
    }

    @Test
    void pgoutputProtocolTwoWithBinaryAndMessagesSendsWhatPostgresSends() throws Exception {
        sameAfterNormalising("pgo_v2_bin_msg.bin");
        sameAfterNormalising("pgo_v2_bin_msg.peek.tsv");
    }

    @Test
    void peekChangesReturnsWhatPostgresReturns() throws Exception {
        sameAfterNormalising("td_default.peek.tsv");
        sameAfterNormalising("td_opts.peek.tsv");
    }
}
