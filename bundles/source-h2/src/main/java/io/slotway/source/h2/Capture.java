package io.slotway.source.h2;

import io.slotway.api.change.Column;
import io.slotway.api.change.Relation;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.jdbc.JdbcConnection;

/**
 * Capture plumbing shared by the trigger and the sessions: which {@link H2Session} an H2 connection belongs
 * to, the captured relations (api {@link Relation} with the declared types and H2 column names), the
 * capture triggers, and the record of what schema was last logged.
 */
final class Capture {
    static final String TRIGGER_PREFIX = "slotway_capture_";

    /** H2's engine session → the Slotway session using it. A trigger's connection wraps the same engine session. */
    private static final Map<Object, H2Session> SESSIONS = new ConcurrentHashMap<>();

    private Capture() {}

    /**
     * A relation as changes carry it, with what is needed to read rows of it: the declared types, H2's
     * column names, the columns' positions in a trigger's row (found on the first row, then reused: the
     * capture trigger runs for every row written) and which columns are keys.
     */
    record Captured(Relation relation, ColumnType[] types, String[] h2Names, int[] positions, boolean[] keys) {
        static Captured of(Relation relation, ColumnType[] types, String[] h2Names) {
            boolean[] k = new boolean[types.length];
            for (int i = 0; i < k.length; i++) {
                k[i] = relation.columns().get(i).key();
            }
            return new Captured(relation, types, h2Names, new int[types.length], k);
        }
    }

    static void register(Connection c, H2Session s) {
        Object key = engineSession(c);
        if (key != null) {
            SESSIONS.put(key, s);
        }
    }

    static void unregister(Connection c) {
        Object key = engineSession(c);
        if (key != null) {
            SESSIONS.remove(key);
        }
    }

    /** The Slotway session whose H2 connection (or a connection H2 made for the same engine session) this is. */
    static H2Session sessionOf(Connection c) {
        Object key = engineSession(c);
        return key == null ? null : SESSIONS.get(key);
    }

    /**
     * JdbcConnection.getSession(), called reflectively: its return type lives in org.h2.engine, which the
     * H2 bundle does not export, so a direct call would make this bundle import a package nobody
     * offers. The engine session is only a map key here.
     */
    private static final java.lang.invoke.MethodHandle GET_SESSION;

    static {
        try {
            GET_SESSION = java.lang.invoke.MethodHandles.publicLookup()
                    .unreflect(JdbcConnection.class.getMethod("getSession"))
                    .asType(java.lang.invoke.MethodType.methodType(Object.class, JdbcConnection.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static Object engineSession(Connection c) {
        try {
            JdbcConnection j = c instanceof JdbcConnection jc ? jc : c.unwrap(JdbcConnection.class);
            return (Object) GET_SESSION.invoke(j);
        } catch (SQLException | RuntimeException e) {
            return null;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether H2 gave this connection only to learn a table function's columns (no side effects allowed). */
    static boolean columnListOnly(Connection c) throws SQLException {
        return "jdbc:columnlist:connection".equals(c.getMetaData().getURL());
    }

    // ------------------------------------------------------------------------------------ relations

    /** Every user table (base tables with Slotway metadata), by OID, as changes would carry it now. */
    static Map<Long, Captured> snapshot(Connection c) throws SQLException {
        Map<Long, Captured> out = new LinkedHashMap<>();
        List<long[]> oids = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT r.oid FROM " + Catalog.SCHEMA + ".relations r"
                + " JOIN INFORMATION_SCHEMA.TABLES t ON t.TABLE_SCHEMA = r.nspname AND t.TABLE_NAME = r.relname"
                + " WHERE r.relkind = 'r' AND t.TABLE_TYPE = 'BASE TABLE' ORDER BY r.oid")) {
            while (rs.next()) {
                oids.add(new long[] {rs.getLong(1)});
            }
        }
        for (long[] oid : oids) {
            Captured cap = load(c, oid[0]);
            if (cap != null) {
                out.put(oid[0], cap);
            }
        }
        return out;
    }

    /** The relation with this OID as changes carry it, or null if there is none. */
    static Captured load(Connection c, long oid) throws SQLException {
        String schema;
        String name;
        try (PreparedStatement p = c.prepareStatement("SELECT nspname, relname FROM " + Catalog.SCHEMA + ".relations WHERE oid = ?")) {
            p.setLong(1, oid);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                schema = rs.getString(1);
                name = rs.getString(2);
            }
        }
        Catalog.Relation rel = Catalog.load(c, schema, name);
        if (rel == null) {
            return null;
        }
        Set<String> keys = identityColumns(c, rel);
        Set<String> notNull = new HashSet<>();
        try (PreparedStatement p = c.prepareStatement("SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = ?"
                + " AND TABLE_NAME = ? AND IS_NULLABLE = 'NO'")) {
            p.setString(1, schema);
            p.setString(2, name);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    notNull.add(rs.getString(1));
                }
            }
        }
        Set<String> primaryKey = rel.replicaIdentity() == 'd' ? keys : primaryKeyColumns(c, rel);
        Map<Short, String> defaults = Catalog.defaults(c, oid);
        List<Column> cols = new ArrayList<>();
        ColumnType[] types = new ColumnType[rel.attributes().size()];
        String[] names = new String[types.length];
        int i = 0;
        for (Catalog.Attribute a : rel.attributes()) {
            cols.add(new Column(a.name(), a.type().type().oid(), a.type().typmod(), keys.contains(a.name()), notNull.contains(a.name()),
                    defaults.get(a.attnum()), primaryKey.contains(a.name())));
            types[i] = a.type();
            names[i] = a.name();
            i++;
        }
        return Captured.of(new Relation(oid, schema, name, rel.replicaIdentity(), cols), types, names);
    }

    /** The replica identity's columns: the primary key for DEFAULT, the index's for USING INDEX, none otherwise. */
    private static Set<String> identityColumns(Connection c, Catalog.Relation rel) throws SQLException {
        Set<String> out = new HashSet<>();
        if (rel.replicaIdentity() == 'd') {
            return primaryKeyColumns(c, rel);
        }
        if (rel.replicaIdentity() == 'i' && rel.replicaIndex() != null) {
            try (PreparedStatement p = c.prepareStatement("SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.KEY_COLUMN_USAGE"
                    + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = ?")) {
                p.setString(1, rel.schema());
                p.setString(2, rel.name());
                p.setString(3, rel.replicaIndex());
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        out.add(rs.getString(1));
                    }
                }
            }
            if (out.isEmpty()) {
                try (PreparedStatement p = c.prepareStatement("SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.INDEX_COLUMNS"
                        + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = ?")) {
                    p.setString(1, rel.schema());
                    p.setString(2, rel.name());
                    p.setString(3, rel.replicaIndex());
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            out.add(rs.getString(1));
                        }
                    }
                }
            }
        }
        return out;
    }

    /** The primary key's columns (empty without one). */
    private static Set<String> primaryKeyColumns(Connection c, Catalog.Relation rel) throws SQLException {
        Set<String> out = new HashSet<>();
        try (PreparedStatement p = c.prepareStatement("SELECT k.COLUMN_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc"
                + " JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA"
                + " AND k.CONSTRAINT_NAME = tc.CONSTRAINT_NAME WHERE tc.TABLE_SCHEMA = ? AND tc.TABLE_NAME = ?"
                + " AND tc.CONSTRAINT_TYPE = 'PRIMARY KEY'")) {
            p.setString(1, rel.schema());
            p.setString(2, rel.name());
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** A stable text form of a relation's definition, to tell whether it changed since it was last logged. */
    static String signature(Relation r) {
        StringBuilder b = new StringBuilder();
        b.append(r.schema()).append('\u0001').append(r.name()).append('\u0001').append(r.replicaIdentity());
        for (Column col : r.columns()) {
            b.append('\u0002').append(col.name()).append('\u0001').append(col.typeOid()).append('\u0001').append(col.typmod())
                    .append('\u0001').append(col.key() ? 'k' : '-').append(col.notNull() ? 'n' : '-')
                    .append(col.primaryKey() ? 'p' : '-');
            if (col.defaultExpr() != null) {
                b.append('\u0001').append(col.defaultExpr());
            }
        }
        return b.toString();
    }

    // ------------------------------------------------------------------------------------ triggers

    /** Installs the capture trigger on a table (idempotent). Runs DDL: H2 commits the connection's transaction. */
    static void install(Connection c, String schema, String table, long oid) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TRIGGER IF NOT EXISTS " + H2Literals.quoteIdent(schema) + "." + H2Literals.quoteIdent(TRIGGER_PREFIX + oid)
                    + " AFTER INSERT, UPDATE, DELETE ON " + H2Literals.quoteIdent(schema) + "." + H2Literals.quoteIdent(table)
                    + " FOR EACH ROW CALL " + H2Literals.quote(CaptureTrigger.class.getName()));
        }
    }

    /** Installs the trigger on every user table that lacks it. */
    static void installMissing(Connection c) throws SQLException {
        Set<String> have = new HashSet<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT TRIGGER_SCHEMA, TRIGGER_NAME FROM INFORMATION_SCHEMA.TRIGGERS")) {
            while (rs.next()) {
                have.add(rs.getString(1) + "." + rs.getString(2));
            }
        }
        List<Object[]> todo = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT r.oid, r.nspname, r.relname FROM " + Catalog.SCHEMA
                + ".relations r JOIN INFORMATION_SCHEMA.TABLES t ON t.TABLE_SCHEMA = r.nspname AND t.TABLE_NAME = r.relname"
                + " WHERE r.relkind = 'r' AND t.TABLE_TYPE = 'BASE TABLE'")) {
            while (rs.next()) {
                if (!have.contains(rs.getString(2) + "." + TRIGGER_PREFIX + rs.getLong(1))) {
                    todo.add(new Object[] {rs.getLong(1), rs.getString(2), rs.getString(3)});
                }
            }
        }
        for (Object[] t : todo) {
            install(c, (String) t[1], (String) t[2], (Long) t[0]);
        }
    }

    // ------------------------------------------------------------------------------------ logged schema

    static void init(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + Catalog.SCHEMA + ".commits (seq BIGINT PRIMARY KEY)");
            s.execute("CREATE TABLE IF NOT EXISTS " + Catalog.SCHEMA + ".logged_relations (oid BIGINT PRIMARY KEY, def VARCHAR NOT NULL)");
        }
    }

    /** What the WAL was last told about each relation: OID → {@link #signature}. */
    static Map<Long, String> logged(Connection c) throws SQLException {
        Map<Long, String> out = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT oid, def FROM " + Catalog.SCHEMA + ".logged_relations ORDER BY oid")) {
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getString(2));
            }
        }
        return out;
    }

    static void setLogged(Connection c, long oid, String def) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(def == null ? "DELETE FROM " + Catalog.SCHEMA + ".logged_relations WHERE oid = ?"
                : "MERGE INTO " + Catalog.SCHEMA + ".logged_relations (oid, def) KEY (oid) VALUES (?, ?)")) {
            p.setLong(1, oid);
            if (def != null) {
                p.setString(2, def);
            }
            p.executeUpdate();
        }
    }
}
