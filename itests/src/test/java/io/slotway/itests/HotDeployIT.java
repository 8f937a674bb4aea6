package io.slotway.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Updating and removing a decoder bundle while clients stream: a pgjdbc client streams the wal2json
 * slot and another the test_decoding slot while a writer commits one row every 10 ms. The wal2json
 * bundle is updated ({@code Bundle.update()}), then uninstalled and installed again. Each time the
 * wal2json stream must end with FATAL 57P01 (and, while the bundle is gone, START_REPLICATION fail with
 * 58P01), the client reconnect and resume from confirmed_flush_lsn with no row missing or out of
 * order; the test_decoding stream must not notice anything.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class HotDeployIT {
    private static final String WAL2JSON_BSN = "io.slotway.decoder.wal2json";
    private static final long WAIT_SECONDS = 30;
    private static final String ADMIN_SHUTDOWN = "FATAL 57P01 terminating connection due to administrator command (then closed)";

    @Inject
    private BundleContext context;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Configuration
    public Option[] config() {
        return SlotwayOptions.baseOptions();
    }

    @Test
    public void decoderUpdateAndReinstallEndOnlyItsOwnStreamsAndLoseNothing() throws Exception {
        int port = Framework.configuredPort(configurationAdmin);
        try (Connection c = Framework.connect(port); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE hot (id integer PRIMARY KEY, v text)");
            s.execute("SELECT pg_create_logical_replication_slot('hd_td', 'test_decoding')");
            s.execute("SELECT pg_create_logical_replication_slot('hd_j', 'wal2json')");
            // watched on the wire (pgjdbc hides a FATAL that arrives during COPY behind 08006)
            s.execute("SELECT pg_create_logical_replication_slot('hd_raw', 'wal2json')");
        }
        LogicalStream td = new LogicalStream(SlotwayOptions.HOST, port, "hd_td", false, Map.of());
        LogicalStream js = new LogicalStream(SlotwayOptions.HOST, port, "hd_j", true, Map.of("format-version", "2"));
        td.start();
        js.start();
        // bounded: at most 6000 rows or 60 s, whichever first; stopped earlier below
        RowWriter writer = new RowWriter(SlotwayOptions.HOST, port, 6000, 60, 10).start();
        try {
            awaitRows(td, js, 30);

            Bundle wal2json = bundle(WAL2JSON_BSN);
            String location = wal2json.getLocation();
            CompletableFuture<String> rawEnd = StreamEnd.watch(port, "hd_raw", "\"format-version\" '2'");
            awaitActive(port, "hd_raw");
            wal2json.update();
            assertEquals(ADMIN_SHUTDOWN, rawEnd.get(WAIT_SECONDS, TimeUnit.SECONDS));
            awaitSessionEnd(js, 0);
            awaitRows(td, js, js.maxId() + 30);

            rawEnd = StreamEnd.watch(port, "hd_raw", "\"format-version\" '2'");
            awaitActive(port, "hd_raw");
            bundle(WAL2JSON_BSN).uninstall();
            assertEquals(ADMIN_SHUTDOWN, rawEnd.get(WAIT_SECONDS, TimeUnit.SECONDS));
            awaitSessionEnd(js, 1);
            assertTrue("START_REPLICATION refused while wal2json is gone: " + js.startErrors,
                    LogicalStream.await(WAIT_SECONDS, () -> js.startErrors.stream().anyMatch(e -> e.equals(
                            "58P01 ERROR: could not access file \"wal2json\": No such file or directory"))));
            long whileGone = writer.written;
            assertTrue("test_decoding goes on while wal2json is gone",
                    LogicalStream.await(WAIT_SECONDS, () -> td.maxId() >= whileGone + 20));

            context.installBundle(location).start();
            awaitRows(td, js, writer.written + 30);
        } finally {
            long rows = writer.stopAndJoin();
            assertEquals("writer failed: " + writer.failed, null, writer.failed);
            try {
                assertTrue("both streams caught up with " + rows + " rows (td " + td.maxId() + ", wal2json " + js.maxId() + ")",
                        LogicalStream.await(WAIT_SECONDS, () -> td.maxId() >= rows && js.maxId() >= rows));
            } finally {
                td.stop();
                js.stop();
            }
            assertNull(td.crashed);
            assertNull(js.crashed);

            List<String> tdProblems = td.problems(rows);
            assertTrue("test_decoding: " + tdProblems, tdProblems.isEmpty());
            assertEquals("test_decoding kept one session: " + td.sessions + " " + td.startErrors, 1, td.sessions.size());
            assertEquals("test_decoding sent every row once", rows, td.rows.size());

            List<String> jsProblems = js.problems(rows);
            assertTrue("wal2json: " + jsProblems, jsProblems.isEmpty());
            assertTrue("wal2json reconnected twice at least: " + js.sessions, js.sessions.size() >= 3);
            for (LogicalStream.Session s : js.sessions.subList(0, 2)) {
                // pgjdbc's word for "the server sent FATAL and closed" while copying
                assertEquals("wal2json " + s, "08006", s.endedState);
            }
        }
    }

    private static void assertNull(Throwable t) {
        if (t != null) {
            throw new AssertionError("stream client crashed", t);
        }
    }

    private static void awaitRows(LogicalStream td, LogicalStream js, long atLeast) throws InterruptedException {
        assertTrue("both streams reach row " + atLeast + " (td " + td.maxId() + ", wal2json " + js.maxId() + "; "
                        + js.sessions + " " + js.startErrors + ")",
                LogicalStream.await(WAIT_SECONDS, () -> td.maxId() >= atLeast && js.maxId() >= atLeast));
    }

    /** Waits until the slot is active (its stream has started). */
    private static void awaitActive(int port, String slot) throws Exception {
        try (Connection c = Framework.connect(port); Statement s = c.createStatement()) {
            assertTrue(slot + " becomes active", LogicalStream.await(WAIT_SECONDS, () -> {
                try (var rs = s.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
                    return rs.next() && rs.getBoolean(1);
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
    }

    private static void awaitSessionEnd(LogicalStream s, int index) throws InterruptedException {
        assertTrue("session " + index + " ends: " + s.sessions, LogicalStream.await(WAIT_SECONDS,
                () -> s.sessions.size() > index && s.sessions.get(index).endedState != null));
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError("no bundle " + bsn);
    }
}
