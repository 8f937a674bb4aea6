package io.slotway.itests.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import io.slotway.testkit.PgOracle;
import io.slotway.testkit.Psql;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Debezium PostgreSQL connector 2.7 (embedded engine, {@code plugin.name=pgoutput}) against Slotway and
 * against PostgreSQL 15, in the same run and the same way: golden setup.sql (with its publications) plus a
 * few rows, the connector started with {@code snapshot.mode=initial} (it creates {@code dbz_publication}
 * with {@code publication.autocreate.mode=filtered}, its slot with an exported snapshot, reads the rows in
 * that snapshot, then streams), the golden workload.sql, a last row as an end marker, and the engine
 * stopped ({@code slot.drop.on.stop=true}: the connector drops its slot with
 * {@code pg_drop_replication_slot}). The change events (JSON converter, with schemas, so the column types,
 * optionality and defaults Debezium read from the catalog are compared too) must be the same after
 * {@link #normalised(ChangeEvent) removing} what differs by instance: positions, timestamps, transaction ids.
 *
 * <p>Tables: {@code gw_types}, {@code gw_full} and {@code gw_trunc} (those of the golden {@code gw_pub}).
 * {@code gw_nopk} and {@code gw_nothing} have no replica identity; in a publication that publishes UPDATE and
 * DELETE, as {@code dbz_publication} does, PostgreSQL refuses the workload's UPDATE and DELETE on them.
 */
class DebeziumIT {
    @RegisterExtension
    static final SlotwayExtension slotway = new SlotwayExtension("debezium");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SLOT = "dbz_it";

    /** Rows present before the connector starts: the initial snapshot reads them. */
    private static final String INITIAL_ROWS = String.join("\n",
            "SET TIME ZONE 'UTC';",
            "INSERT INTO gw_types VALUES (1000, 1, 2, 3, 4.5, 6.5, 7.25, true, 'snap', 'snapv', 'sn', '\\x0102',"
                    + " '2020-01-02', '01:02:03', '2020-01-02 03:04:05', '2020-01-02 03:04:05+01', '1 day 02:00:00',"
                    + " 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a12', '{\"a\": 1}', '{\"b\": [2]}', '{4,5}', '{\"x\",\"y z\"}');",
            "INSERT INTO gw_types (id, c_text) VALUES (1001, 'second');",
            "INSERT INTO gw_full VALUES (100, 'snap', 0.5), (101, NULL, NULL);",
            "INSERT INTO gw_trunc VALUES (100, 'snap');",
            "");
    /** Committed after the workload; its event means every earlier one arrived. */
    private static final String END_MARKER = "INSERT INTO gw_trunc VALUES (999, 'end');";

    private static Run pg;
    private static Run sw;

    /** What one server's run produced. */
    record Run(List<String> raw, List<String> events, boolean slotGone) {}

    @BeforeAll
    static void runBoth() throws Exception {
        Path out = Paths.get(System.getProperty("slotway.itest.work", "target/itest-work")).resolve("debezium/out");
        Files.createDirectories(out);
        PgOracle oracle = PgOracle.get();
        pg = run("pg", oracle.port(), oracle.createDatabase("dbz"), out);
        sw = run("slotway", slotway.port(), "postgres", out);
    }

    @Test
    void snapshotEventsAreWhatPostgresGives() {
        assertThat(snapshot(sw.events())).as("Slotway's snapshot events").isNotEmpty()
                .containsExactlyElementsOf(snapshot(pg.events()));
        assertThat(snapshot(pg.events())).hasSize(5);
    }

    @Test
    void streamedEventsAreWhatPostgresGives() {
        assertThat(streamed(sw.events())).as("Slotway's streamed events").isNotEmpty()
                .containsExactlyElementsOf(streamed(pg.events()));
    }

    @Test
    void theConnectorDropsItsSlotOnStop() {
        assertThat(pg.slotGone()).as("PostgreSQL: slot dropped").isTrue();
        assertThat(sw.slotGone()).as("Slotway: slot dropped").isTrue();
    }

    private static List<String> snapshot(List<String> events) {
        return events.stream().filter(e -> e.contains("\"snapshot\":\"") && !e.contains("\"snapshot\":\"false\"")).toList();
    }

    private static List<String> streamed(List<String> events) {
        return events.stream().filter(e -> !snapshot(List.of(e)).equals(List.of(e))).toList();
    }

    private static void psql(int port, String db, String sql) throws Exception {
        Psql.Result r = Psql.run("127.0.0.1", port, "postgres", db, sql, "-v", "ON_ERROR_STOP=1", "-q");
        assertThat(r.exitCode()).as("psql on %d: %s", port, r.stderr()).isZero();
    }

    private static Run run(String name, int port, String db, Path out) throws Exception {
        psql(port, db, PsqlConformanceIT.golden("setup.sql"));
        psql(port, db, INITIAL_ROWS);
        List<ChangeEvent<String, String>> received = new CopyOnWriteArrayList<>();
        AtomicReference<String> ended = new AtomicReference<>();
        DebeziumEngine<ChangeEvent<String, String>> engine = DebeziumEngine.create(Json.class)
                .using(properties(port, db))
                .notifying((java.util.function.Consumer<ChangeEvent<String, String>>) received::add)
                .using((success, message, error) -> ended.set("success=" + success + " " + message + causes(error)))
                .build();
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "debezium-" + name));
        boolean slotGone;
        try {
            executor.execute(engine);
            // The snapshot is read once its last event is out (Debezium holds each snapshot record back to mark the
            // last one), and streaming has begun once the slot is active. The workload must not start earlier:
            // its TRUNCATE is not MVCC-safe in PostgreSQL (a snapshot still reading would see gw_trunc empty), and
            // its ALTER TABLE would be in the schema Debezium reads for the snapshot.
            await(name + ": snapshot read", ended, () -> received.stream()
                    .anyMatch(e -> e.value() != null && e.value().contains("\"snapshot\":\"last\"")));
            await(name + ": slot streaming", ended, () -> slotActive(port, db));
            psql(port, db, PsqlConformanceIT.golden("workload.sql"));
            psql(port, db, END_MARKER);
            await(name + ": end marker received", ended, () -> received.stream()
                    .anyMatch(e -> e.value() != null && e.value().contains("\"after\":{\"id\":999,")));
        } finally {
            engine.close();
            executor.shutdown();
            if (!executor.awaitTermination(30, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        }
        assertThat(executor.isTerminated()).as(name + ": engine stopped").isTrue();
        // The connector drops the slot while stopping; allow the drop connection a moment.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        do {
            slotGone = !slotExists(port, db);
        } while (!slotGone && System.nanoTime() < deadline && pause());
        List<String> raw = new ArrayList<>();
        List<String> events = new ArrayList<>();
        for (ChangeEvent<String, String> e : received) {
            raw.add(e.destination() + "\t" + e.key() + "\t" + e.value());
            events.add(normalised(e));
        }
        Files.write(out.resolve(name + ".events.raw.txt"), raw, StandardCharsets.UTF_8);
        Files.write(out.resolve(name + ".events.txt"), events, StandardCharsets.UTF_8);
        return new Run(raw, events, slotGone);
    }

    private static Properties properties(int port, String db) {
        Properties p = new Properties();
        p.setProperty("name", "dbz-it");
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "1000");
        p.setProperty("database.hostname", "127.0.0.1");
        p.setProperty("database.port", Integer.toString(port));
        p.setProperty("database.user", "postgres");
        p.setProperty("database.password", "");
        p.setProperty("database.dbname", db);
        p.setProperty("topic.prefix", "dbz");
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", SLOT);
        p.setProperty("publication.name", "dbz_publication");
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("table.include.list", "public.gw_types,public.gw_full,public.gw_trunc");
        p.setProperty("snapshot.mode", "initial");
        p.setProperty("slot.drop.on.stop", "true");
        p.setProperty("status.update.interval.ms", "1000");
        p.setProperty("skipped.operations", "none"); // TRUNCATE events too (the default skips them)
        p.setProperty("errors.max.retries", "0");
        p.setProperty("decimal.handling.mode", "string"); // numeric NaN has no precise (BigDecimal) form
        return p;
    }

    /**
     * The event as compared: destination, key and value (JSON), with from the value's payload the fields
     * that differ by instance or by run and say nothing about the change itself:
     * <ul>
     * <li>{@code ts_ms}, {@code ts_us}, {@code ts_ns} (payload and {@code source}): when the connector handled
     * the event and when the source committed (or snapshotted) it — wall-clock times;</li>
     * <li>{@code source.txId}, {@code source.xmin}: transaction ids, assigned by each server;</li>
     * <li>{@code source.lsn}, {@code source.sequence}: WAL positions (the sequence is the pair of the last
     * commit's and this change's LSNs), assigned by each server;</li>
     * <li>{@code source.db}: the database name, which differs by construction (PostgreSQL gets a fresh
     * database per run; Slotway serves one, {@code postgres}).</li>
     * </ul>
     * Everything else stays: {@code source.snapshot} (first/true/last…), schema and table, {@code op}, before
     * and after images, and both schemas.
     */
    static String normalised(ChangeEvent<String, String> e) {
        try {
            return e.destination() + "\t" + e.key() + "\t" + (e.value() == null ? null : normalisedValue(e.value()));
        } catch (Exception ex) {
            throw new AssertionError("event value is not JSON: " + e.value(), ex);
        }
    }

    static String normalisedValue(String value) throws Exception {
        JsonNode root = JSON.readTree(value);
        JsonNode payload = root.get("payload");
        if (payload instanceof ObjectNode p) {
            p.remove(List.of("ts_ms", "ts_us", "ts_ns"));
            if (p.get("source") instanceof ObjectNode s) {
                s.remove(List.of("ts_ms", "ts_us", "ts_ns", "txId", "xmin", "lsn", "sequence", "db"));
            }
        }
        return JSON.writeValueAsString(root);
    }

    private static String causes(Throwable error) {
        StringBuilder b = new StringBuilder();
        for (Throwable e = error; e != null; e = e.getCause() == e ? null : e.getCause()) {
            b.append("\n  caused by ").append(e);
        }
        return b.toString();
    }

    private static boolean slotActive(int port, String db) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + db, "postgres", "");
             PreparedStatement s = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, SLOT);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    private static boolean slotExists(int port, String db) {
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + db, "postgres", "");
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, SLOT);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1) > 0;
            }
        } catch (Exception ex) {
            throw new AssertionError(ex);
        }
    }

    interface Check {
        boolean done() throws Exception;
    }

    /** Polls {@code check} with a 60 s deadline; fails at once if the engine ended. */
    private static void await(String what, AtomicReference<String> ended, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!check.done()) {
            assertThat(ended.get()).as("%s: the engine ended early", what).isNull();
            assertThat(System.nanoTime()).as("%s within 60 s", what).isLessThan(deadline);
            pause();
        }
    }

    private static boolean pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }
}
