package io.slotway.core.catalog;

import io.slotway.api.catalog.CatalogSnapshot;
import io.slotway.api.catalog.CatalogSnapshot.Column;
import io.slotway.api.catalog.CatalogSnapshot.Constraint;
import io.slotway.api.catalog.CatalogSnapshot.Function;
import io.slotway.api.catalog.CatalogSnapshot.Index;
import io.slotway.api.catalog.CatalogSnapshot.Namespace;
import io.slotway.api.catalog.CatalogSnapshot.Publication;
import io.slotway.api.catalog.CatalogSnapshot.Relation;
import io.slotway.api.types.PgType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills the engine's tables: PostgreSQL's built-in rows (the system schemas, types, access methods,
 * the database, the superuser, collations, tablespaces, the catalog relations themselves) and the
 * source's model, each row laid out as {@link CatalogTables} defines the relation.
 */
final class CatalogData {
    static final long PG_CATALOG_OID = 11;
    static final long PG_TOAST_OID = 99;
    static final long INFORMATION_SCHEMA_OID = 13181;
    static final long SUPERUSER_OID = 10;
    static final long DATABASE_OID = 5;
    static final long PG_CLASS_OID = 1259;
    static final long BTREE_OID = 403;
    static final long HEAP_OID = 2;

    /** OIDs PostgreSQL 15 gives the catalog relations (pg_class.oid), for {@code 'pg_class'::regclass} and friends. */
    static final Map<String, Long> SYSTEM_RELATION_OIDS = Map.ofEntries(
            Map.entry("pg_type", 1247L), Map.entry("pg_attribute", 1249L), Map.entry("pg_proc", 1255L),
            Map.entry("pg_class", 1259L), Map.entry("pg_namespace", 2615L), Map.entry("pg_constraint", 2606L),
            Map.entry("pg_index", 2610L), Map.entry("pg_attrdef", 2604L), Map.entry("pg_description", 2609L),
            Map.entry("pg_database", 1262L), Map.entry("pg_am", 2601L), Map.entry("pg_sequence", 2224L),
            Map.entry("pg_publication", 6104L), Map.entry("pg_publication_rel", 6106L),
            Map.entry("pg_publication_namespace", 6237L), Map.entry("pg_inherits", 2611L), Map.entry("pg_depend", 2608L),
            Map.entry("pg_extension", 3079L), Map.entry("pg_event_trigger", 3466L), Map.entry("pg_collation", 3456L),
            Map.entry("pg_tablespace", 1213L), Map.entry("pg_enum", 3501L), Map.entry("pg_trigger", 2620L),
            Map.entry("pg_policy", 3256L), Map.entry("pg_statistic_ext", 3381L), Map.entry("pg_rewrite", 2618L),
            Map.entry("pg_language", 2612L), Map.entry("pg_auth_members", 1261L), Map.entry("pg_subscription", 6100L),
            Map.entry("pg_subscription_rel", 6102L));

    /** PostgreSQL 15's predefined roles (not login roles) with their OIDs. */
    static final Map<Long, String> PREDEFINED_ROLES = Map.ofEntries(
            Map.entry(6171L, "pg_database_owner"), Map.entry(6181L, "pg_read_all_data"), Map.entry(6182L, "pg_write_all_data"),
            Map.entry(3373L, "pg_monitor"), Map.entry(3374L, "pg_read_all_settings"), Map.entry(3375L, "pg_read_all_stats"),
            Map.entry(3377L, "pg_stat_scan_tables"), Map.entry(4569L, "pg_read_server_files"),
            Map.entry(4570L, "pg_write_server_files"), Map.entry(4571L, "pg_execute_server_program"),
            Map.entry(4200L, "pg_signal_backend"), Map.entry(4544L, "pg_checkpoint"));
    /** The owner of schema public in PostgreSQL 15. */
    static final long DATABASE_OWNER_ROLE = 6171;

    private final Connection c;
    private final String database;
    private final List<String> roles;

    CatalogData(Connection c, String database, List<String> roles) {
        this.c = c;
        this.database = database;
        this.roles = roles;
    }

    /** Replaces every row of the model's tables. */
    void load(CatalogSnapshot s) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (String table : CatalogTables.TABLES.keySet()) {
                if (!table.equals("pg_replication_slots") && !table.equals("pg_stat_replication")
                        && !table.equals("pg_stat_activity") && !table.equals("pg_settings")) {
                    st.execute("DELETE FROM " + CatalogTables.PG_CATALOG + "." + table);
                }
            }
        }
        Map<String, Long> nsp = new HashMap<>();
        nsp.put("pg_catalog", PG_CATALOG_OID);
        nsp.put("pg_toast", PG_TOAST_OID);
        nsp.put("information_schema", INFORMATION_SCHEMA_OID);
        insert("pg_namespace", PG_TOAST_OID, "pg_toast", SUPERUSER_OID, null);
        insert("pg_namespace", PG_CATALOG_OID, "pg_catalog", SUPERUSER_OID, null);
        insert("pg_namespace", INFORMATION_SCHEMA_OID, "information_schema", SUPERUSER_OID, null);
        for (Namespace n : s.namespaces()) {
            nsp.put(n.name(), n.oid());
            insert("pg_namespace", n.oid(), n.name(), n.name().equals("public") ? DATABASE_OWNER_ROLE : SUPERUSER_OID, null);
            if (n.comment() != null) {
                insert("pg_description", n.oid(), 2615L, 0, n.comment());
            }
        }
        builtins();
        Map<Long, Long> systemRowTypes = new HashMap<>();
        for (String[] f : builtinTypes()) {
            if (!f[10].equals("0")) {
                systemRowTypes.put(Long.parseLong(f[10]), Long.parseLong(f[0]));
            }
        }
        for (Map.Entry<String, Long> e : SYSTEM_RELATION_OIDS.entrySet()) {
            CatalogTables.Table t = CatalogTables.TABLES.get(e.getKey());
            classRow(e.getValue(), e.getKey(), PG_CATALOG_OID, 'r', (short) (t == null ? 0 : t.columns().size()), false, 'n', false,
                    systemRowTypes.getOrDefault(e.getValue(), 0L));
        }
        Map<Long, List<Index>> indexesByTable = new HashMap<>();
        for (Index i : s.indexes()) {
            indexesByTable.computeIfAbsent(i.tableOid(), k -> new ArrayList<>()).add(i);
        }
        Map<Long, Integer> checks = new HashMap<>();
        java.util.Set<Long> riTriggers = new java.util.HashSet<>();
        for (Constraint con : s.constraints()) {
            if (con.type() == 'c') {
                checks.merge(con.tableOid(), 1, Integer::sum);
            }
            if (con.type() == 'f') {
                riTriggers.add(con.tableOid()); // PostgreSQL enforces a foreign key with triggers on both tables
                riTriggers.add(con.refTableOid());
            }
        }
        for (Relation r : s.relations()) {
            long ns = nsp.getOrDefault(r.schema(), 2200L);
            boolean hasIndex = indexesByTable.containsKey(r.oid());
            boolean rowType = "rvpmf".indexOf(r.kind()) >= 0;
            classRow(r.oid(), r.name(), ns, r.kind(), (short) (r.kind() == 'S' ? 3 : r.columns().size()), hasIndex,
                    r.replicaIdentity(), r.kind() == 'r', rowType ? rowTypeOid(r.oid()) : 0L);
            if (rowType) {
                rowTypes(r.oid(), r.name(), ns);
            }
            if (riTriggers.contains(r.oid())) {
                try (Statement st = c.createStatement()) {
                    st.execute("UPDATE " + CatalogTables.PG_CATALOG + ".pg_class SET relhastriggers = TRUE WHERE oid = " + r.oid());
                }
            }
            if (checks.containsKey(r.oid())) {
                try (Statement st = c.createStatement()) {
                    st.execute("UPDATE " + CatalogTables.PG_CATALOG + ".pg_class SET relchecks = " + checks.get(r.oid())
                            + " WHERE oid = " + r.oid());
                }
            }
            if (r.comment() != null) {
                insert("pg_description", r.oid(), PG_CLASS_OID, 0, r.comment());
            }
            if (r.kind() == 'S') {
                var q = r.sequence();
                insert("pg_sequence", r.oid(), (long) q.typeOid(), q.start(), q.increment(), q.max(), q.min(), q.cache(), q.cycle());
                insert("pg_sequences", r.schema(), r.name(), r.owner(), (long) q.typeOid(), q.start(), q.min(), q.max(),
                        q.increment(), q.cycle(), q.cache(), null);
                sequenceColumns(r.oid());
                continue;
            }
            if (r.kind() == 'v') {
                insert("pg_views", r.schema(), r.name(), r.owner(), r.viewDefinition());
            } else {
                insert("pg_tables", r.schema(), r.name(), r.owner(), null, hasIndex, false, false, false);
            }
            for (Column col : r.columns()) {
                PgType t = PgType.byOid(col.typeOid());
                int len = t == null ? -1 : t.length();
                insert("pg_attribute", r.oid(), col.name(), (long) col.typeOid(), -1, (short) len, col.attnum(),
                        t != null && t.elementOid() != 0 ? 1 : 0, -1, col.typmod(), len == 1 || len == 2 || len == 4 || len == 8,
                        align(len), storage(col.typeOid(), len), "", col.notNull(), col.defaultExpr() != null, false,
                        col.identity() == 0 ? "" : String.valueOf(col.identity()), "", false, true, 0,
                        collation(col.typeOid()), null, null, null, null);
                if (col.defaultExpr() != null) {
                    insert("pg_attrdef", defaultOid(r.oid(), col.attnum()), r.oid(), col.attnum(), col.defaultExpr());
                }
                if (col.comment() != null) {
                    insert("pg_description", r.oid(), PG_CLASS_OID, (int) col.attnum(), col.comment());
                }
                if (col.ownedSequence() != 0) {
                    insert("pg_depend", PG_CLASS_OID, col.ownedSequence(), 0, PG_CLASS_OID, r.oid(), (int) col.attnum(),
                            col.identity() == 0 ? "a" : "i");
                }
            }
        }
        for (Index i : s.indexes()) {
            classRow(i.oid(), i.name(), nsp.getOrDefault(i.schema(), 2200L), 'i', (short) i.columns().size(), false, 'n', false);
            try (Statement st = c.createStatement()) {
                // relpages 1: a btree's metapage, what PostgreSQL records for an index built on an empty table (no
                // VACUUM or ANALYZE runs here to update it)
                st.execute("UPDATE " + CatalogTables.PG_CATALOG + ".pg_class SET relam = " + BTREE_OID + ", relpages = 1 WHERE oid = " + i.oid());
            }
            Short[] keys = i.columns().toArray(Short[]::new);
            Short[] options = new Short[keys.length];
            Long[] classes = new Long[keys.length];
            Long[] collations = new Long[keys.length];
            for (int k = 0; k < keys.length; k++) {
                options[k] = (short) (i.descending().get(k) ? 3 : 0);
                classes[k] = 0L;
                collations[k] = 0L;
            }
            insert("pg_index", i.oid(), i.tableOid(), (short) keys.length, (short) keys.length, i.unique(), false, i.primary(),
                    false, true, false, true, false, true, true, i.replicaIdentity(), keys, collations, classes, options, null, null);
            insert("pg_indexes", i.schema(), nameOf(s, i.tableOid()), i.name(), null, i.definition());
        }
        for (Constraint con : s.constraints()) {
            insert("pg_constraint", con.oid(), con.name(), nsp.getOrDefault(con.schema(), 2200L), String.valueOf(con.type()),
                    con.deferrable(), con.deferred(), true, con.tableOid(), 0L, con.indexOid(), 0L, con.refTableOid(),
                    String.valueOf(con.updateAction()), String.valueOf(con.deleteAction()), con.type() == 'f' ? "s" : " ",
                    true, 0, false, con.columns().toArray(Short[]::new),
                    con.type() == 'f' ? con.refColumns().toArray(Short[]::new) : null, null, null, null, null, null,
                    con.type() == 'c' ? con.definition() : null);
        }
        for (Publication p : s.publications()) {
            insert("pg_publication", p.oid(), p.name(), SUPERUSER_OID, p.allTables(), p.insert(), p.update(), p.delete(),
                    p.truncate(), p.viaRoot());
            int k = 0;
            for (long t : p.tables()) {
                insert("pg_publication_rel", p.oid() * 1000 + (k++), p.oid(), t, null, null);
            }
            for (String schema : p.schemas()) {
                insert("pg_publication_namespace", p.oid() * 1000 + (k++), p.oid(), nsp.getOrDefault(schema, 0L));
            }
            for (Relation r : s.relations()) {
                boolean in = r.kind() == 'r' && (p.allTables() || p.tables().contains(r.oid()) || p.schemas().contains(r.schema()));
                if (in) {
                    String[] names = r.columns().stream().map(Column::name).toArray(String[]::new);
                    Short[] nums = r.columns().stream().map(Column::attnum).toArray(Short[]::new);
                    insert("pg_publication_tables", p.name(), r.schema(), r.name(), names, null);
                    insert("slotway_publication_tables", p.name(), r.oid(), nums, null);
                }
            }
        }
        for (Function f : s.functions()) {
            Long[] args = f.argTypes().stream().map(Integer::longValue).toArray(Long[]::new);
            insert("pg_proc", f.oid(), f.name(), nsp.getOrDefault(f.schema(), 2200L), SUPERUSER_OID,
                    f.language().equalsIgnoreCase("sql") ? 14L : 13500L, 100f, 0f, 0L, "-", String.valueOf(f.kind()), false,
                    false, false, false, "v", "u", (short) args.length, (short) 0, (long) f.resultType(), args, null, null, null,
                    null, null, f.source(), null, null, null, null);
        }
    }

    private String nameOf(CatalogSnapshot s, long oid) {
        for (Relation r : s.relations()) {
            if (r.oid() == oid) {
                return r.name();
            }
        }
        return null;
    }

    /** pg_attrdef's OID for a column default: derived, since the model has none for it. */
    static long defaultOid(long relation, short attnum) {
        return relation * 100 + attnum + 1_000_000_000L;
    }

    private void sequenceColumns(long oid) throws SQLException {
        String[][] cols = {{"last_value", "20"}, {"log_cnt", "20"}, {"is_called", "16"}};
        short n = 1;
        for (String[] col : cols) {
            long type = Long.parseLong(col[1]);
            insert("pg_attribute", oid, col[0], type, -1, (short) (type == 16 ? 1 : 8), n++, 0, -1, -1, true,
                    type == 16 ? "c" : "d", "p", "", true, false, false, "", "", false, true, 0, 0L, null, null, null, null);
        }
    }

    /** typstorage/attstorage: numeric is main, other varlena types extended, fixed-length plain. */
    private static String storage(int typeOid, int len) {
        return typeOid == PgType.NUMERIC.oid() ? "m" : len == -1 ? "x" : "p";
    }

    private static String align(int len) {
        return switch (len) {
            case 1 -> "c";
            case 2 -> "s";
            case 8 -> "d";
            default -> "i";
        };
    }

    private static long collation(int typeOid) {
        return typeOid == 25 || typeOid == 1043 || typeOid == 1042 ? 100L : typeOid == 19 ? 950L : 0L;
    }

    /**
     * The OID of a user relation's row type (and, plus {@link #ARRAY_TYPE_OFFSET}, of its array type): derived from
     * the relation's, so it is stable across restarts without being stored, and far above the OIDs the source hands out.
     */
    static long rowTypeOid(long relOid) {
        return ROW_TYPE_OFFSET + relOid;
    }

    private static final long ROW_TYPE_OFFSET = 0x40000000L;
    private static final long ARRAY_TYPE_OFFSET = 0x20000000L;

    /** A relation's composite row type and its array type, as PostgreSQL creates them with a table or view. */
    private void rowTypes(long relOid, String name, long ns) throws SQLException {
        long type = rowTypeOid(relOid);
        long array = type + ARRAY_TYPE_OFFSET;
        insert("pg_type", type, name, ns, SUPERUSER_OID, (short) -1, false, "c", "C", false, true, ",", relOid, "-", 0L, array,
                "record_in", "record_out", "record_recv", "record_send", "-", "-", "-", "d", "x", false, 0L, -1, 0, 0L, null, null, null);
        insert("pg_type", array, "_" + name, ns, SUPERUSER_OID, (short) -1, false, "b", "A", false, true, ",", 0L,
                "array_subscript_handler", type, 0L, "array_in", "array_out", "array_recv", "array_send", "-", "-",
                "array_typanalyze", "d", "x", false, 0L, -1, 0, 0L, null, null, null);
    }

    private void classRow(long oid, String name, long ns, char kind, short natts, boolean hasIndex, char replident,
                          boolean toast) throws SQLException {
        classRow(oid, name, ns, kind, natts, hasIndex, replident, toast, 0L);
    }

    private void classRow(long oid, String name, long ns, char kind, short natts, boolean hasIndex, char replident,
                          boolean toast, long reltype) throws SQLException {
        insert("pg_class", oid, name, ns, reltype, 0L, SUPERUSER_OID, kind == 'r' ? HEAP_OID : 0L, oid, 0L, 0,
                kind == 'r' ? -1f : 0f, 0, 0L, hasIndex, false, "p", String.valueOf(kind), natts, (short) 0, false, false,
                false, false, false, true, String.valueOf(replident), false, 0L, 0L, 0L, null, null, null);
    }

    private void builtins() throws SQLException {
        insert("pg_database", DATABASE_OID, database, SUPERUSER_OID, 6, "c", false, true, -1, 0L, 1L, 1663L, "C.UTF-8",
                "C.UTF-8", null, null, null);
        long roleOid = SUPERUSER_OID;
        for (String role : roles) {
            boolean superuser = roleOid == SUPERUSER_OID;
            insert("pg_roles", role, superuser, true, superuser, superuser, true, superuser, -1, "********", null, superuser,
                    null, roleOid);
            insert("pg_user", role, roleOid, superuser, superuser, superuser, superuser, "********", null, null);
            roleOid = roleOid == SUPERUSER_OID ? 16000 : roleOid + 1;
        }
        for (Map.Entry<Long, String> r : new java.util.TreeMap<>(PREDEFINED_ROLES).entrySet()) {
            insert("pg_roles", r.getValue(), false, true, false, false, false, false, -1, "********", null, false, null, r.getKey());
        }
        for (long role : new long[] {3374L, 3375L, 3377L}) {
            insert("pg_auth_members", role, 3373L, SUPERUSER_OID, false); // initdb grants these to pg_monitor
        }
        insert("pg_am", HEAP_OID, "heap", "heap_tableam_handler", "t");
        insert("pg_am", BTREE_OID, "btree", "bthandler", "i");
        insert("pg_am", 405L, "hash", "hashhandler", "i");
        insert("pg_am", 783L, "gist", "gisthandler", "i");
        insert("pg_am", 2742L, "gin", "ginhandler", "i");
        insert("pg_am", 4000L, "spgist", "spghandler", "i");
        insert("pg_am", 3580L, "brin", "brinhandler", "i");
        insert("pg_collation", 100L, "default", PG_CATALOG_OID, SUPERUSER_OID, "d", true, -1, null, null, null, null);
        insert("pg_collation", 950L, "C", PG_CATALOG_OID, SUPERUSER_OID, "c", true, -1, "C", "C", null, null);
        insert("pg_collation", 951L, "POSIX", PG_CATALOG_OID, SUPERUSER_OID, "c", true, -1, "POSIX", "POSIX", null, null);
        insert("pg_tablespace", 1663L, "pg_default", SUPERUSER_OID, null, null);
        insert("pg_tablespace", 1664L, "pg_global", SUPERUSER_OID, null, null);
        insert("pg_language", 12L, "internal", SUPERUSER_OID, false, false, 0L, 0L, 2246L, null);
        insert("pg_language", 13L, "c", SUPERUSER_OID, false, false, 0L, 0L, 2247L, null);
        insert("pg_language", 14L, "sql", SUPERUSER_OID, false, true, 0L, 0L, 2248L, null);
        insert("pg_language", 13500L, "plpgsql", SUPERUSER_OID, true, true, 0L, 0L, 0L, null);
        // PostgreSQL 15's built-in types as a real PostgreSQL 15 lists them (scripts/gen-pg-type), then any type of
        // PgType that table lacks
        java.util.Set<Long> typeOids = new java.util.HashSet<>();
        for (String[] f : builtinTypes()) {
            long ns = f[2].equals("information_schema") ? INFORMATION_SCHEMA_OID : PG_CATALOG_OID;
            insert("pg_type", Long.parseLong(f[0]), f[1], ns, SUPERUSER_OID, Short.parseShort(f[3]), f[4].equals("t"), f[5], f[6],
                    f[7].equals("t"), f[8].equals("t"), f[9], Long.parseLong(f[10]), f[11], Long.parseLong(f[12]),
                    Long.parseLong(f[13]), f[14], f[15], f[16], f[17], f[18], f[19], f[20], f[21], f[22], f[23].equals("t"),
                    Long.parseLong(f[24]), Integer.parseInt(f[25]), Integer.parseInt(f[26]), Long.parseLong(f[27]), null, f[28], null);
            typeOids.add(Long.parseLong(f[0]));
        }
        for (PgType t : PgType.all()) {
            if (typeOids.contains((long) t.oid())) {
                continue;
            }
            boolean array = t.elementOid() != 0;
            boolean pseudo = t.category() == 'P' || t.oid() == PgType.UNKNOWN.oid();
            int len = t.length();
            String base = array ? "array" : t.name();
            insert("pg_type", (long) t.oid(), t.name(), PG_CATALOG_OID, SUPERUSER_OID, (short) len,
                    len == 1 || len == 2 || len == 4 || len == 8, pseudo ? "p" : "b", String.valueOf(t.category()),
                    preferred(t), true, ",", 0L, array ? "array_subscript_handler" : "-", (long) t.elementOid(),
                    (long) t.arrayOid(), base + (array ? "_in" : "in"), base + (array ? "_out" : "out"),
                    base + (array ? "_recv" : "recv"), base + (array ? "_send" : "send"), "-", "-", array ? "array_typanalyze" : "-",
                    array ? (len == 8 ? "d" : "i") : align(len), storage(t.oid(), len), false, 0L, -1, 0,
                    collation(t.oid()), null, null, null);
        }
    }

    /** The rows of {@code pg_type.tsv} (COPY text format), read once. */
    private static List<String[]> builtinTypes() {
        List<String[]> rows = BUILTIN_TYPES;
        if (rows != null) {
            return rows;
        }
        rows = new ArrayList<>();
        try (var in = CatalogData.class.getResourceAsStream("pg_type.tsv")) {
            if (in != null) {
                for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                    if (line.isEmpty()) {
                        continue;
                    }
                    String[] f = line.split("\t", -1);
                    for (int i = 0; i < f.length; i++) {
                        f[i] = f[i].equals("\\N") ? null : unescape(f[i]);
                    }
                    rows.add(f);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        BUILTIN_TYPES = List.copyOf(rows);
        return BUILTIN_TYPES;
    }

    private static volatile List<String[]> BUILTIN_TYPES;

    /** COPY text's backslash escapes. */
    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                b.append(switch (n) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> n;
                });
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }

    private static boolean preferred(PgType t) {
        return switch (t.name()) {
            case "bool", "text", "oid", "float8", "timestamptz", "interval" -> true;
            default -> false;
        };
    }

    private void insert(String table, Object... values) throws SQLException {
        CatalogTables.Table t = CatalogTables.TABLES.get(table);
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(CatalogTables.PG_CATALOG).append('.').append(table).append(" (");
        StringBuilder marks = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            sql.append(i == 0 ? "" : ", ").append('"').append(t.columns().get(i).name()).append('"');
            marks.append(i == 0 ? "?" : ", ?");
        }
        sql.append(") VALUES (").append(marks).append(')');
        try (PreparedStatement p = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < values.length; i++) {
                Object v = values[i];
                if (v instanceof Object[] arr) {
                    p.setObject(i + 1, arr);
                } else {
                    p.setObject(i + 1, v);
                }
            }
            p.executeUpdate();
        }
    }
}
