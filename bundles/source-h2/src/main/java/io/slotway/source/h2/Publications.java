package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.Publication;
import io.slotway.api.sql.Token;
import io.slotway.api.types.PgValues;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Publications: {@code CREATE/ALTER/DROP PUBLICATION} with PostgreSQL 15's rules and errors, kept in
 * {@code slotway_meta.publications}, {@code publication_rels} and {@code publication_namespaces} and
 * committed with the DDL that changed them. Each definition that changed is logged in that DDL's
 * transaction (see {@link #logChanges}), so decoding applies a publication as it was at each LSN. Column
 * lists and row filters (PostgreSQL 15) are refused: Slotway's plugins do not apply them.
 */
final class Publications {
    private static final String PUBS = Catalog.SCHEMA + ".publications";
    private static final String RELS = Catalog.SCHEMA + ".publication_rels";
    private static final String NSPS = Catalog.SCHEMA + ".publication_namespaces";
    private static final String LOGGED = Catalog.SCHEMA + ".logged_publications";
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("pg_catalog", "information_schema", Catalog.SCHEMA, "pg_toast");

    private final Rewriter r;
    private final List<Token> t;

    Publications(Rewriter r) {
        this.r = r;
        this.t = r.t;
    }

    static void init(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + PUBS + " (oid BIGINT PRIMARY KEY, pubname VARCHAR NOT NULL UNIQUE,"
                    + " puballtables BOOLEAN NOT NULL, pubinsert BOOLEAN NOT NULL, pubupdate BOOLEAN NOT NULL,"
                    + " pubdelete BOOLEAN NOT NULL, pubtruncate BOOLEAN NOT NULL, pubviaroot BOOLEAN NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS " + RELS + " (oid BIGINT PRIMARY KEY, prpubid BIGINT NOT NULL, prrelid BIGINT NOT NULL,"
                    + " UNIQUE (prpubid, prrelid))");
            s.execute("CREATE TABLE IF NOT EXISTS " + NSPS + " (oid BIGINT PRIMARY KEY, pnpubid BIGINT NOT NULL, nspname VARCHAR NOT NULL,"
                    + " UNIQUE (pnpubid, nspname))");
            s.execute("CREATE TABLE IF NOT EXISTS " + LOGGED + " (pubname VARCHAR PRIMARY KEY, def VARCHAR NOT NULL)");
        }
    }

    // ------------------------------------------------------------------------------------ parsing

    /** Tables (as qualified names) and schemas a FOR / ADD / SET / DROP list names. */
    private record Objects(List<Rewriter.QName> tables, List<String> schemas) {}

    /** {@code publication_object [, ...]} from {@code i} to {@code end}. */
    private Objects objects(int i, int end) throws PgException {
        List<Rewriter.QName> tables = new ArrayList<>();
        List<String> schemas = new ArrayList<>();
        if (i >= end) {
            throw r.syntaxAt(i);
        }
        boolean inSchemas = false;
        boolean first = true;
        for (int[] item : r.split(i, end)) {
            int k = item[0];
            if (r.at(k, "table")) {
                inSchemas = false;
                k++;
            } else if (r.at(k, "tables") && r.at(k + 1, "in") && r.at(k + 2, "schema")) {
                inSchemas = true;
                k += 3;
            } else if (first) {
                throw r.syntaxAt(k);
            }
            first = false;
            if (k >= item[1]) {
                throw r.syntaxAt(k);
            }
            if (inSchemas) {
                if (k + 1 != item[1] || !r.isName(k)) {
                    throw r.syntaxAt(k + 1);
                }
                schemas.add(t.get(k).value());
                continue;
            }
            if (r.at(k, "only")) {
                k++;
            }
            Rewriter.QName qn = r.qname(k);
            int next = qn.next();
            if (next < item[1] && t.get(next).is("*")) {
                next++;
            }
            if (next < item[1] && t.get(next).is("(")) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "column lists in publications are not supported by Slotway");
            }
            if (r.at(next, "where")) {
                throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "row filters in publications are not supported by Slotway");
            }
            if (next != item[1]) {
                throw r.syntaxAt(next);
            }
            tables.add(qn);
        }
        return new Objects(tables, schemas);
    }

    /** The options of {@code WITH (...)}: publish and publish_via_partition_root, as PostgreSQL parses them. */
    private record Options(Boolean insert, Boolean update, Boolean delete, Boolean truncate, Boolean viaRoot) {}

    private Options options(int open) throws PgException {
        int close = r.match(open);
        if (close != t.size() - 1) {
            throw r.syntaxAt(close + 1);
        }
        Boolean ins = null;
        Boolean upd = null;
        Boolean del = null;
        Boolean trunc = null;
        Boolean via = null;
        boolean publishSeen = false;
        for (int[] item : r.split(open + 1, close)) {
            int k = item[0];
            if (!r.isName(k)) {
                throw r.syntaxAt(k);
            }
            String name = t.get(k).value();
            String value = null;
            if (k + 1 < item[1]) {
                if (!t.get(k + 1).is("=") || k + 3 != item[1]) {
                    throw r.syntaxAt(k + 1);
                }
                value = t.get(k + 2).value();
            }
            switch (name) {
                case "publish" -> {
                    if (publishSeen) {
                        throw new PgException(SqlState.SYNTAX_ERROR, "conflicting or redundant options").withPosition(t.get(k).start() + 1);
                    }
                    publishSeen = true;
                    if (value == null) {
                        throw new PgException(SqlState.SYNTAX_ERROR, "publish requires a parameter");
                    }
                    ins = false;
                    upd = false;
                    del = false;
                    trunc = false;
                    if (!value.isBlank()) {
                        for (String action : value.split(",")) {
                            switch (action.trim()) {
                                case "insert" -> ins = true;
                                case "update" -> upd = true;
                                case "delete" -> del = true;
                                case "truncate" -> trunc = true;
                                default -> throw new PgException(SqlState.SYNTAX_ERROR,
                                        "unrecognized value for publication option \"publish\": \"" + action.trim() + "\"");
                            }
                        }
                    }
                }
                case "publish_via_partition_root" -> {
                    if (via != null) {
                        throw new PgException(SqlState.SYNTAX_ERROR, "conflicting or redundant options").withPosition(t.get(k).start() + 1);
                    }
                    via = value == null ? Boolean.TRUE : PgValues.parseBool(value);
                    if (via == null) {
                        throw new PgException(SqlState.SYNTAX_ERROR, "publish_via_partition_root requires a Boolean value");
                    }
                }
                default -> throw new PgException(SqlState.SYNTAX_ERROR, "unrecognized publication parameter: \"" + name + "\"");
            }
        }
        return new Options(ins, upd, del, trunc, via);
    }

    // ------------------------------------------------------------------------------------ statements

    /** {@code CREATE PUBLICATION name [FOR ALL TABLES | FOR object, ...] [WITH (...)]}; {@code i} is at the name. */
    Plan.Utility create(int i) throws PgException {
        if (!r.isName(i)) {
            throw r.syntaxAt(i);
        }
        String name = t.get(i).value();
        int end = t.size();
        int with = -1;
        for (int k = i + 1; k < t.size(); k++) {
            if (r.at(k, "with") && r.depthAt(k) == 0 && k + 1 < t.size() && t.get(k + 1).is("(")) {
                with = k;
                end = k;
                break;
            }
        }
        Options opts = with < 0 ? new Options(null, null, null, null, null) : options(with + 1);
        boolean all = false;
        Objects objs = new Objects(List.of(), List.of());
        int k = i + 1;
        if (k < end) {
            if (!r.at(k, "for")) {
                throw r.syntaxAt(k);
            }
            if (r.at(k + 1, "all") && r.at(k + 2, "tables")) {
                all = true;
                if (k + 3 != end) {
                    throw r.syntaxAt(k + 3);
                }
            } else {
                objs = objects(k + 1, end);
            }
        }
        boolean allTables = all;
        Objects o = objs;
        return s -> {
            Connection c = s.connection();
            if (oidOf(c, name) != null) {
                throw new PgException(SqlState.DUPLICATE_OBJECT, "publication \"" + name + "\" already exists");
            }
            List<Long> rels = resolveTables(s, o.tables());
            List<String> schemas = resolveSchemas(s, o.schemas());
            long oid = nextOid(c);
            try (PreparedStatement p = c.prepareStatement("INSERT INTO " + PUBS + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                p.setLong(1, oid);
                p.setString(2, name);
                p.setBoolean(3, allTables);
                p.setBoolean(4, opts.insert() == null || opts.insert());
                p.setBoolean(5, opts.update() == null || opts.update());
                p.setBoolean(6, opts.delete() == null || opts.delete());
                p.setBoolean(7, opts.truncate() == null || opts.truncate());
                p.setBoolean(8, opts.viaRoot() != null && opts.viaRoot());
                p.executeUpdate();
            }
            for (long rel : rels) {
                addRel(c, oid, rel);
            }
            for (String schema : schemas) {
                addSchema(c, oid, schema);
            }
            return -1;
        };
    }

    /** {@code ALTER PUBLICATION name ADD|SET|DROP objects | SET (options) | RENAME TO x | OWNER TO x}. */
    Plan.Utility alter() throws PgException {
        if (!r.isName(2)) {
            throw r.syntaxAt(2);
        }
        String name = t.get(2).value();
        String action = t.size() > 3 ? t.get(3).value() : "";
        if (action.equals("owner") && r.at(4, "to") && t.size() == 6) {
            return s -> {
                requireOid(s.connection(), name);
                return -1;
            };
        }
        if (action.equals("rename") && r.at(4, "to") && t.size() == 6 && r.isName(5)) {
            String to = t.get(5).value();
            return s -> {
                Connection c = s.connection();
                long oid = requireOid(c, name);
                if (oidOf(c, to) != null) {
                    throw new PgException(SqlState.DUPLICATE_OBJECT, "publication \"" + to + "\" already exists");
                }
                try (PreparedStatement p = c.prepareStatement("UPDATE " + PUBS + " SET pubname = ? WHERE oid = ?")) {
                    p.setString(1, to);
                    p.setLong(2, oid);
                    p.executeUpdate();
                }
                return -1;
            };
        }
        if (action.equals("set") && t.size() > 4 && t.get(4).is("(")) {
            Options opts = options(4);
            return s -> {
                Connection c = s.connection();
                long oid = requireOid(c, name);
                List<String> sets = new ArrayList<>();
                if (opts.insert() != null) {
                    sets.add("pubinsert = " + opts.insert());
                    sets.add("pubupdate = " + opts.update());
                    sets.add("pubdelete = " + opts.delete());
                    sets.add("pubtruncate = " + opts.truncate());
                }
                if (opts.viaRoot() != null) {
                    sets.add("pubviaroot = " + opts.viaRoot());
                }
                if (!sets.isEmpty()) {
                    try (Statement st = c.createStatement()) {
                        st.executeUpdate("UPDATE " + PUBS + " SET " + String.join(", ", sets) + " WHERE oid = " + oid);
                    }
                }
                return -1;
            };
        }
        if (!action.equals("add") && !action.equals("set") && !action.equals("drop")) {
            throw r.syntaxAt(3);
        }
        Objects objs = objects(4, t.size());
        return s -> {
            Connection c = s.connection();
            long oid = requireOid(c, name);
            if (allTables(c, oid)) {
                throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, "publication \"" + name + "\" is defined as FOR ALL TABLES")
                        .withDetail("Tables cannot be added to or dropped from FOR ALL TABLES publications.");
            }
            List<Long> rels = resolveTables(s, objs.tables());
            List<String> schemas = resolveSchemas(s, objs.schemas());
            switch (action) {
                case "add" -> {
                    for (int k = 0; k < rels.size(); k++) {
                        if (hasRel(c, oid, rels.get(k))) {
                            throw new PgException(SqlState.DUPLICATE_OBJECT, "relation \"" + objs.tables().get(k).name()
                                    + "\" is already member of publication \"" + name + "\"");
                        }
                        addRel(c, oid, rels.get(k));
                    }
                    for (String schema : schemas) {
                        if (hasSchema(c, oid, schema)) {
                            throw new PgException(SqlState.DUPLICATE_OBJECT, "schema \"" + schema
                                    + "\" is already member of publication \"" + name + "\"");
                        }
                        addSchema(c, oid, schema);
                    }
                }
                case "drop" -> {
                    for (int k = 0; k < rels.size(); k++) {
                        if (!hasRel(c, oid, rels.get(k))) {
                            throw new PgException(SqlState.UNDEFINED_OBJECT, "relation \"" + objs.tables().get(k).name()
                                    + "\" is not part of the publication");
                        }
                        delete(c, "DELETE FROM " + RELS + " WHERE prpubid = ? AND prrelid = ?", oid, rels.get(k));
                    }
                    for (String schema : schemas) {
                        if (!hasSchema(c, oid, schema)) {
                            throw new PgException(SqlState.UNDEFINED_OBJECT, "tables from schema \"" + schema
                                    + "\" are not part of the publication");
                        }
                        delete(c, "DELETE FROM " + NSPS + " WHERE pnpubid = ? AND nspname = ?", oid, schema);
                    }
                }
                default -> {
                    delete(c, "DELETE FROM " + RELS + " WHERE prpubid = ?", oid);
                    delete(c, "DELETE FROM " + NSPS + " WHERE pnpubid = ?", oid);
                    for (long rel : rels) {
                        addRel(c, oid, rel);
                    }
                    for (String schema : schemas) {
                        addSchema(c, oid, schema);
                    }
                }
            }
            return -1;
        };
    }

    /** {@code DROP PUBLICATION [IF EXISTS] name [, ...] [CASCADE | RESTRICT]}. */
    Plan.Utility drop() throws PgException {
        int i = 2;
        boolean ifExists = r.at(i, "if") && r.at(i + 1, "exists");
        if (ifExists) {
            i += 2;
        }
        int end = t.size();
        if (r.at(end - 1, "cascade") || r.at(end - 1, "restrict")) {
            end--;
        }
        List<String> names = new ArrayList<>();
        for (int[] item : r.split(i, end)) {
            if (item[1] != item[0] + 1 || !r.isName(item[0])) {
                throw r.syntaxAt(item[0]);
            }
            names.add(t.get(item[0]).value());
        }
        if (names.isEmpty()) {
            throw r.syntaxAt(i);
        }
        return s -> {
            Connection c = s.connection();
            for (String name : names) {
                Long oid = oidOf(c, name);
                if (oid == null) {
                    if (ifExists) {
                        s.notice(SqlState.SUCCESSFUL_COMPLETION, "publication \"" + name + "\" does not exist, skipping");
                        continue;
                    }
                    throw new PgException(SqlState.UNDEFINED_OBJECT, "publication \"" + name + "\" does not exist");
                }
                delete(c, "DELETE FROM " + RELS + " WHERE prpubid = ?", oid);
                delete(c, "DELETE FROM " + NSPS + " WHERE pnpubid = ?", oid);
                delete(c, "DELETE FROM " + PUBS + " WHERE oid = ?", oid);
            }
            return -1;
        };
    }

    private List<Long> resolveTables(H2Session s, List<Rewriter.QName> names) throws SQLException, PgException {
        Set<Long> out = new LinkedHashSet<>();
        for (Rewriter.QName qn : names) {
            String schema = r.schemaOf(qn);
            String shown = qn.schema() == null ? qn.name() : qn.schema() + "." + qn.name();
            String kind = Catalog.h2Kind(s.connection(), schema, qn.name());
            // an unqualified pg_* name that is no user table is a system catalog (pg_catalog comes first in the path)
            if (SYSTEM_SCHEMAS.contains(schema) || (qn.schema() == null && kind == null && qn.name().startsWith("pg_"))) {
                throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "cannot add relation \"" + qn.name() + "\" to publication")
                        .withDetail("This operation is not supported for system tables.");
            }
            if (kind == null) {
                throw new PgException(SqlState.UNDEFINED_TABLE, "relation \"" + shown + "\" does not exist");
            }
            if (!kind.equals("BASE TABLE")) {
                throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "cannot add relation \"" + qn.name() + "\" to publication")
                        .withDetail(kind.equals("VIEW") ? "This operation is not supported for views."
                                : "This operation is not supported for temporary tables.");
            }
            Catalog.Relation rel = Catalog.find(s.connection(), schema, qn.name());
            out.add(rel.oid());
        }
        return new ArrayList<>(out);
    }

    private static List<String> resolveSchemas(H2Session s, List<String> names) throws SQLException, PgException {
        Set<String> out = new LinkedHashSet<>();
        for (String name : names) {
            String schema = name.equals("current_schema") ? s.currentSchema() : name;
            if (SYSTEM_SCHEMAS.contains(schema)) {
                throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "cannot add schema \"" + schema + "\" to publication")
                        .withDetail("This operation is not supported for system schemas.");
            }
            if (!Ddl.schemaExists(s.connection(), schema)) {
                throw new PgException(SqlState.UNDEFINED_SCHEMA, "schema \"" + schema + "\" does not exist");
            }
            out.add(schema);
        }
        return new ArrayList<>(out);
    }

    // ------------------------------------------------------------------------------------ catalog

    static Long oidOf(Connection c, String name) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT oid FROM " + PUBS + " WHERE pubname = ?")) {
            p.setString(1, name);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    private static long requireOid(Connection c, String name) throws SQLException, PgException {
        Long oid = oidOf(c, name);
        if (oid == null) {
            throw new PgException(SqlState.UNDEFINED_OBJECT, "publication \"" + name + "\" does not exist");
        }
        return oid;
    }

    private static boolean allTables(Connection c, long oid) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT puballtables FROM " + PUBS + " WHERE oid = " + oid)) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static long nextOid(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT NEXT VALUE FOR " + Catalog.SCHEMA + ".oids")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean hasRel(Connection c, long pub, long rel) throws SQLException {
        return exists(c, "SELECT 1 FROM " + RELS + " WHERE prpubid = ? AND prrelid = ?", pub, rel);
    }

    private static boolean hasSchema(Connection c, long pub, String schema) throws SQLException {
        return exists(c, "SELECT 1 FROM " + NSPS + " WHERE pnpubid = ? AND nspname = ?", pub, schema);
    }

    private static boolean exists(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int k = 0; k < params.length; k++) {
                p.setObject(k + 1, params[k]);
            }
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void addRel(Connection c, long pub, long rel) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + RELS + " VALUES (?, ?, ?)")) {
            p.setLong(1, nextOid(c));
            p.setLong(2, pub);
            p.setLong(3, rel);
            p.executeUpdate();
        }
    }

    private static void addSchema(Connection c, long pub, String schema) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO " + NSPS + " VALUES (?, ?, ?)")) {
            p.setLong(1, nextOid(c));
            p.setLong(2, pub);
            p.setString(3, schema);
            p.executeUpdate();
        }
    }

    private static void delete(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            for (int k = 0; k < params.length; k++) {
                p.setObject(k + 1, params[k]);
            }
            p.executeUpdate();
        }
    }

    /** Every publication as it is now, by name. Tables and schemas that no longer exist are dropped from them first. */
    static Map<String, Publication> all(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("DELETE FROM " + RELS + " WHERE prrelid NOT IN (SELECT oid FROM " + Catalog.SCHEMA + ".relations)");
            s.executeUpdate("DELETE FROM " + NSPS + " WHERE nspname NOT IN (SELECT SCHEMA_NAME FROM INFORMATION_SCHEMA.SCHEMATA)");
        }
        Map<Long, Set<Long>> rels = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT prpubid, prrelid FROM " + RELS)) {
            while (rs.next()) {
                rels.computeIfAbsent(rs.getLong(1), k -> new TreeSet<>()).add(rs.getLong(2));
            }
        }
        Map<Long, Set<String>> nsps = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pnpubid, nspname FROM " + NSPS)) {
            while (rs.next()) {
                nsps.computeIfAbsent(rs.getLong(1), k -> new TreeSet<>()).add(rs.getString(2));
            }
        }
        Map<String, Publication> out = new LinkedHashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT oid, pubname, puballtables, pubinsert, pubupdate,"
                + " pubdelete, pubtruncate, pubviaroot FROM " + PUBS + " ORDER BY oid")) {
            while (rs.next()) {
                long oid = rs.getLong(1);
                out.put(rs.getString(2), new Publication(oid, rs.getString(2), rs.getBoolean(3), rels.getOrDefault(oid, Set.of()),
                        nsps.getOrDefault(oid, Set.of()), rs.getBoolean(4), rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7),
                        rs.getBoolean(8)));
            }
        }
        return out;
    }

    /** A publication's definition as text, to tell whether it changed since it was last logged. */
    static String signature(Publication p) {
        return p.oid() + "|" + p.allTables() + "|" + p.insert() + p.update() + p.delete() + p.truncate() + p.viaRoot() + "|"
                + new TreeSet<>(p.tables()) + "|" + new TreeSet<>(p.schemas());
    }

    /**
     * Logs in {@code tx} every publication created, changed or dropped since last logged, and records what
     * was logged (on {@code c}, committed with the transaction). Returns whether there was any.
     */
    static boolean logChanges(Connection c, TxCapture tx) throws SQLException, PgException {
        Map<String, Publication> now = all(c);
        Map<String, String> logged = new HashMap<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT pubname, def FROM " + LOGGED)) {
            while (rs.next()) {
                logged.put(rs.getString(1), rs.getString(2));
            }
        }
        boolean any = false;
        for (String name : new TreeSet<>(logged.keySet())) {
            if (!now.containsKey(name)) {
                tx.publicationChanged(name, null);
                delete(c, "DELETE FROM " + LOGGED + " WHERE pubname = ?", name);
                any = true;
            }
        }
        for (Publication p : now.values()) {
            String sig = signature(p);
            if (!sig.equals(logged.get(p.name()))) {
                tx.publicationChanged(p.name(), p);
                try (PreparedStatement st = c.prepareStatement("MERGE INTO " + LOGGED + " (pubname, def) KEY (pubname) VALUES (?, ?)")) {
                    st.setString(1, p.name());
                    st.setString(2, sig);
                    st.executeUpdate();
                }
                any = true;
            }
        }
        return any;
    }

    /**
     * PostgreSQL's CheckCmdReplicaIdentity: an UPDATE or DELETE on a table that a publication publishes
     * for that action fails when the table has no replica identity to log old rows with.
     */
    static void checkReplicaIdentity(Connection c, Catalog.Relation target, Capture.Captured captured, String verb)
            throws SQLException, PgException {
        if (target == null || captured == null || target.replicaIdentity() == 'f' || captured.relation().hasKey()) {
            return;
        }
        boolean update = verb.equals("UPDATE");
        String column = update ? "pubupdate" : "pubdelete";
        try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM " + PUBS + " p WHERE p." + column + " AND (p.puballtables"
                + " OR EXISTS (SELECT 1 FROM " + RELS + " r WHERE r.prpubid = p.oid AND r.prrelid = ?)"
                + " OR EXISTS (SELECT 1 FROM " + NSPS + " n WHERE n.pnpubid = p.oid AND n.nspname = ?))")) {
            p.setLong(1, target.oid());
            p.setString(2, target.schema());
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return;
                }
            }
        }
        String name = target.name();
        throw update
                ? new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, "cannot update table \"" + name
                        + "\" because it does not have a replica identity and publishes updates")
                        .withHint("To enable updating the table, set REPLICA IDENTITY using ALTER TABLE.")
                : new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE, "cannot delete from table \"" + name
                        + "\" because it does not have a replica identity and publishes deletes")
                        .withHint("To enable deleting from the table, set REPLICA IDENTITY using ALTER TABLE.");
    }
}
