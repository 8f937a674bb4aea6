package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.Relation;
import io.slotway.api.source.PreparedQuery;
import io.slotway.api.source.SessionContext;
import io.slotway.api.source.SnapshotAnchor;
import io.slotway.api.source.SourceSnapshot;
import io.slotway.api.source.SqlSession;
import io.slotway.api.source.TransactionMode;
import io.slotway.api.watch.SchemaChange;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/** One client's session: one H2 connection, autocommit outside a transaction block. */
final class H2Session implements SqlSession {
    /** A JDBC call that can be cancelled. */
    interface Call<T> {
        T run() throws SQLException;
    }

    private record Named(String name, Savepoint savepoint) {}

    private final H2Source source;
    private final TxCapture capture;
    private final SessionContext context;
    private final Connection connection;
    private final ErrorMapper errors;
    private final Deque<Named> savepoints = new ArrayDeque<>();
    private volatile Statement running;
    private volatile boolean cancelled;
    private boolean inBlock;
    /** The exported snapshot the open block reads through (SET TRANSACTION SNAPSHOT), or null. */
    private H2Snapshot snapshot;
    private boolean readOnly;
    private String schema;
    private String appliedSearchPath;
    private String appliedTimeZone;

    /** A session of the source's own (a watcher setting up): its schema changes are not told to watchers. */
    boolean internal;

    /** While a utility statement runs: whether the transaction open before it has been committed yet. */
    private boolean inUtility;
    private boolean committedBeforeDdl;

    /**
     * The connection never autocommits: outside a transaction block each statement is committed by
     * {@link #statementDone}, through the sink's commit protocol.
     */
    H2Session(H2Source source, SessionContext context, Connection connection) throws SQLException {
        this.source = source;
        this.capture = new TxCapture(source);
        this.context = context;
        this.connection = connection;
        this.errors = new ErrorMapper(this);
        connection.setAutoCommit(false);
        Capture.register(connection, this);
    }

    TxCapture capture() {
        return capture;
    }

    H2Source source() {
        return source;
    }

    boolean inBlock() {
        return inBlock;
    }

    /** Called before a statement runs. */
    void statementStarted() {
        capture.statementStarted();
    }

    /** Called after a statement ran: outside a block it commits (or, if it failed, rolls back) its transaction. */
    void statementDone(boolean ok) throws PgException {
        if (!ok) {
            capture.statementFailed();
            if (!inBlock) {
                capture.abort();
                rollbackQuietly();
            }
            return;
        }
        try {
            capture.statementDone();
            if (!inBlock) {
                source.commit(connection, capture);
            }
        } catch (SQLException e) {
            throw errors.map(e, null);
        }
    }

    SessionContext context() {
        return context;
    }

    Connection connection() {
        return connection;
    }

    ErrorMapper errors() {
        return errors;
    }

    /** The schema unqualified names are created in: the first existing schema of {@code search_path}. */
    String currentSchema() throws SQLException {
        if (schema == null) {
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT CURRENT_SCHEMA")) {
                rs.next();
                schema = rs.getString(1);
            }
        }
        return schema;
    }

    private void applySettings() throws SQLException {
        String path = context.setting("search_path");
        if (path == null) {
            path = "\"$user\", public";
        }
        if (!path.equals(appliedSearchPath)) {
            List<String> schemas = new ArrayList<>();
            for (String part : path.split(",")) {
                String p = part.trim();
                if (p.startsWith("\"") && p.endsWith("\"") && p.length() >= 2) {
                    p = p.substring(1, p.length() - 1);
                } else {
                    p = p.toLowerCase(Locale.ROOT);
                }
                if (p.equals("$user") || p.equals("pg_catalog") || p.isEmpty()) {
                    continue;
                }
                if (Ddl.schemaExists(connection, p)) {
                    schemas.add(p);
                }
            }
            if (schemas.isEmpty()) {
                schemas.add("public");
            }
            try (Statement s = connection.createStatement()) {
                s.execute("SET SCHEMA " + H2Literals.quoteIdent(schemas.get(0)));
                List<String> quoted = new ArrayList<>();
                for (String sc : schemas) {
                    quoted.add(H2Literals.quoteIdent(sc));
                }
                s.execute("SET SCHEMA_SEARCH_PATH " + String.join(", ", quoted));
            }
            schema = schemas.get(0);
            appliedSearchPath = path;
        }
        String zone = context.format().timeZone().getId();
        if (!zone.equals(appliedTimeZone)) {
            try (Statement s = connection.createStatement()) {
                s.execute("SET TIME ZONE " + H2Literals.quote(zone));
            } catch (SQLException e) {
                // a zone H2 does not know: keep the last one
            }
            appliedTimeZone = zone;
        }
    }

    @Override
    public PreparedQuery prepare(String sql, int[] paramTypeOids) throws PgException {
        Plan plan = null;
        try {
            applySettings();
            plan = new Rewriter(this, sql).plan();
            return new H2Query(this, plan, paramTypeOids);
        } catch (SQLException e) {
            throw errors.map(e, plan);
        } catch (RuntimeException e) {
            throw new PgException(SqlState.INTERNAL_ERROR, "internal error in the H2 source: " + e, e);
        }
    }

    /** Runs a JDBC call that the client may cancel, mapping H2's errors. */
    <T> T run(Plan plan, Statement statement, Call<T> call) throws PgException {
        cancelled = false;
        running = statement;
        try {
            return call.run();
        } catch (SQLException e) {
            throw errors.map(e, plan);
        } finally {
            running = null;
        }
    }

    /**
     * Runs one H2 statement of a utility command. H2 commits the open transaction when it runs DDL, so what
     * the transaction did before is committed first, as a transaction of its own, through the commit protocol.
     */
    void execute(String h2Sql) throws SQLException {
        if (inUtility && !committedBeforeDdl) {
            committedBeforeDdl = true;
            try {
                source.commit(connection, capture);
            } catch (PgException e) {
                throw new SQLException(e.getMessage(), e.sqlState(), e);
            }
        }
        try (Statement s = connection.createStatement()) {
            running = s;
            s.execute(h2Sql);
        } finally {
            running = null;
        }
    }

    /**
     * Runs a statement for a watcher inside the statement running now (a schema change's transaction): no
     * statement boundaries, no commit; what it writes is captured into the open transaction.
     */
    List<List<String>> executeNested(String sql, String[] params) throws PgException {
        Plan plan = null;
        try {
            plan = new Rewriter(this, sql).plan();
            if (plan.kind == Plan.Kind.UTILITY) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "a schema-change watcher cannot run " + plan.verb
                        + " inside a schema change");
            }
            try (H2Query q = new H2Query(this, plan, null)) {
                return Watchers.rows(q.executeNested(params), q.columns(), context.format());
            }
        } catch (SQLException e) {
            throw errors.map(e, plan);
        }
    }

    void notice(String sqlState, String message) {
        context.notice(new PgException(PgException.Severity.NOTICE, sqlState, message, null, null, 0, null));
    }

    /**
     * Runs DDL with its catalog changes, as a transaction of its own: H2 commits the open transaction when
     * it runs DDL, so changes made before it in a transaction block are committed (and logged) just before
     * the DDL's first H2 statement; then the DDL, its metadata and its schema-change records (one per
     * relation whose definition changed, see {@link H2Source#logSchemaChanges}) are committed and logged
     * together. A DDL transaction is logged even when it changed no relation, as PostgreSQL shows one as an
     * empty BEGIN/COMMIT. Utilities that write nothing (GRANT, VACUUM) log nothing.
     */
    long runUtility(Plan plan) throws PgException {
        if (!plan.writes) {
            try {
                long n = plan.utility.run(this);
                statementDone(true);
                return n;
            } catch (SQLException e) {
                statementDone(false);
                throw errors.map(e, plan);
            } catch (PgException e) {
                statementDone(false);
                throw e;
            }
        }
        source.ddlLock.lock();
        inUtility = true;
        committedBeforeDdl = false;
        try {
            // What the relations were before, for the watchers (read only when there are some to tell).
            Map<Long, Capture.Captured> before = internal || !source.watchers.any() ? null : Capture.snapshot(connection);
            long n = plan.utility.run(this);
            capture.statementDone();
            if (committedBeforeDdl) {
                capture.savepointsGone();
            }
            String tag = plan.eventTag != null ? plan.eventTag : plan.verb;
            Map<Long, Relation> changed = new LinkedHashMap<>();
            source.logSchemaChanges(connection, capture, tag, plan.sql, changed);
            if (before != null) {
                String query = context.currentQuery();
                source.watchers.schemaChanged(this, new SchemaChange(capture.xid(), context.user(), tag, plan.sql,
                        query != null ? query : plan.sql, currentSchema(), Watchers.objects(before, changed)));
            }
            capture.forceCommit();
            source.commit(connection, capture);
            return n;
        } catch (SQLException e) {
            capture.abort();
            rollbackQuietly();
            throw errors.map(e, plan);
        } catch (PgException e) {
            capture.abort();
            rollbackQuietly();
            throw e;
        } finally {
            inUtility = false;
            source.catalogEpoch.incrementAndGet();
            source.ddlLock.unlock();
        }
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // already failed
        }
    }

    /** An UPDATE or DELETE on a table published for it needs a replica identity (PostgreSQL's CheckCmdReplicaIdentity). */
    void checkReplicaIdentity(Plan plan) throws PgException {
        try {
            Publications.checkReplicaIdentity(connection, plan.target, source.relation(connection, plan.target.oid()), plan.verb);
        } catch (SQLException e) {
            throw errors.map(e, plan);
        }
    }

    void checkWritable(Plan plan) throws PgException {
        if (readOnly && inBlock && plan.writes) {
            throw new PgException(SqlState.READ_ONLY_SQL_TRANSACTION, "cannot execute " + plan.verb.replaceAll(" \\d+$", "")
                    + " in a read-only transaction");
        }
    }

    @Override
    public SourceSnapshot exportSnapshot(SnapshotAnchor anchor) throws PgException {
        return source.exportSnapshot(anchor);
    }

    @Override
    public void useSnapshot(SourceSnapshot s) throws PgException {
        if (!(s instanceof H2Snapshot h2) || !inBlock) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "the snapshot cannot be used here");
        }
        h2.retain();
        if (snapshot != null) {
            snapshot.release();
        }
        snapshot = h2;
    }

    /** The snapshot this transaction block reads through, or null. */
    H2Snapshot snapshot() {
        return snapshot;
    }

    @Override
    public void begin(TransactionMode mode) throws PgException {
        try {
            int level = switch (mode.isolation()) {
                case "serializable" -> Connection.TRANSACTION_SERIALIZABLE;
                case "repeatable read" -> Connection.TRANSACTION_REPEATABLE_READ;
                default -> Connection.TRANSACTION_READ_COMMITTED;
            };
            connection.setTransactionIsolation(level);
            inBlock = true;
            readOnly = mode.readOnly();
            savepoints.clear();
        } catch (SQLException e) {
            throw errors.map(e, null);
        }
    }

    @Override
    public void commit() throws PgException {
        try {
            source.commit(connection, capture);
        } catch (SQLException e) {
            throw errors.map(e, null);
        } finally {
            endBlock();
        }
    }

    @Override
    public void rollback() throws PgException {
        capture.abort();
        try {
            connection.rollback();
        } catch (SQLException e) {
            throw errors.map(e, null);
        } finally {
            endBlock();
        }
    }

    private void endBlock() {
        if (snapshot != null) {
            snapshot.release();
            snapshot = null;
        }
        inBlock = false;
        readOnly = false;
        savepoints.clear();
        try {
            connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
        } catch (SQLException ignored) {
            // reported by the next statement
        }
    }

    @Override
    public void savepoint(String name) throws PgException {
        try {
            savepoints.push(new Named(name, connection.setSavepoint()));
            capture.savepoint();
        } catch (SQLException e) {
            throw errors.map(e, null);
        }
    }

    @Override
    public void rollbackToSavepoint(String name) throws PgException {
        Named sp = find(name);
        try {
            connection.rollback(sp.savepoint());
        } catch (SQLException e) {
            throw errors.map(e, null);
        }
        // Savepoints made after it are gone; it stays, as in PostgreSQL.
        while (savepoints.peek() != sp) {
            savepoints.pop();
        }
        capture.rollbackToSavepoint(savepoints.size() - 1);
    }

    @Override
    public void releaseSavepoint(String name) throws PgException {
        Named sp = find(name);
        while (true) {
            Named top = savepoints.pop();
            try {
                connection.releaseSavepoint(top.savepoint());
            } catch (SQLException ignored) {
                // H2 keeps no state for released savepoints
            }
            if (top == sp) {
                break;
            }
        }
        capture.releaseSavepoint(savepoints.size());
    }

    private Named find(String name) throws PgException {
        for (Iterator<Named> it = savepoints.iterator(); it.hasNext(); ) {
            Named n = it.next();
            if (n.name().equals(name)) {
                return n;
            }
        }
        throw new PgException("3B001", "savepoint \"" + name + "\" does not exist");
    }

    @Override
    public void cancel() {
        cancelled = true;
        Statement s = running;
        if (s != null) {
            try {
                s.cancel();
            } catch (SQLException ignored) {
                // the statement finished meanwhile
            }
        }
    }

    boolean cancelled() {
        return cancelled;
    }

    @Override
    public void close() {
        if (snapshot != null) {
            snapshot.release();
            snapshot = null;
        }
        capture.abort();
        Capture.unregister(connection);
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // closing anyway
        }
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing left to do
        }
    }
}
