package io.slotway.source.h2;

import io.slotway.api.types.PgType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What H2 cannot keep: each relation's stable OID and replica identity, and each column's declared
 * PostgreSQL type, typmod and attribute number. Kept in tables of schema {@value #SCHEMA} in the same H2
 * database, written on the connection that ran the DDL and committed with it.
 */
final class Catalog {
    static final String SCHEMA = "slotway_meta";
    /** The first OID PostgreSQL gives to user objects. */
    static final long FIRST_OID = 16384;

    private Catalog() {}

    /** A column as PostgreSQL describes it. */
    record Attribute(String name, short attnum, ColumnType type) {}

    /** A table or view: its OID, kind ({@code r} or {@code v}), replica identity and columns in attnum order. */
    record Relation(long oid, String schema, String name, char kind, char replicaIdentity, String replicaIndex,
                    List<Attribute> attributes) {
        Attribute attribute(String column) {
            for (Attribute a : attributes) {
                if (a.name().equals(column)) {
                    return a;
                }
            }
            return null;
        }
    }

    static void init(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
            s.execute("CREATE SEQUENCE IF NOT EXISTS " + SCHEMA + ".oids START WITH " + FIRST_OID);
            s.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".relations (oid BIGINT PRIMARY KEY, nspname VARCHAR NOT NULL,"
                    + " relname VARCHAR NOT NULL, relkind CHAR(1) NOT NULL, replident CHAR(1) NOT NULL, replident_index VARCHAR,"
                    + " next_attnum INTEGER NOT NULL, UNIQUE (nspname, relname))");
            s.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".attributes (reloid BIGINT NOT NULL, attnum SMALLINT NOT NULL,"
                    + " attname VARCHAR NOT NULL, typoid INTEGER NOT NULL, typmod INTEGER NOT NULL, PRIMARY KEY (reloid, attnum))");
            // Column defaults as PostgreSQL prints them back (pg_get_expr(adbin, adrelid)); see PgExprText.
            s.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".attrdef (reloid BIGINT NOT NULL, attnum SMALLINT NOT NULL,"
                    + " adsrc VARCHAR NOT NULL, PRIMARY KEY (reloid, attnum))");
            // CHECK constraints as pg_get_constraintdef prints them, plain and pretty; see PgCheckText.
            s.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".checks (reloid BIGINT NOT NULL, conname VARCHAR NOT NULL,"
                    + " plain VARCHAR NOT NULL, pretty VARCHAR NOT NULL, PRIMARY KEY (reloid, conname))");
            // Sequences' cache as CREATE SEQUENCE gave it (H2 has a cache of its own; PostgreSQL's default is 1).
            s.execute("CREATE TABLE IF NOT EXISTS " + SCHEMA + ".sequence_cache (nspname VARCHAR NOT NULL, relname VARCHAR NOT NULL,"
                    + " cache BIGINT NOT NULL, PRIMARY KEY (nspname, relname))");
        }
    }

    /** The relation, from the metadata, or registered from H2's own description if Slotway did not create it; null if none. */
    static Relation find(Connection c, String schema, String name) throws SQLException {
        Relation r = load(c, schema, name);
        if (r != null) {
            return r;
        }
        String kind = h2Kind(c, schema, name);
        if (kind == null) {
            return null;
        }
        List<Attribute> attrs = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + H2Literals.quoteIdent(schema) + "." + H2Literals.quoteIdent(name) + " WHERE FALSE")) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                attrs.add(new Attribute(md.getColumnName(i), (short) i, H2Types.infer(md.getColumnTypeName(i))));
            }
        }
        create(c, schema, name, kind.equals("VIEW") ? 'v' : 'r', attrs);
        return load(c, schema, name);
    }

    /** Whether H2 has a table or view of that name; returns H2's TABLE_TYPE or null. */
    static String h2Kind(Connection c, String schema, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(
                "SELECT TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            p.setString(1, schema);
            p.setString(2, name);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static Relation load(Connection c, String schema, String name) throws SQLException {
        long oid;
        char kind;
        char ident;
        String identIndex;
        try (PreparedStatement p = c.prepareStatement("SELECT oid, relkind, replident, replident_index FROM " + SCHEMA
                + ".relations WHERE nspname = ? AND relname = ?")) {
            p.setString(1, schema);
            p.setString(2, name);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                oid = rs.getLong(1);
                kind = rs.getString(2).charAt(0);
                ident = rs.getString(3).charAt(0);
                identIndex = rs.getString(4);
            }
        }
        List<Attribute> attrs = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT attname, attnum, typoid, typmod FROM " + SCHEMA
                + ".attributes WHERE reloid = ? ORDER BY attnum")) {
            p.setLong(1, oid);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    PgType t = PgType.byOid(rs.getInt(3));
                    attrs.add(new Attribute(rs.getString(1), rs.getShort(2), new ColumnType(t == null ? PgType.TEXT : t, rs.getInt(4))));
                }
            }
        }
        return new Relation(oid, schema, name, kind, ident, identIndex, List.copyOf(attrs));
    }

    static long create(Connection c, String schema, String name, char kind, List<Attribute> attrs) throws SQLException {
        long oid;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT NEXT VALUE FOR " + SCHEMA + ".oids")) {
            rs.next();
            oid = rs.getLong(1);
        }
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + SCHEMA
                + ".relations (oid, nspname, relname, relkind, replident, next_attnum) VALUES (?, ?, ?, ?, ?, ?)")) {
            p.setLong(1, oid);
            p.setString(2, schema);
            p.setString(3, name);
            p.setString(4, String.valueOf(kind));
            p.setString(5, kind == 'r' ? "d" : "n");
            p.setInt(6, attrs.size() + 1);
            p.executeUpdate();
        }
        for (Attribute a : attrs) {
            insertAttribute(c, oid, a);
        }
        return oid;
    }

    private static void insertAttribute(Connection c, long oid, Attribute a) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + SCHEMA
                + ".attributes (reloid, attnum, attname, typoid, typmod) VALUES (?, ?, ?, ?, ?)")) {
            p.setLong(1, oid);
            p.setShort(2, a.attnum());
            p.setString(3, a.name());
            p.setInt(4, a.type().type().oid());
            p.setInt(5, a.type().typmod());
            p.executeUpdate();
        }
    }

    static void replaceAttributes(Connection c, long oid, List<Attribute> attrs) throws SQLException {
        update(c, "DELETE FROM " + SCHEMA + ".attributes WHERE reloid = ?", oid);
        for (Attribute a : attrs) {
            insertAttribute(c, oid, a);
        }
        update(c, "UPDATE " + SCHEMA + ".relations SET next_attnum = ? WHERE oid = ?", attrs.size() + 1, oid);
    }

    /** Adds a column with the next attribute number (PostgreSQL never reuses a dropped column's number). */
    static void addColumn(Connection c, long oid, String column, ColumnType type) throws SQLException {
        int attnum;
        try (PreparedStatement p = c.prepareStatement("SELECT next_attnum FROM " + SCHEMA + ".relations WHERE oid = ?")) {
            p.setLong(1, oid);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                attnum = rs.getInt(1);
            }
        }
        update(c, "UPDATE " + SCHEMA + ".relations SET next_attnum = ? WHERE oid = ?", attnum + 1, oid);
        insertAttribute(c, oid, new Attribute(column, (short) attnum, type));
    }

    /** Sets (or, with null, removes) a column's default as PostgreSQL prints it. */
    static void setDefault(Connection c, long oid, String column, String adsrc) throws SQLException {
        update(c, "DELETE FROM " + SCHEMA + ".attrdef WHERE reloid = ? AND attnum = (SELECT attnum FROM " + SCHEMA
                + ".attributes WHERE reloid = ? AND attname = ?)", oid, oid, column);
        if (adsrc != null) {
            update(c, "INSERT INTO " + SCHEMA + ".attrdef (reloid, attnum, adsrc) SELECT reloid, attnum, ? FROM " + SCHEMA
                    + ".attributes WHERE reloid = ? AND attname = ?", adsrc, oid, column);
        }
    }

    /** Each column's default as PostgreSQL prints it, by attribute number. */
    static Map<Short, String> defaults(Connection c, long oid) throws SQLException {
        Map<Short, String> out = new HashMap<>();
        try (PreparedStatement p = c.prepareStatement("SELECT attnum, adsrc FROM " + SCHEMA + ".attrdef WHERE reloid = ?")) {
            p.setLong(1, oid);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getShort(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    static void dropColumn(Connection c, long oid, String column) throws SQLException {
        update(c, "DELETE FROM " + SCHEMA + ".attrdef WHERE reloid = ? AND attnum = (SELECT attnum FROM " + SCHEMA
                + ".attributes WHERE reloid = ? AND attname = ?)", oid, oid, column);
        update(c, "DELETE FROM " + SCHEMA + ".attributes WHERE reloid = ? AND attname = ?", oid, column);
    }

    static void renameColumn(Connection c, long oid, String from, String to) throws SQLException {
        update(c, "UPDATE " + SCHEMA + ".attributes SET attname = ? WHERE reloid = ? AND attname = ?", to, oid, from);
    }

    static void retypeColumn(Connection c, long oid, String column, ColumnType type) throws SQLException {
        update(c, "UPDATE " + SCHEMA + ".attributes SET typoid = ?, typmod = ? WHERE reloid = ? AND attname = ?",
                type.type().oid(), type.typmod(), oid, column);
    }

    static void rename(Connection c, long oid, String schema, String name) throws SQLException {
        update(c, "UPDATE " + SCHEMA + ".relations SET nspname = ?, relname = ? WHERE oid = ?", schema, name, oid);
    }

    static void setReplicaIdentity(Connection c, long oid, char ident, String index) throws SQLException {
        update(c, "UPDATE " + SCHEMA + ".relations SET replident = ?, replident_index = ? WHERE oid = ?",
                String.valueOf(ident), index, oid);
    }

    /** Records a CHECK constraint's text as PostgreSQL prints it. */
    static void setCheck(Connection c, long oid, String name, PgCheckText.Text text) throws SQLException {
        update(c, "DELETE FROM " + SCHEMA + ".checks WHERE reloid = ? AND conname = ?", oid, name);
        update(c, "INSERT INTO " + SCHEMA + ".checks (reloid, conname, plain, pretty) VALUES (?, ?, ?, ?)", oid, name,
                text.plain(), text.pretty());
    }

    /** Every recorded CHECK constraint: reloid + NUL + conname to {plain, pretty}. */
    static Map<String, String[]> checks(Connection c) throws SQLException {
        Map<String, String[]> out = new HashMap<>();
        try (PreparedStatement p = c.prepareStatement("SELECT reloid, conname, plain, pretty FROM " + SCHEMA + ".checks");
                ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getLong(1) + "\0" + rs.getString(2), new String[] {rs.getString(3), rs.getString(4)});
            }
        }
        return out;
    }

    /** Records (or, with null, forgets) the cache a CREATE SEQUENCE gave. */
    static void setSequenceCache(Connection c, String schema, String name, Long cache) throws SQLException {
        update(c, "DELETE FROM " + SCHEMA + ".sequence_cache WHERE nspname = ? AND relname = ?", schema, name);
        if (cache != null) {
            update(c, "INSERT INTO " + SCHEMA + ".sequence_cache (nspname, relname, cache) VALUES (?, ?, ?)", schema, name, cache);
        }
    }

    /** The recorded caches: schema + NUL + name to cache. */
    static Map<String, Long> sequenceCaches(Connection c) throws SQLException {
        Map<String, Long> out = new HashMap<>();
        try (PreparedStatement p = c.prepareStatement("SELECT nspname, relname, cache FROM " + SCHEMA + ".sequence_cache");
                ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1) + "\0" + rs.getString(2), rs.getLong(3));
            }
        }
        return out;
    }

    static void drop(Connection c, long oid) throws SQLException {
        update(c, "DELETE FROM " + SCHEMA + ".checks WHERE reloid = ?", oid);
        update(c, "DELETE FROM " + SCHEMA + ".attrdef WHERE reloid = ?", oid);
        update(c, "DELETE FROM " + SCHEMA + ".attributes WHERE reloid = ?", oid);
        update(c, "DELETE FROM " + SCHEMA + ".relations WHERE oid = ?", oid);
    }

    /**
     * After a crash between a DDL statement (which H2 commits at once) and the metadata written after it:
     * registers tables H2 has and the metadata lacks, and adds (with the type inferred from H2's) or
     * forgets columns the metadata lacks or H2 no longer has. Returns whether anything changed.
     */
    static boolean reconcile(Connection c) throws SQLException {
        boolean changed = false;
        prune(c);
        List<String[]> tables = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLES"
                + " WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN ('INFORMATION_SCHEMA', 'information_schema', 'pg_catalog', '" + SCHEMA + "')")) {
            while (rs.next()) {
                tables.add(new String[] {rs.getString(1), rs.getString(2)});
            }
        }
        for (String[] t : tables) {
            Relation rel = load(c, t[0], t[1]);
            if (rel == null) {
                find(c, t[0], t[1]);
                changed = true;
                continue;
            }
            List<String[]> h2Columns = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS"
                    + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION")) {
                p.setString(1, t[0]);
                p.setString(2, t[1]);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        h2Columns.add(new String[] {rs.getString(1), rs.getString(2)});
                    }
                }
            }
            List<String> names = new ArrayList<>();
            for (String[] col : h2Columns) {
                names.add(col[0]);
                if (rel.attribute(col[0]) == null) {
                    addColumn(c, rel.oid(), col[0], H2Types.infer(col[1]));
                    changed = true;
                }
            }
            for (Attribute a : rel.attributes()) {
                if (!names.contains(a.name())) {
                    dropColumn(c, rel.oid(), a.name());
                    changed = true;
                }
            }
        }
        return changed;
    }

    /** Forgets relations H2 no longer has (dropped by a cascade or outside Slotway). */
    static void prune(Connection c) throws SQLException {
        update(c, "DELETE FROM " + SCHEMA + ".attributes a WHERE NOT EXISTS (SELECT 1 FROM " + SCHEMA + ".relations r"
                + " WHERE r.oid = a.reloid AND EXISTS (SELECT 1 FROM INFORMATION_SCHEMA.TABLES t"
                + " WHERE t.TABLE_SCHEMA = r.nspname AND t.TABLE_NAME = r.relname))");
        update(c, "DELETE FROM " + SCHEMA + ".relations r WHERE NOT EXISTS (SELECT 1 FROM INFORMATION_SCHEMA.TABLES t"
                + " WHERE t.TABLE_SCHEMA = r.nspname AND t.TABLE_NAME = r.relname)");
    }

    private static void update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                p.setObject(i + 1, args[i]);
            }
            p.executeUpdate();
        }
    }
}
