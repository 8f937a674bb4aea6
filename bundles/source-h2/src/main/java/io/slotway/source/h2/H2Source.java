package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.source.SessionContext;
import io.slotway.api.source.SqlSession;
import io.slotway.api.source.SqlSource;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.util.JdbcUtils;
import org.h2.util.Utils;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The embedded default source: an H2 database in PostgreSQL mode at {@code <data.dir>/h2/slotway}, one
 * H2 connection per client session.
 */
@Component(service = SqlSource.class, configurationPid = H2Source.PID, property = SqlSource.SOURCE_NAME + "=h2")
@Designate(ocd = H2Source.Config.class)
public final class H2Source implements SqlSource {
    public static final String PID = "io.slotway.source.h2";

    /** H2 settings that make it behave as close to PostgreSQL as it can. */
    static final String SETTINGS = ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH"
            + ";NON_KEYWORDS=VALUE,KEY,YEAR,MONTH,DAY,HOUR,MINUTE,SECOND,USER,TOP,LIMIT,MINUS,ROWNUM"
            + ";LOCK_TIMEOUT=10000";

    private static final Set<String> OPEN = ConcurrentHashMap.newKeySet();

    /** Lets H2, which cannot see this bundle's classes in OSGi, load the functions of {@link PgFunctions}. */
    private static final Utils.ClassFactory FUNCTIONS = new Utils.ClassFactory() {
        @Override
        public boolean match(String name) {
            return name.equals(PgFunctions.class.getName());
        }

        @Override
        public Class<?> loadClass(String name) throws ClassNotFoundException {
            return PgFunctions.class.getClassLoader().loadClass(name);
        }
    };

    @ObjectClassDefinition(name = "Slotway H2 source", description = "The embedded H2 database Slotway serves by default.")
    public @interface Config {
        String DEFAULT_DATA_DIR = "./data";

        @AttributeDefinition(name = "Data directory", description = "Directory holding Slotway's data; the H2 database is"
                + " <data.dir>/h2/slotway.")
        String data_dir() default DEFAULT_DATA_DIR;
    }

    private String url;
    private Connection keeper;

    @Activate
    void activate(Config config) throws PgException {
        start(Paths.get(config.data_dir()));
    }

    @Deactivate
    void deactivate() {
        stop();
    }

    /** Opens (creating if needed) the database under {@code dataDir}. */
    public synchronized void start(Path dataDir) throws PgException {
        JdbcUtils.addClassFactory(FUNCTIONS);
        url = "jdbc:h2:file:" + dataDir.resolve("h2").resolve("slotway").toAbsolutePath().normalize() + SETTINGS;
        try {
            // One connection stays open for the source's lifetime, so H2 keeps the database open between sessions.
            keeper = connect(url);
            Catalog.init(keeper);
            try (Statement s = keeper.createStatement()) {
                for (String[] alias : PgFunctions.ALIASES) {
                    s.execute("CREATE ALIAS IF NOT EXISTS public." + alias[0] + " FOR '" + PgFunctions.class.getName() + "." + alias[1] + "'");
                }
            }
            OPEN.add(url);
        } catch (SQLException e) {
            stop();
            throw new PgException(SqlState.CONNECTION_FAILURE, "cannot open the H2 database: " + ErrorMapper.clean(e.getMessage()), e);
        }
    }

    /** Closes the database; sessions still open fail from now on. */
    public synchronized void stop() {
        if (keeper != null) {
            try (Statement s = keeper.createStatement()) {
                s.execute("SHUTDOWN");
            } catch (SQLException ignored) {
                // already closed
            }
            try {
                keeper.close();
            } catch (SQLException ignored) {
                // already closed
            }
            keeper = null;
        }
        if (url != null) {
            OPEN.remove(url);
        }
        if (OPEN.isEmpty()) {
            JdbcUtils.removeClassFactory(FUNCTIONS);
        }
    }

    @Override
    public SqlSession openSession(SessionContext context) throws PgException {
        String u;
        synchronized (this) {
            if (keeper == null) {
                throw new PgException(SqlState.CANNOT_CONNECT_NOW, "the H2 source is not running");
            }
            u = url;
        }
        try {
            return new H2Session(context, connect(u));
        } catch (SQLException e) {
            throw new PgException(SqlState.CONNECTION_FAILURE, "cannot open an H2 session: " + ErrorMapper.clean(e.getMessage()), e);
        }
    }

    /**
     * A new connection to the database at {@code url}. H2's driver is called directly: in OSGi,
     * {@code DriverManager} cannot see drivers of other bundles.
     */
    /** A new connection to the open database whose file path (as H2's DATABASE_PATH() gives it) is {@code path}. */
    static Connection connectToPath(String path) throws SQLException {
        for (String open : OPEN) {
            if (open.startsWith("jdbc:h2:file:" + path + ";")) {
                return connect(open);
            }
        }
        throw new SQLException("no open Slotway H2 database at " + path);
    }

    static Connection connect(String url) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", "sa");
        props.setProperty("password", "");
        Connection c = org.h2.Driver.load().connect(url, props);
        if (c == null) {
            throw new SQLException("H2 does not accept the URL " + url);
        }
        return c;
    }
}
