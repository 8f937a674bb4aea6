package io.slotway.itests;

import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Dictionary;
import java.util.Properties;
import org.osgi.service.cm.ConfigurationAdmin;

/** What the in-framework suites share: the server's configured port, and a pgjdbc connection to it. */
final class Framework {
    private Framework() {
    }

    /** The port the io.slotway.server configuration carries (read without binding it to the caller's bundle). */
    static int configuredPort(ConfigurationAdmin configurationAdmin) throws Exception {
        var configs = configurationAdmin.listConfigurations("(service.pid=" + SlotwayOptions.SERVER_PID + ")");
        assertNotNull("no configuration " + SlotwayOptions.SERVER_PID, configs);
        Dictionary<String, Object> props = configs[0].getProperties();
        Object port = props.get("port");
        assertTrue("port is an Integer: " + port, port instanceof Integer);
        return (Integer) port;
    }

    /** A connection as postgres, retried (08001) with a 30 s deadline while the server starts. */
    static Connection connect(int port) throws Exception {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "5");
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try {
                return DriverManager.getConnection("jdbc:postgresql://" + SlotwayOptions.HOST + ":" + port + "/postgres", p);
            } catch (SQLException e) {
                if (!"08001".equals(e.getSQLState()) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }
}
