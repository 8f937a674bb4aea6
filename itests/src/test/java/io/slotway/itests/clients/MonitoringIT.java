package io.slotway.itests.clients;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.testkit.PgOracle;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * Monitoring tells the truth (issue 5 part 3): {@code pg_stat_activity}, {@code pg_stat_replication} and
 * {@code pg_replication_slots} on Slotway while a pgjdbc replication stream and {@code pg_recvlogical} stream from two
 * slots, one connection sits idle and one idles in a transaction. Rows are checked against what those clients did;
 * the three views' column names and types against PostgreSQL 15's.
 */
class MonitoringIT {
    @RegisterExtension
    static final SlotwayExtension slotway = new SlotwayExtension("monitoring");

    static final List<String> VIEWS = List.of("pg_stat_activity", "pg_stat_replication", "pg_replication_slots");

    @Test
    void columnsAreThoseOfPostgreSQL15() throws Exception {
        PgOracle oracle = PgOracle.get();
        String pgDb = oracle.createDatabase("monitoring");
        try (Connection pg = connect(oracle.port(), pgDb, "m"); Connection sw = connect(slotway.port(), "postgres", "m")) {
            for (String view : VIEWS) {
                assertThat(columns(sw, view)).as(view).isEqualTo(columns(pg, view));
            }
        }
    }

    @Test
    void viewsShowWhatTheClientsDo() throws Exception {
        int port = slotway.port();
        try (Connection ask = connect(port, "postgres", "mon-ask");
                Connection idle = connect(port, "postgres", "mon-idle");
                Connection inTx = connect(port, "postgres", "mon-intx")) {
            exec(ask, "CREATE TABLE mon_t (id int PRIMARY KEY, v text)");
            exec(ask, "SELECT pg_create_logical_replication_slot('mon_jdbc', 'test_decoding')");
            exec(ask, "SELECT pg_create_logical_replication_slot('mon_recv', 'test_decoding')");
            int askPid = pid(ask);
            int idlePid = pid(idle);
            int inTxPid = pid(inTx);
            exec(idle, "SELECT 42");
            inTx.setAutoCommit(false);
            exec(inTx, "SELECT 43");

            // no stream yet: nobody in pg_stat_replication, both slots inactive
            assertThat(rows(ask, "SELECT pid FROM pg_stat_replication")).isEmpty();
            assertThat(rows(ask, "SELECT slot_name, plugin, slot_type, database, temporary, active, active_pid, two_phase,"
                    + " wal_status, safe_wal_size FROM pg_replication_slots ORDER BY slot_name"))
                    .containsExactly(
                            List.of("mon_jdbc", "test_decoding", "logical", "postgres", "f", "f", "NULL", "f", "reserved", "NULL"),
                            List.of("mon_recv", "test_decoding", "logical", "postgres", "f", "f", "NULL", "f", "reserved", "NULL"));

            Process recv = new ProcessBuilder(System.getProperty("slotway.pg.bindir", "/usr/lib/postgresql/15/bin") + "/pg_recvlogical",
                    "-h", "127.0.0.1", "-p", Integer.toString(port), "-U", "postgres", "-d", "postgres", "--slot", "mon_recv",
                    "--start", "-s", "1", "-F", "0", "-f", "-").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            recv.getOutputStream().close();
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<LogSequenceNumber> received = new AtomicReference<>(LogSequenceNumber.INVALID_LSN);
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Connection rc = replicationConnection(port, "mon-jdbc");
            PGReplicationStream stream = rc.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                    .withSlotName("mon_jdbc").withStatusInterval(1, TimeUnit.SECONDS).start();
            Thread reader = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        ByteBuffer buf = stream.readPending();
                        // everything received (messages and keepalives' WAL end) is written, flushed and applied
                        stream.setFlushedLSN(stream.getLastReceiveLSN());
                        stream.setAppliedLSN(stream.getLastReceiveLSN());
                        received.set(stream.getLastReceiveLSN());
                        if (buf == null) {
                            Thread.sleep(10);
                        }
                    }
                } catch (Throwable t) {
                    failed.set(t);
                }
            }, "mon-jdbc-reader");
            reader.start();
            try {
                List<List<String>> repl = waitFor(ask, "SELECT pid, usename, application_name, client_addr, state, sync_priority,"
                        + " sync_state, backend_xmin, client_hostname FROM pg_stat_replication ORDER BY application_name",
                        // 'catchup' until each has sent all the WAL there was when it started, then 'streaming'
                        r -> r.size() == 2 && r.get(0).get(4).equals("streaming") && r.get(1).get(4).equals("streaming"));
                assertThat(repl.get(0).subList(1, 9)).containsExactly("postgres", "mon-jdbc", "127.0.0.1", "streaming", "0", "async", "NULL", "NULL");
                assertThat(repl.get(1).subList(1, 9)).containsExactly("postgres", "pg_recvlogical", "127.0.0.1", "streaming", "0", "async", "NULL", "NULL");
                String jdbcPid = repl.get(0).get(0);
                String recvPid = repl.get(1).get(0);

                // each stream's backend holds its slot
                assertThat(rows(ask, "SELECT slot_name, active, active_pid::text FROM pg_replication_slots ORDER BY slot_name"))
                        .containsExactly(List.of("mon_jdbc", "t", jdbcPid), List.of("mon_recv", "t", recvPid));

                // pg_stat_activity: one row per connection, as each client left it
                Map<String, List<String>> act = new HashMap<>();
                String askSql = "SELECT pid, application_name, state, backend_type, query, usename, datname, client_addr,"
                        + " client_port > 0, backend_start <= now(), xact_start IS NOT NULL, query_start IS NOT NULL,"
                        + " wait_event_type, wait_event, leader_pid, backend_xid, query_id, client_hostname,"
                        + " datid = (SELECT oid FROM pg_database WHERE datname = current_database()),"
                        + " usesysid = (SELECT oid FROM pg_roles WHERE rolname = 'postgres')"
                        + " FROM pg_stat_activity ORDER BY pid";
                for (List<String> r : rows(ask, askSql)) {
                    act.put(r.get(0), r);
                }
                assertThat(act).hasSize(5);
                assertThat(act.get(Integer.toString(askPid)).subList(1, 20)).containsExactly("mon-ask", "active", "client backend", askSql,
                        "postgres", "postgres", "127.0.0.1", "t", "t", "t", "t", "NULL", "NULL", "NULL", "NULL", "NULL", "NULL", "t", "t");
                assertThat(act.get(Integer.toString(idlePid)).subList(1, 14)).containsExactly("mon-idle", "idle", "client backend",
                        "SELECT 42", "postgres", "postgres", "127.0.0.1", "t", "t", "f", "t", "Client", "ClientRead");
                assertThat(act.get(Integer.toString(inTxPid)).subList(1, 14)).containsExactly("mon-intx", "idle in transaction",
                        "client backend", "SELECT 43", "postgres", "postgres", "127.0.0.1", "t", "t", "t", "t", "Client", "ClientRead");
                assertThat(act.get(jdbcPid).subList(1, 4)).containsExactly("mon-jdbc", "active", "walsender");
                assertThat(act.get(jdbcPid).get(4)).startsWith("START_REPLICATION SLOT mon_jdbc LOGICAL");
                assertThat(act.get(jdbcPid).subList(10, 14)).containsExactly("f", "t", "Activity", "WalSenderMain");
                assertThat(act.get(recvPid).subList(1, 4)).containsExactly("pg_recvlogical", "active", "walsender");
                assertThat(act.get(recvPid).get(4)).startsWith("START_REPLICATION SLOT \"mon_recv\" LOGICAL");

                // the client's port and address are the same in both views
                assertThat(rows(ask, "SELECT count(*) FROM pg_stat_replication r JOIN pg_stat_activity a ON a.pid = r.pid"
                        + " AND a.client_port = r.client_port AND a.client_addr = r.client_addr AND a.backend_start = r.backend_start"
                        + " AND a.application_name = r.application_name"))
                        .containsExactly(List.of("2"));

                // a transaction: the stream sends it, the client confirms it; positions move to the commit's end
                exec(ask, "INSERT INTO mon_t VALUES (1, 'one')");
                String walEnd = rows(ask, "SELECT pg_current_wal_lsn()").get(0).get(0);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (received.get().asLong() < LogSequenceNumber.valueOf(walEnd).asLong()) {
                    assertThat(failed.get()).isNull();
                    assertThat(System.nanoTime()).as("pgjdbc received %s", walEnd).isLessThan(deadline);
                    Thread.sleep(20);
                }
                long end = LogSequenceNumber.valueOf(walEnd).asLong();
                List<List<String>> after = waitFor(ask, "SELECT sent_lsn, write_lsn, flush_lsn, replay_lsn, reply_time IS NOT NULL,"
                        + " reply_time <= now() FROM pg_stat_replication WHERE application_name = 'mon-jdbc'",
                        r -> r.size() == 1 && !r.get(0).get(3).equals("NULL") && LogSequenceNumber.valueOf(r.get(0).get(3)).asLong() >= end);
                List<String> a = after.get(0);
                assertThat(a.subList(4, 6)).containsExactly("t", "t");
                assertThat(LogSequenceNumber.valueOf(a.get(0)).asLong()).isGreaterThanOrEqualTo(LogSequenceNumber.valueOf(a.get(1)).asLong());
                assertThat(LogSequenceNumber.valueOf(a.get(1)).asLong()).isGreaterThanOrEqualTo(LogSequenceNumber.valueOf(a.get(2)).asLong());
                assertThat(LogSequenceNumber.valueOf(a.get(2)).asLong()).isGreaterThanOrEqualTo(LogSequenceNumber.valueOf(a.get(3)).asLong());
                // the slot's confirmed position is what the client flushed
                List<String> slot = rows(ask, "SELECT confirmed_flush_lsn::text, restart_lsn IS NOT NULL FROM pg_replication_slots"
                        + " WHERE slot_name = 'mon_jdbc'").get(0);
                assertThat(LogSequenceNumber.valueOf(slot.get(0)).asLong()).isGreaterThanOrEqualTo(end);
                assertThat(slot.get(1)).isEqualTo("t");
                // caught up and idle: two replies in a row with everything applied clear the lags, as in PostgreSQL
                waitFor(ask, "SELECT write_lag, flush_lag, replay_lag FROM pg_stat_replication WHERE application_name = 'mon-jdbc'",
                        r -> r.size() == 1 && r.get(0).equals(List.of("NULL", "NULL", "NULL")));

                // the stream ends: its row goes, its slot is free
                stop.set(true);
                reader.join(10_000);
                stream.close();
                rc.close();
                waitFor(ask, "SELECT application_name FROM pg_stat_replication", r -> r.equals(List.of(List.of("pg_recvlogical"))));
                assertThat(rows(ask, "SELECT active, active_pid FROM pg_replication_slots WHERE slot_name = 'mon_jdbc'"))
                        .containsExactly(List.of("f", "NULL"));
                assertThat(rows(ask, "SELECT count(*) FROM pg_stat_activity")).containsExactly(List.of("4"));
            } finally {
                stop.set(true);
                recv.destroy();
                recv.waitFor(10, TimeUnit.SECONDS);
                if (!rc.isClosed()) {
                    rc.close();
                }
            }
            waitFor(ask, "SELECT count(*) FROM pg_stat_replication", r -> r.equals(List.of(List.of("0"))));
            inTx.rollback();
            assertThat(rows(ask, "SELECT state, xact_start FROM pg_stat_activity WHERE pid = " + inTxPid))
                    .containsExactly(List.of("idle", "NULL"));
            exec(ask, "SELECT pg_drop_replication_slot('mon_jdbc')");
            exec(ask, "SELECT pg_drop_replication_slot('mon_recv')");
        }
    }

    static List<String> columns(Connection c, String view) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + view + " WHERE false")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                out.add(md.getColumnLabel(i) + " " + md.getColumnTypeName(i));
            }
        }
        return out;
    }

    interface Check {
        boolean ok(List<List<String>> rows);
    }

    static List<List<String>> waitFor(Connection c, String sql, Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            List<List<String>> r = rows(c, sql);
            if (check.ok(r)) {
                return r;
            }
            assertThat(System.nanoTime()).as("waiting for %s, last %s", sql, r).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    static List<List<String>> rows(Connection c, String sql) throws SQLException {
        List<List<String>> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    String v = rs.getString(i);
                    row.add(v == null ? "NULL" : v);
                }
                out.add(row);
            }
        }
        return out;
    }

    static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    static int pid(Connection c) throws SQLException {
        return Integer.parseInt(rows(c, "SELECT pg_backend_pid()").get(0).get(0));
    }

    static Connection connect(int port, String db, String app) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("ApplicationName", app);
        p.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/" + db, p);
    }

    static Connection replicationConnection(int port, String app) throws SQLException {
        Properties p = new Properties();
        PGProperty.USER.set(p, "postgres");
        PGProperty.APPLICATION_NAME.set(p, app);
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "9.4");
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", p);
    }
}
