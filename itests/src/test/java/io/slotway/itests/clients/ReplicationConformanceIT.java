package io.slotway.itests.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.testkit.PgOracle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replication commands on a {@code replication=database} connection, compared message by message with
 * a real PostgreSQL 15: result shapes, command tags, and errors (SQLSTATE, message, detail, hint).
 */
class ReplicationConformanceIT {
    @RegisterExtension
    static final SlotwayExtension slotway = new SlotwayExtension("replication-conformance");

    /** Runs each command on one replication connection; returns a line per message (values only for the stable ones). */
    private static List<String> conversation(int port, String database, List<String> commands) throws Exception {
        List<String> lines = new ArrayList<>();
        try (RawClient c = new RawClient(port)) {
            Map<String, String> p = new LinkedHashMap<>();
            p.put("user", "postgres");
            p.put("database", database);
            p.put("replication", "database");
            p.put("application_name", "replication-it");
            c.startup(196608, p);
            c.readUntilReadyOrFatal();
            for (String command : commands) {
                lines.add("> " + command);
                c.send('Q', (command + "\0").getBytes(StandardCharsets.UTF_8));
                for (RawClient.Message m : c.readUntilReadyOrFatal()) {
                    lines.add(describe(m));
                }
            }
        }
        return lines;
    }

    private static String describe(RawClient.Message m) {
        switch (m.type()) {
            case 'E', 'N' -> {
                Map<Character, String> f = m.fields();
                return m.type() + " " + f.get('V') + " " + f.get('C') + " " + f.get('M')
                        + (f.containsKey('D') ? " DETAIL " + f.get('D') : "") + (f.containsKey('H') ? " HINT " + f.get('H') : "");
            }
            case 'T' -> {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(m.body());
                int n = b.getShort();
                StringBuilder s = new StringBuilder("T");
                for (int i = 0; i < n; i++) {
                    int start = b.position();
                    while (b.get() != 0) {
                        // name
                    }
                    s.append(' ').append(new String(m.body(), start, b.position() - start - 1, StandardCharsets.UTF_8));
                    b.getInt();
                    b.getShort();
                    s.append(':').append(b.getInt());
                    b.getShort();
                    b.getInt();
                    b.getShort();
                }
                return s.toString();
            }
            case 'C' -> {
                return "C " + new String(m.body(), 0, m.body().length - 1, StandardCharsets.UTF_8);
            }
            case 'D' -> {
                return "D"; // values differ between servers (LSNs, system ids)
            }
            default -> {
                return String.valueOf(m.type());
            }
        }
    }

    @Test
    void slotCommandsAnswerAsPostgresDoes() throws Exception {
        List<String> commands = List.of(
                "IDENTIFY_SYSTEM",
                "SHOW data_directory_mode",
                "CREATE_REPLICATION_SLOT \"rc_slot\" LOGICAL \"test_decoding\" ( SNAPSHOT 'nothing')",
                "CREATE_REPLICATION_SLOT \"rc_slot\" LOGICAL \"test_decoding\" ( SNAPSHOT 'nothing')",
                "CREATE_REPLICATION_SLOT rc_tmp TEMPORARY LOGICAL test_decoding NOEXPORT_SNAPSHOT",
                "CREATE_REPLICATION_SLOT \"Bad-Name\" LOGICAL test_decoding ( SNAPSHOT 'nothing')",
                "CREATE_REPLICATION_SLOT rc_x LOGICAL no_such_plugin ( SNAPSHOT 'nothing')",
                "CREATE_REPLICATION_SLOT rc_y LOGICAL test_decoding ( SNAPSHOT 'bogus')",
                "CREATE_REPLICATION_SLOT rc_z LOGICAL test_decoding (SNAPSHOT 'use')",
                "READ_REPLICATION_SLOT no_such_slot",
                "READ_REPLICATION_SLOT rc_slot",
                "START_REPLICATION SLOT no_such_slot LOGICAL 0/0",
                "START_REPLICATION SLOT rc_slot LOGICAL 0/0 (\"no-such-option\" '1')",
                "START_REPLICATION SLOT rc_slot LOGICAL 0/0 (\"include-xids\" 'maybe')",
                "DROP_REPLICATION_SLOT no_such_slot",
                "DROP_REPLICATION_SLOT rc_slot",
                "DROP_REPLICATION_SLOT rc_tmp",
                "NOT_A_COMMAND",
                "SELECT pg_catalog.set_config('search_path', '', false)");
        List<String> expected = conversation(PgOracle.get().port(), PgOracle.get().createDatabase("repl"), commands);
        List<String> actual = conversation(slotway.port(), "postgres", commands);
        assertThat(actual).isEqualTo(expected);
    }

    /** Opens a replication connection; returns it and its backend pid (from BackendKeyData). */
    private static RawClient replicationClient(int port, String database, int[] pid) throws Exception {
        RawClient c = new RawClient(port);
        Map<String, String> p = new LinkedHashMap<>();
        p.put("user", "postgres");
        p.put("database", database);
        p.put("replication", "database");
        c.startup(196608, p);
        for (RawClient.Message m : c.readUntilReadyOrFatal()) {
            if (m.type() == 'K') {
                pid[0] = java.nio.ByteBuffer.wrap(m.body()).getInt();
            }
        }
        return c;
    }

    private static List<RawClient.Message> command(RawClient c, String sql) throws Exception {
        c.send('Q', (sql + "\0").getBytes(StandardCharsets.UTF_8));
        return c.readUntilReadyOrFatal();
    }

    private static String sql(int port, String database, String query) throws Exception {
        io.slotway.testkit.Psql.Result r = io.slotway.testkit.Psql.run("127.0.0.1", port, "postgres", database, null,
                "-At", "-c", query);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return r.stdout().trim();
    }

    /**
     * While one connection streams from a slot, pg_replication_slots shows it active with that backend's
     * pid, and a second consumer gets 55006; a temporary slot disappears when its connection ends.
     */
    @Test
    void slotsAreOwnedAsInPostgres() throws Exception {
        String pgDb = PgOracle.get().createDatabase("owned");
        for (int[] server : new int[][] {{PgOracle.get().port(), 0}, {slotway.port(), 1}}) {
            int port = server[0];
            String db = server[1] == 0 ? pgDb : "postgres";
            sql(port, db, "SELECT 1 FROM pg_create_logical_replication_slot('owned', 'test_decoding')");
            int[] pid = new int[1];
            try (RawClient streaming = replicationClient(port, db, pid)) {
                streaming.send('Q', "START_REPLICATION SLOT owned LOGICAL 0/0\0".getBytes(StandardCharsets.UTF_8));
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                String row = "";
                while (System.nanoTime() < deadline
                        && !(row = sql(port, db, "SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = 'owned'"))
                        .equals("t|" + pid[0])) {
                    Thread.sleep(50);
                }
                assertThat(row).as("port %d", port).isEqualTo("t|" + pid[0]);
                int[] other = new int[1];
                try (RawClient second = replicationClient(port, db, other)) {
                    RawClient.Message error = command(second, "START_REPLICATION SLOT owned LOGICAL 0/0").get(0);
                    assertThat(error.fields().get('C')).isEqualTo("55006");
                    assertThat(error.fields().get('M')).isEqualTo("replication slot \"owned\" is active for PID " + pid[0]);
                }
                int[] tmpPid = new int[1];
                try (RawClient temporary = replicationClient(port, db, tmpPid)) {
                    command(temporary, "CREATE_REPLICATION_SLOT owned_tmp TEMPORARY LOGICAL test_decoding (SNAPSHOT 'nothing')");
                    assertThat(sql(port, db, "SELECT temporary, active, active_pid FROM pg_replication_slots WHERE slot_name = 'owned_tmp'"))
                            .isEqualTo("t|t|" + tmpPid[0]);
                }
                long gone = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (System.nanoTime() < gone
                        && !sql(port, db, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'owned_tmp'").equals("0")) {
                    Thread.sleep(50);
                }
                assertThat(sql(port, db, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'owned_tmp'")).isEqualTo("0");
            }
            long released = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < released
                    && !sql(port, db, "SELECT active FROM pg_replication_slots WHERE slot_name = 'owned'").equals("f")) {
                Thread.sleep(50);
            }
            assertThat(sql(port, db, "SELECT active FROM pg_replication_slots WHERE slot_name = 'owned'")).isEqualTo("f");
            sql(port, db, "SELECT pg_drop_replication_slot('owned')");
        }
    }
}
