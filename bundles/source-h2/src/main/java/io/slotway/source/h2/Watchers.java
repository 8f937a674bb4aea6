package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.Change;
import io.slotway.api.change.Relation;
import io.slotway.api.source.ColumnDescription;
import io.slotway.api.source.PreparedQuery;
import io.slotway.api.source.QueryCursor;
import io.slotway.api.source.SessionContext;
import io.slotway.api.source.SqlSession;
import io.slotway.api.types.PgValues;
import io.slotway.api.types.SessionFormat;
import io.slotway.api.watch.SchemaChange;
import io.slotway.api.watch.SchemaWatcher;
import io.slotway.api.watch.WatcherContext;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema-change watchers the source tells of its DDL. A watcher becomes active under the DDL lock, so
 * it sees exactly the schema changes committed after it; its activation and its removal are written to
 * the WAL as non-transactional logical decoding messages with prefix {@value #PREFIX}, so the log says
 * from which LSN on a watcher's records are there.
 */
final class Watchers {
    /** Prefix of the messages that report a watcher's activation and removal. */
    static final String PREFIX = "slotway.watcher";

    private static final Logger LOG = LoggerFactory.getLogger(Watchers.class);

    /** An active watcher and where it comes from. */
    record Active(SchemaWatcher watcher, String name, String bundle, String version) {}

    private final H2Source source;
    private final List<Active> active = new CopyOnWriteArrayList<>();
    /** Watchers bound while the source was not running, activated when it starts. */
    private final Map<SchemaWatcher, Active> waiting = new LinkedHashMap<>();
    /** Watcher services bound now: one removed before its activation ran is not activated. */
    private final java.util.Set<SchemaWatcher> bound = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private boolean running;

    Watchers(H2Source source) {
        this.source = source;
    }

    List<Active> active() {
        return List.copyOf(active);
    }

    boolean any() {
        return !active.isEmpty();
    }

    /** A watcher service arrived. */
    void added(SchemaWatcher watcher, String name, String bundle, String version) {
        Active a = new Active(watcher, name, bundle, version);
        bound.add(watcher);
        synchronized (this) {
            if (!running) {
                waiting.put(watcher, a);
                return;
            }
        }
        activate(a);
    }

    /** A watcher service left: it is told of nothing committed after this. */
    void removed(SchemaWatcher watcher) {
        bound.remove(watcher);
        synchronized (this) {
            if (waiting.remove(watcher) != null) {
                return;
            }
        }
        source.ddlLock.lock();
        try {
            for (Active a : active) {
                if (a.watcher() == watcher) {
                    active.remove(a);
                    report("removed", a);
                }
            }
        } finally {
            source.ddlLock.unlock();
        }
    }

    /** The source runs: watchers bound before are activated now. */
    void started() {
        List<Active> now;
        synchronized (this) {
            running = true;
            now = new ArrayList<>(waiting.values());
            waiting.clear();
        }
        for (Active a : now) {
            activate(a);
        }
    }

    /** The source stops: active watchers wait for the next start. */
    synchronized void stopped() {
        running = false;
        for (Active a : active) {
            waiting.put(a.watcher(), a);
        }
        active.clear();
    }

    private void activate(Active a) {
        source.ddlLock.lock();
        try {
            if (!bound.contains(a.watcher())) {
                return; // removed meanwhile (removal takes the DDL lock too, so it cannot slip in after this)
            }
            try (SqlSession session = source.openInternalSession()) {
                a.watcher().activate(new SetupContext(session));
            }
            active.add(a);
            report("activated", a);
            LOG.info("schema-change watcher {} ({} {}) is active", a.name(), a.bundle(), a.version());
        } catch (PgException | RuntimeException e) {
            LOG.error("schema-change watcher {} ({} {}) failed to activate; it is not told of schema changes: {}", a.name(),
                    a.bundle(), a.version(), e.getMessage(), e);
        } finally {
            source.ddlLock.unlock();
        }
    }

    private void report(String event, Active a) {
        String json = "{\"event\":" + json(event) + ",\"watcher\":" + json(a.name()) + ",\"bundle\":" + json(a.bundle())
                + ",\"version\":" + json(a.version()) + "}";
        try {
            source.sink().message(PREFIX, json.getBytes(StandardCharsets.UTF_8));
        } catch (PgException | RuntimeException e) {
            LOG.warn("could not log that watcher {} was {}: {}", a.name(), event, e.getMessage());
        }
    }

    static String json(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    /**
     * Tells every active watcher of a schema change {@code session} made, in its transaction (called under the
     * DDL lock, after the schema-change records were logged and before the commit). What the watchers write
     * is taken back as a whole if one fails, and the failure fails the statement.
     */
    void schemaChanged(H2Session session, SchemaChange change) throws PgException, SQLException {
        List<Active> now = active();
        if (now.isEmpty()) {
            return;
        }
        TxCapture capture = session.capture();
        capture.statementStarted();
        Savepoint sp = session.connection().setSavepoint();
        WatcherContext ctx = new ChangeContext(session);
        try {
            for (Active a : now) {
                a.watcher().schemaChanged(change, ctx);
            }
        } catch (PgException | RuntimeException e) {
            session.connection().rollback(sp);
            capture.statementFailed();
            throw e instanceof PgException p ? p
                    : new PgException(SqlState.INTERNAL_ERROR, "schema-change watcher failed: " + e, e);
        }
        capture.statementDone();
    }

    /** The objects of a schema change, from the relations before the statement and those it logged. */
    static List<SchemaChange.ObjectChange> objects(Map<Long, Capture.Captured> before, Map<Long, Relation> after) {
        List<SchemaChange.ObjectChange> out = new ArrayList<>();
        for (Map.Entry<Long, Relation> e : after.entrySet()) {
            Capture.Captured b = before.get(e.getKey());
            out.add(new SchemaChange.ObjectChange(e.getKey(), b == null ? null : b.relation(), e.getValue()));
        }
        return out;
    }

    /** Rows of a statement's result in text form. */
    static List<List<String>> rows(QueryCursor cursor, List<ColumnDescription> columns, SessionFormat format) throws PgException {
        List<List<String>> out = new ArrayList<>();
        try {
            Object[] row;
            while ((row = cursor.next()) != null) {
                List<String> r = new ArrayList<>();
                for (int i = 0; i < row.length; i++) {
                    r.add(row[i] == null ? null : PgValues.toText(columns.get(i).type(), row[i], format));
                }
                out.add(r);
            }
        } finally {
            cursor.close();
        }
        return out;
    }

    /** For {@link SchemaWatcher#activate}: each statement is a transaction of its own, on an internal session. */
    private static final class SetupContext implements WatcherContext {
        private final SqlSession session;

        SetupContext(SqlSession session) {
            this.session = session;
        }

        @Override
        public List<List<String>> execute(String sql, String... params) throws PgException {
            try (PreparedQuery q = session.prepare(sql, null)) {
                return rows(q.execute(params), q.columns(), SessionFormat.DEFAULT);
            }
        }

        @Override
        public void message(String prefix, byte[] content) throws PgException {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "a watcher cannot write messages while it activates");
        }
    }

    /** For {@link SchemaWatcher#schemaChanged}: statements run in the schema change's own transaction. */
    private static final class ChangeContext implements WatcherContext {
        private final H2Session session;

        ChangeContext(H2Session session) {
            this.session = session;
        }

        @Override
        public List<List<String>> execute(String sql, String... params) throws PgException {
            return session.executeNested(sql, params);
        }

        @Override
        public void message(String prefix, byte[] content) throws PgException {
            session.capture().add(new Change.Message(true, prefix, content.clone()));
        }
    }

    /** Who internal sessions run as: the superuser, with default settings. */
    static final class InternalContext implements SessionContext {
        @Override
        public String user() {
            return "postgres";
        }

        @Override
        public String database() {
            return "postgres";
        }

        @Override
        public int backendPid() {
            return 0;
        }

        @Override
        public String setting(String name) {
            return null;
        }

        @Override
        public SessionFormat format() {
            return SessionFormat.DEFAULT;
        }

        @Override
        public void notice(PgException notice) {
            LOG.info("{}", notice.getMessage());
        }
    }
}
