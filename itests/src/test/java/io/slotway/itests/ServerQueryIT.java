package io.slotway.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import javax.inject.Inject;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The core server, configured through ConfigAdmin (PID io.slotway.server, a free port on
 * 127.0.0.1), answers pgjdbc inside Felix, with the H2 source behind it.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class ServerQueryIT {

    /** How long the server gets to start listening after the framework is up. */
    private static final long LISTEN_TIMEOUT_MS = 30_000;

    @Inject
    private ConfigurationAdmin configurationAdmin;

    @Configuration
    public Option[] config() {
        return SlotwayOptions.baseOptions();
    }

    @Test
    public void answersSelectOne() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getInt(1));
            assertFalse(rs.next());
        }
    }

    @Test
    public void roundTripsATableThroughTheH2Source() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE itest_round_trip (id integer PRIMARY KEY, name text NOT NULL)");
            assertEquals(2, s.executeUpdate("INSERT INTO itest_round_trip (id, name) VALUES (1, 'one'), (2, 'two')"));
            try (ResultSet rs = s.executeQuery("SELECT id, name FROM itest_round_trip ORDER BY id")) {
                assertTrue(rs.next());
                assertEquals(1, rs.getInt("id"));
                assertEquals("one", rs.getString("name"));
                assertTrue(rs.next());
                assertEquals(2, rs.getInt("id"));
                assertEquals("two", rs.getString("name"));
                assertFalse(rs.next());
            }
        }
    }

    /** Connects as pgjdbc does by default, retrying until the server listens or the deadline passes. */
    private Connection connect() throws Exception {
        int port = Framework.configuredPort(configurationAdmin);
        String url = "jdbc:postgresql://" + SlotwayOptions.HOST + ":" + port + "/postgres";
        Properties props = new Properties();
        props.setProperty("user", "postgres");
        props.setProperty("connectTimeout", "5");
        props.setProperty("socketTimeout", "30");
        org.postgresql.Driver driver = new org.postgresql.Driver();
        long deadline = System.currentTimeMillis() + LISTEN_TIMEOUT_MS;
        while (true) {
            try {
                Connection c = driver.connect(url, props);
                assertNotNull("driver refused " + url, c);
                return c;
            } catch (SQLException e) {
                // 08001: nothing listening yet; anything else is the server's answer and a failure.
                if (!"08001".equals(e.getSQLState()) || System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
    }
}
