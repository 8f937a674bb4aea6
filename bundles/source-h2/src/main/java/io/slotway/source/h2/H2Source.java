package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.ChangeSink;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Relation;
import io.slotway.api.change.TransactionLog;
import io.slotway.api.source.ReplicationFunctions;
import io.slotway.api.source.SessionContext;
import io.slotway.api.source.SqlSession;
import io.slotway.api.source.SnapshotAnchor;
import io.slotway.api.source.SqlSource;
import io.slotway.api.watch.SchemaWatcher;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.h2.util.JdbcUtils;
import org.h2.util.Utils;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
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
            + ";LOCK_TIMEOUT=10000"
            // Write each commit to the file before COMMIT returns (H2 otherwise writes up to 500 ms later):
            // a killed JVM must not lose an acknowledged transaction.
            + ";WRITE_DELAY=0";

    private static final Set<String> OPEN = ConcurrentHashMap.newKeySet();

    /** Classes H2 loads by name: the function aliases and the capture trigger. */
    private static final Set<String> LOADED_BY_H2 = Set.of(PgFunctions.class.getName(), ReplicationSql.class.getName(),
            CaptureTrigger.class.getName());

    /** Lets H2, which cannot see this bundle's classes in OSGi, load the classes of {@link #LOADED_BY_H2}. */
    private static final Utils.ClassFactory FUNCTIONS = new Utils.ClassFactory() {
        @Override
        public boolean match(String name) {
            return LOADED_BY_H2.contains(name);
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

    /** Core's WAL mapping: where committed transactions go (static: a new sink restarts the source, settling pending work). */
    @Reference(policy = ReferencePolicy.STATIC)
    private ChangeSink sink;

    /** Core's slot functions, offered in SQL while present. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ReplicationFunctions functions;

    /** Held from prepare to committed: commit order is prepare order. */
    private final ReentrantLock commitLock = new ReentrantLock();
    /** Serialises DDL, so each DDL transaction logs exactly the schema change it made. */
    final ReentrantLock ddlLock = new ReentrantLock();
    /** Bumped after every schema-changing utility statement: the catalog provider's epoch. */
    final AtomicLong catalogEpoch = new AtomicLong(1);
    private final AtomicLong nextSeq = new AtomicLong(1);
    /** Sequence numbers whose H2 commit happened but whose {@code committed()} failed: kept in the commits table. */
    private final Set<Long> unsettled = ConcurrentHashMap.newKeySet();
    private final Map<Long, Capture.Captured> relations = new ConcurrentHashMap<>();
    private int commitsSincePrune;

    /** The schema-change watchers told of this source's DDL. */
    final Watchers watchers = new Watchers(this);

    @Reference(service = SchemaWatcher.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeWatcher")
    void addWatcher(ServiceReference<SchemaWatcher> ref, SchemaWatcher watcher) {
        Object name = ref.getProperty(SchemaWatcher.WATCHER_NAME);
        Bundle b = ref.getBundle();
        watchers.added(watcher, name == null ? watcher.getClass().getName() : name.toString(),
                b == null ? "?" : b.getSymbolicName(), b == null ? "?" : b.getVersion().toString());
    }

    void removeWatcher(SchemaWatcher watcher) {
        watchers.removed(watcher);
    }

    @Activate
    void activate(Config config) throws PgException {
        start(Paths.get(config.data_dir()), sink, functions);
    }

    @Deactivate
    void deactivate() {
        stop();
    }

    /** Opens (creating if needed) the database under {@code dataDir}, capturing into a sink that discards everything. */
    public void start(Path dataDir) throws PgException {
        start(dataDir, new DiscardingSink(), null);
    }

    /**
     * Opens (creating if needed) the database under {@code dataDir}; committed transactions go to {@code sink},
     * and the replication functions call {@code functions} (null: they fail with 55000). Transactions the sink
     * holds as prepared are settled first, by whether H2 committed them.
     */
    public synchronized void start(Path dataDir, ChangeSink sink, ReplicationFunctions functions) throws PgException {
        this.sink = sink;
        this.functions = functions;
        JdbcUtils.addClassFactory(FUNCTIONS);
        url = "jdbc:h2:file:" + dataDir.resolve("h2").resolve("slotway").toAbsolutePath().normalize() + SETTINGS;
        try {
            // One connection stays open for the source's lifetime, so H2 keeps the database open between sessions.
            keeper = connect(url);
            Catalog.init(keeper);
            Routines.init(keeper);
            Publications.init(keeper);
            Capture.init(keeper);
            try (Statement s = keeper.createStatement()) {
                for (String[] alias : PgFunctions.ALIASES) {
                    s.execute("CREATE ALIAS IF NOT EXISTS public." + alias[0] + " FOR '" + PgFunctions.class.getName() + "." + alias[1] + "'");
                }
                for (String[] alias : ReplicationSql.ALIASES) {
                    s.execute("CREATE ALIAS IF NOT EXISTS " + Catalog.SCHEMA + "." + alias[0] + " FOR '" + ReplicationSql.class.getName()
                            + "." + alias[1] + "'");
                }
            }
            OPEN.add(url);
            recover();
            watchers.started();
        } catch (SQLException e) {
            stop();
            throw new PgException(SqlState.CONNECTION_FAILURE, "cannot open the H2 database: " + ErrorMapper.clean(e.getMessage()), e);
        }
    }

    /**
     * After a restart: settles the transactions the sink holds as prepared (committed if their sequence
     * number is in {@code slotway_meta.commits}), installs the capture trigger on tables that lack it, and
     * logs, as one DDL transaction, any schema change H2 committed that the WAL was not told of (a crash
     * between DDL and its log record, or tables that existed before capture).
     */
    private void recover() throws SQLException, PgException {
        Set<Long> committedSeqs = new HashSet<>();
        long max = 0;
        try (Statement s = keeper.createStatement(); ResultSet rs = s.executeQuery("SELECT seq FROM " + Catalog.SCHEMA + ".commits")) {
            while (rs.next()) {
                committedSeqs.add(rs.getLong(1));
                max = Math.max(max, rs.getLong(1));
            }
        }
        for (long seq : sink.pending()) {
            sink.resolve(seq, committedSeqs.contains(seq));
            max = Math.max(max, seq);
        }
        nextSeq.set(max + 1);
        try (Statement s = keeper.createStatement()) {
            s.execute("DELETE FROM " + Catalog.SCHEMA + ".commits WHERE seq < " + max);
        }
        Catalog.reconcile(keeper);
        Capture.installMissing(keeper);
        keeper.setAutoCommit(false);
        try {
            TxCapture tx = new TxCapture(this);
            if (logSchemaChanges(keeper, tx, null, null)) {
                commit(keeper, tx);
            } else {
                keeper.commit();
            }
        } finally {
            keeper.setAutoCommit(true);
        }
    }

    ChangeSink sink() {
        return sink;
    }

    ReplicationFunctions functions() throws PgException {
        ReplicationFunctions f = functions;
        if (f == null) {
            throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "replication functions are not available: Slotway's replication service is not running");
        }
        return f;
    }

    /** The captured relation with this OID, as the connection sees the catalog; cached until the next DDL. */
    Capture.Captured relation(Connection c, long oid) throws SQLException {
        Capture.Captured cap = relations.get(oid);
        if (cap == null) {
            cap = Capture.load(c, oid);
            if (cap != null) {
                relations.put(oid, cap);
            }
        }
        return cap;
    }

    /**
     * Adds to {@code tx} a schema change for every relation whose definition differs from what was last
     * logged, and records the new definitions (on {@code c}, in the transaction about to commit). Returns
     * whether there was any.
     */
    boolean logSchemaChanges(Connection c, TxCapture tx, String tag, String statement) throws SQLException, PgException {
        return logSchemaChanges(c, tx, tag, statement, new java.util.LinkedHashMap<>());
    }

    /** As {@link #logSchemaChanges(Connection, TxCapture, String, String)}, putting each logged relation's new definition (null: dropped) in {@code logged}. */
    boolean logSchemaChanges(Connection c, TxCapture tx, String tag, String statement, Map<Long, Relation> changed)
            throws SQLException, PgException {
        relations.clear();
        Map<Long, Capture.Captured> now = Capture.snapshot(c);
        Map<Long, String> logged = Capture.logged(c);
        boolean any = false;
        for (Map.Entry<Long, Capture.Captured> e : now.entrySet()) {
            Relation r = e.getValue().relation();
            String sig = Capture.signature(r);
            String before = logged.get(e.getKey());
            if (!sig.equals(before)) {
                tx.schemaChanged(e.getKey(), r, tag != null ? tag : before == null ? "CREATE TABLE" : "ALTER TABLE", statement);
                Capture.setLogged(c, e.getKey(), sig);
                changed.put(e.getKey(), r);
                any = true;
            }
        }
        for (Long oid : new ArrayList<>(logged.keySet())) {
            if (!now.containsKey(oid)) {
                tx.schemaChanged(oid, null, tag != null ? tag : "DROP TABLE", statement);
                Capture.setLogged(c, oid, null);
                changed.put(oid, null);
                any = true;
            }
        }
        any |= Publications.logChanges(c, tx);
        relations.clear();
        return any;
    }

    /**
     * Commits the open H2 transaction of {@code c} with what {@code tx} captured, by the sink's two-phase
     * protocol: under the commit lock, the sequence number is written in {@code slotway_meta.commits} (so a
     * restart can tell whether H2 committed it), the log is prepared, H2 commits, the log is marked committed.
     * Without anything to log, H2 just commits.
     */
    void commit(Connection c, TxCapture tx) throws SQLException, PgException {
        if (!tx.mustLog()) {
            tx.reset();
            c.commit();
            return;
        }
        TransactionLog log;
        try {
            log = tx.prepareToCommit();
        } catch (PgException | RuntimeException e) {
            tx.abort();
            rollbackQuietly(c);
            throw e;
        }
        if (log == null) {
            tx.reset();
            c.commit();
            return;
        }
        commitLock.lock();
        try {
            long seq = nextSeq.getAndIncrement();
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO " + Catalog.SCHEMA + ".commits (seq) VALUES (" + seq + ")");
                log.prepare(seq, Instant.now());
            } catch (SQLException | PgException | RuntimeException e) {
                tx.abort();
                rollbackQuietly(c);
                throw e;
            }
            try {
                c.commit();
            } catch (SQLException e) {
                tx.abort();
                rollbackQuietly(c);
                throw e;
            }
            tx.reset();
            try {
                log.committed();
            } catch (PgException | RuntimeException e) {
                unsettled.add(seq);
                throw e;
            }
            if (++commitsSincePrune >= 1000) {
                commitsSincePrune = 0;
                prune(seq);
            }
        } finally {
            commitLock.unlock();
        }
    }

    /**
     * Pins a snapshot of everything committed now: a connection of its own in SNAPSHOT isolation reads once
     * while DDL and commits are held off (the DDL lock, then the commit lock, the order DDL takes them), and
     * {@code anchor} gives the WAL position that stands for it. Every transaction logged before that position
     * committed in H2 before the read, and every later one commits after it.
     */
    H2Snapshot exportSnapshot(SnapshotAnchor anchor) throws PgException {
        String u;
        synchronized (this) {
            if (keeper == null) {
                throw new PgException(SqlState.CANNOT_CONNECT_NOW, "the H2 source is not running");
            }
            u = url;
        }
        Connection c;
        try {
            c = connect(u);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SNAPSHOT");
            }
        } catch (SQLException e) {
            throw new PgException(SqlState.CONNECTION_FAILURE, "cannot open an H2 snapshot: " + ErrorMapper.clean(e.getMessage()), e);
        }
        boolean ok = false;
        ddlLock.lock();
        commitLock.lock();
        try (Statement s = c.createStatement()) {
            s.executeQuery("SELECT 1").close(); // takes the snapshot
            Lsn lsn = anchor.pin();
            ok = true;
            return new H2Snapshot(c, lsn);
        } catch (SQLException e) {
            throw new PgException(SqlState.INTERNAL_ERROR, "cannot pin an H2 snapshot: " + ErrorMapper.clean(e.getMessage()), e);
        } finally {
            commitLock.unlock();
            ddlLock.unlock();
            if (!ok) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // failing anyway
                }
            }
        }
    }

    /** Forgets sequence numbers older than {@code upTo} that are settled (called with the commit lock held). */
    private void prune(long upTo) {
        long below = upTo;
        for (long u : unsettled) {
            below = Math.min(below, u);
        }
        Connection k = keeper;
        if (k == null) {
            return;
        }
        synchronized (this) {
            try (Statement s = k.createStatement()) {
                s.executeUpdate("DELETE FROM " + Catalog.SCHEMA + ".commits WHERE seq < " + below);
            } catch (SQLException ignored) {
                // pruned next time
            }
        }
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; H2 rolls back on close
        }
    }

    /**
     * For crash tests: closes the database at once, as a killed JVM would leave it (H2's SHUTDOWN IMMEDIATELY
     * writes nothing more), without stopping the source.
     */
    void crashDatabase() throws SQLException {
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            s.execute("SHUTDOWN IMMEDIATELY");
        }
    }

    /** Closes the database; sessions still open fail from now on. */
    public synchronized void stop() {
        watchers.stopped();
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
            return new H2Session(this, context, connect(u));
        } catch (SQLException e) {
            throw new PgException(SqlState.CONNECTION_FAILURE, "cannot open an H2 session: " + ErrorMapper.clean(e.getMessage()), e);
        }
    }

    /** A session of the source's own (as the superuser, default settings) whose schema changes watchers are not told of. */
    SqlSession openInternalSession() throws PgException {
        H2Session s = (H2Session) openSession(new Watchers.InternalContext());
        s.internal = true;
        return s;
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

    /** A new connection to the source's database, for {@link H2CatalogProvider}. */
    Connection connectForCatalog() throws SQLException {
        return connect(url);
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

    /** For {@link #start(Path)}: transactions get xids and are otherwise dropped. */
    private static final class DiscardingSink implements ChangeSink {
        private final AtomicLong xids = new AtomicLong(1000);

        @Override
        public TransactionLog begin() {
            long xid = xids.incrementAndGet();
            return new TransactionLog() {
                @Override public long xid() { return xid; }
                @Override public void add(io.slotway.api.change.Change change) { }
                @Override public void schemaChanged(long relationOid, Relation after, String commandTag, String statement) { }
                @Override public void publicationChanged(String name, io.slotway.api.change.Publication after) { }
                @Override public Lsn prepare(long sourceSeq, Instant commitTime) { return Lsn.of(1); }
                @Override public void committed() { }
                @Override public void abort() { }
            };
        }

        @Override public Lsn message(String prefix, byte[] content) { return Lsn.of(1); }
        @Override public Lsn currentLsn() { return Lsn.of(1); }
        @Override public List<Long> pending() { return List.of(); }
        @Override public void resolve(long sourceSeq, boolean committed) { }
    }
}
