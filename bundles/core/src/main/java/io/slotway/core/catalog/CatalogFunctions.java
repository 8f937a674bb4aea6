package io.slotway.core.catalog;

import io.slotway.api.catalog.CatalogSnapshot;
import io.slotway.api.catalog.CatalogSnapshot.Constraint;
import io.slotway.api.catalog.CatalogSnapshot.Function;
import io.slotway.api.catalog.CatalogSnapshot.Index;
import io.slotway.api.catalog.CatalogSnapshot.Namespace;
import io.slotway.api.catalog.CatalogSnapshot.Relation;
import io.slotway.api.sql.PgIdentifiers;
import io.slotway.api.types.PgType;
import io.slotway.api.types.PgTypeNames;
import io.slotway.core.session.ServerInfo;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * PostgreSQL's catalog functions as static methods H2 calls through {@code CREATE ALIAS} (named
 * {@code sw_<name>} in the engine's {@code pg_catalog} schema; the rewriter renames calls). They read the
 * catalog model and the calling session from {@link #CONTEXT}, set for the duration of one execution.
 */
public final class CatalogFunctions {
    /** What the functions see: the model as loaded, and who is asking. */
    record Context(Model model, CatalogEngine.Client client) {}

    /** The snapshot indexed by OID and name. */
    static final class Model {
        final CatalogSnapshot snapshot;
        final Map<Long, Relation> relations = new HashMap<>();
        final Map<String, Relation> relationsByName = new HashMap<>();
        final Map<Long, Index> indexes = new HashMap<>();
        final Map<Long, Constraint> constraints = new HashMap<>();
        final Map<Long, Function> functions = new HashMap<>();
        final Map<Long, String> namespaces = new HashMap<>();
        final Map<String, Long> namespaceOids = new HashMap<>();

        Model(CatalogSnapshot s) {
            this.snapshot = s;
            namespaces.put(CatalogData.PG_CATALOG_OID, "pg_catalog");
            namespaces.put(CatalogData.PG_TOAST_OID, "pg_toast");
            namespaces.put(CatalogData.INFORMATION_SCHEMA_OID, "information_schema");
            for (Namespace n : s.namespaces()) {
                namespaces.put(n.oid(), n.name());
            }
            for (Map.Entry<Long, String> e : namespaces.entrySet()) {
                namespaceOids.put(e.getValue(), e.getKey());
            }
            for (Relation r : s.relations()) {
                relations.put(r.oid(), r);
                relationsByName.put(r.schema() + "." + r.name(), r);
            }
            for (Index i : s.indexes()) {
                indexes.put(i.oid(), i);
            }
            for (Constraint c : s.constraints()) {
                constraints.put(c.oid(), c);
            }
            for (Function f : s.functions()) {
                functions.put(f.oid(), f);
            }
        }
    }

    static final ThreadLocal<Context> CONTEXT = new ThreadLocal<>();

    /** alias name, method name: every function the rewriter may call. */
    static final String[][] ALIASES = {
            {"sw_format_type", "formatType"}, {"sw_pg_get_expr", "pgGetExpr"}, {"sw_pg_get_indexdef", "pgGetIndexdef"},
            {"sw_pg_get_constraintdef", "pgGetConstraintdef"}, {"sw_pg_get_viewdef", "pgGetViewdef"},
            {"sw_pg_get_serial_sequence", "pgGetSerialSequence"}, {"sw_pg_get_replica_identity_index", "pgGetReplicaIdentityIndex"},
            {"sw_pg_table_is_visible", "pgTableIsVisible"}, {"sw_pg_function_is_visible", "pgTableIsVisible"},
            {"sw_pg_type_is_visible", "pgTableIsVisible"}, {"sw_has_privilege", "hasPrivilege"},
            {"sw_current_setting", "currentSetting"}, {"sw_version", "version"}, {"sw_current_database", "currentDatabase"},
            {"sw_current_schema", "currentSchema"}, {"sw_current_schemas", "currentSchemas"}, {"sw_current_user", "currentUser"},
            {"sw_pg_backend_pid", "pgBackendPid"}, {"sw_pg_is_in_recovery", "pgIsInRecovery"},
            {"sw_obj_description", "objDescription"}, {"sw_col_description", "colDescription"},
            {"sw_shobj_description", "shobjDescription"}, {"sw_pg_get_userbyid", "pgGetUserbyid"},
            {"sw_pg_encoding_to_char", "pgEncodingToChar"}, {"sw_array_to_string", "arrayToString"},
            {"sw_array_upper", "arrayUpper"}, {"sw_array_lower", "arrayLower"}, {"sw_array_length", "arrayUpper"},
            {"sw_array_position", "arrayPosition"}, {"sw_regclass_in", "regclassIn"}, {"sw_regclass_name", "regclassName"},
            {"sw_regtype_in", "regtypeIn"}, {"sw_regtype_name", "regtypeName"}, {"sw_regnamespace_name", "regnamespaceName"},
            {"sw_pg_relation_is_publishable", "pgRelationIsPublishable"}, {"sw_pg_partition_ancestors", "pgPartitionAncestors"},
            {"sw_pg_partition_ancestors_array", "pgPartitionAncestorsArray"},
            {"sw_pg_get_function_result", "pgGetFunctionResult"}, {"sw_pg_get_function_arguments", "pgGetFunctionArguments"},
            {"sw_pg_get_statisticsobjdef_columns", "nullOf"}, {"sw_pg_get_triggerdef", "pgGetTriggerdef"},
            {"sw_pg_has_role", "hasPrivilege"}, {"sw_quote_ident", "quoteIdent"}, {"sw_format_type_be", "formatTypeBe"},
            {"sw_information_data_type", "informationDataType"}, {"sw_information_char_length", "informationCharLength"},
            {"sw_information_numeric_precision", "informationNumericPrecision"},
            {"sw_information_numeric_scale", "informationNumericScale"}, {"sw_pg_get_keywords", "nullOf"},
            {"sw_to_regclass", "toRegclass"}, {"sw_pg_postmaster_start_time", "postmasterStartTime"},
            {"sw_inet_server_port", "nullOf"}, {"sw_inet_server_addr", "nullOf"}, {"sw_pg_encoding_max_length", "one"},
            {"sw_pg_char_to_encoding", "six"},
    };

    /** Return types (PostgreSQL typname) of the functions, for result columns. */
    static final Map<String, String> RESULT_TYPES = Map.ofEntries(
            Map.entry("format_type", "text"), Map.entry("pg_get_expr", "text"), Map.entry("pg_get_indexdef", "text"),
            Map.entry("pg_get_constraintdef", "text"), Map.entry("pg_get_viewdef", "text"),
            Map.entry("pg_get_serial_sequence", "text"), Map.entry("pg_get_replica_identity_index", "regclass"),
            Map.entry("pg_table_is_visible", "bool"), Map.entry("pg_function_is_visible", "bool"),
            Map.entry("pg_type_is_visible", "bool"), Map.entry("has_table_privilege", "bool"),
            Map.entry("has_schema_privilege", "bool"), Map.entry("has_database_privilege", "bool"),
            Map.entry("has_column_privilege", "bool"), Map.entry("has_sequence_privilege", "bool"),
            Map.entry("has_function_privilege", "bool"), Map.entry("current_setting", "text"), Map.entry("version", "text"),
            Map.entry("current_database", "name"), Map.entry("current_schema", "name"), Map.entry("current_schemas", "_name"),
            Map.entry("current_user", "name"), Map.entry("session_user", "name"), Map.entry("user", "name"),
            Map.entry("pg_backend_pid", "int4"), Map.entry("pg_is_in_recovery", "bool"),
            Map.entry("obj_description", "text"), Map.entry("col_description", "text"), Map.entry("shobj_description", "text"),
            Map.entry("pg_get_userbyid", "name"), Map.entry("pg_encoding_to_char", "name"), Map.entry("array_to_string", "text"),
            Map.entry("array_upper", "int4"), Map.entry("array_lower", "int4"), Map.entry("array_length", "int4"),
            Map.entry("array_position", "int4"), Map.entry("pg_relation_is_publishable", "bool"),
            Map.entry("pg_get_function_result", "text"), Map.entry("pg_get_function_arguments", "text"),
            Map.entry("pg_get_statisticsobjdef_columns", "text"), Map.entry("pg_get_triggerdef", "text"),
            Map.entry("pg_has_role", "bool"), Map.entry("quote_ident", "text"), Map.entry("format_type_be", "text"),
            Map.entry("count", "int8"), Map.entry("row_number", "int8"), Map.entry("string_agg", "text"),
            Map.entry("to_regclass", "regclass"), Map.entry("pg_postmaster_start_time", "timestamptz"),
            Map.entry("pg_encoding_max_length", "int4"), Map.entry("pg_char_to_encoding", "int4"),
            Map.entry("pg_partition_ancestors", "regclass"));

    /** The functions whose calls the engine answers (the rest of a statement's calls go to H2 or mark it for the source). */
    static final Map<String, String> PG_NAMES = new HashMap<>();

    static {
        for (String[] a : ALIASES) {
            PG_NAMES.put(a[0].substring(3), a[0]);
        }
        for (String p : List.of("has_table_privilege", "has_schema_privilege", "has_database_privilege", "has_column_privilege",
                "has_sequence_privilege", "has_function_privilege", "has_any_column_privilege", "has_type_privilege")) {
            PG_NAMES.put(p, "sw_has_privilege");
        }
        PG_NAMES.remove("has_privilege");
        PG_NAMES.remove("regclass_in");
        PG_NAMES.remove("regclass_name");
        PG_NAMES.remove("regtype_in");
        PG_NAMES.remove("regtype_name");
        PG_NAMES.remove("regnamespace_name");
        PG_NAMES.remove("pg_partition_ancestors_array");
        PG_NAMES.remove("information_data_type");
        PG_NAMES.remove("information_char_length");
        PG_NAMES.remove("information_numeric_precision");
        PG_NAMES.remove("information_numeric_scale");
    }

    private static final long STARTED = System.currentTimeMillis();

    private CatalogFunctions() {}

    private static Context ctx() {
        Context c = CONTEXT.get();
        if (c == null) {
            throw new IllegalStateException("catalog function called outside a catalog query");
        }
        return c;
    }

    private static Model model() {
        return ctx().model();
    }

    public static String formatType(Long oid, Integer typmod) {
        if (oid == null) {
            return null;
        }
        return PgTypeNames.formatType(oid.intValue(), typmod == null ? -1 : typmod);
    }

    public static String formatTypeBe(Long oid) {
        return oid == null ? null : PgTypeNames.formatTypeBe(oid.intValue());
    }

    public static String pgGetExpr(String expr, Long relation) {
        return expr;
    }

    public static String pgGetExpr(String expr, Long relation, Boolean pretty) {
        return expr;
    }

    public static String pgGetIndexdef(Long oid) {
        return pgGetIndexdef(oid, 0, false);
    }

    public static String pgGetIndexdef(Long oid, Integer column, Boolean pretty) {
        if (oid == null) {
            return null;
        }
        Index i = model().indexes.get(oid);
        if (i == null) {
            return null;
        }
        if (column != null && column > 0) {
            if (column > i.columns().size()) {
                return "";
            }
            Relation r = model().relations.get(i.tableOid());
            short attnum = i.columns().get(column - 1);
            if (r != null) {
                for (var col : r.columns()) {
                    if (col.attnum() == attnum) {
                        return PgIdentifiers.quote(col.name());
                    }
                }
            }
            return "";
        }
        String def = i.definition();
        Relation r = model().relations.get(i.tableOid());
        if (Boolean.TRUE.equals(pretty) && r != null && visible(r.schema())) {
            // pg_get_indexdef_worker: with PRETTYFLAG_SCHEMA (pretty) the table is named as the search path sees it
            // (generate_relation_name), otherwise always qualified (generate_qualified_relation_name)
            String qualified = " ON " + PgIdentifiers.quoteQualified(r.schema(), r.name()) + " ";
            int at = def.indexOf(qualified);
            if (at >= 0) {
                def = def.substring(0, at) + " ON " + PgIdentifiers.quote(r.name()) + " " + def.substring(at + qualified.length());
            }
        }
        return def;
    }

    public static String pgGetConstraintdef(Long oid) {
        return pgGetConstraintdef(oid, false);
    }

    public static String pgGetConstraintdef(Long oid, Boolean pretty) {
        if (oid == null) {
            return null;
        }
        Constraint c = model().constraints.get(oid);
        if (c == null) {
            return null;
        }
        return Boolean.TRUE.equals(pretty) ? c.prettyDefinition() : c.definition();
    }

    public static String pgGetViewdef(String view) {
        return pgGetViewdef(view, false);
    }

    public static String pgGetViewdef(String view, Boolean pretty) {
        Relation r = view != null && view.matches("[0-9]+") ? model().relations.get(Long.parseLong(view)) : relationByText(view);
        return r == null ? null : r.viewDefinition();
    }

    public static String pgGetSerialSequence(String table, String column) {
        Relation r = relationByText(table);
        if (r == null) {
            return null;
        }
        for (var col : r.columns()) {
            if (col.name().equals(column) && col.ownedSequence() != 0) {
                Relation seq = model().relations.get(col.ownedSequence());
                return seq == null ? null : PgIdentifiers.quoteQualified(seq.schema(), seq.name());
            }
        }
        return null;
    }

    public static Long pgGetReplicaIdentityIndex(Long table) {
        if (table == null) {
            return null;
        }
        Relation r = model().relations.get(table);
        if (r == null) {
            return null;
        }
        Index primary = null;
        for (Index i : model().snapshot.indexes()) {
            if (i.tableOid() == table) {
                if (i.replicaIdentity() && r.replicaIdentity() == 'i') {
                    return i.oid();
                }
                if (i.primary()) {
                    primary = i;
                }
            }
        }
        return r.replicaIdentity() == 'd' && primary != null ? primary.oid() : null;
    }

    public static Boolean pgTableIsVisible(Long oid) {
        if (oid == null) {
            return null;
        }
        Relation r = model().relations.get(oid);
        if (r != null) {
            return visible(r.schema());
        }
        Function f = model().functions.get(oid);
        if (f != null) {
            return visible(f.schema());
        }
        return true; // system objects are in pg_catalog, always searched
    }

    private static boolean visible(String schema) {
        return schema.equals("pg_catalog") || searchPath().contains(schema);
    }

    /** The schemas of search_path that exist, in order ({@code $user} resolved). */
    static List<String> searchPath() {
        Context c = ctx();
        String path = c.client().setting("search_path");
        List<String> out = new ArrayList<>();
        if (path == null) {
            return out;
        }
        for (String part : path.split(",")) {
            String p = part.trim();
            if (p.startsWith("\"") && p.endsWith("\"") && p.length() >= 2) {
                p = p.substring(1, p.length() - 1).replace("\"\"", "\"");
            } else {
                p = p.toLowerCase(Locale.ROOT);
            }
            if (p.equals("$user")) {
                p = c.client().user();
            }
            if (!p.isEmpty() && c.model().namespaceOids.containsKey(p) && !out.contains(p)) {
                out.add(p);
            }
        }
        return out;
    }

    public static Boolean hasPrivilege(String... args) {
        return true;
    }

    public static String currentSetting(String name) {
        String v = ctx().client().setting(name);
        if (v == null) {
            throw new IllegalArgumentException("unrecognized configuration parameter \"" + name + "\"");
        }
        return v;
    }

    public static String currentSetting(String name, Boolean missingOk) {
        String v = ctx().client().setting(name);
        if (v == null && !Boolean.TRUE.equals(missingOk)) {
            throw new IllegalArgumentException("unrecognized configuration parameter \"" + name + "\"");
        }
        return v;
    }

    public static String version() {
        return "PostgreSQL " + ServerInfo.SERVER_VERSION + " on x86_64-pc-linux-gnu, compiled by javac, 64-bit";
    }

    public static String currentDatabase() {
        return ctx().client().database();
    }

    public static String currentSchema() {
        List<String> path = searchPath();
        return path.isEmpty() ? null : path.get(0);
    }

    public static String[] currentSchemas(Boolean implicit) {
        List<String> out = new ArrayList<>();
        if (Boolean.TRUE.equals(implicit)) {
            out.add("pg_catalog");
        }
        for (String s : searchPath()) {
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        return out.toArray(String[]::new);
    }

    public static String currentUser() {
        return ctx().client().user();
    }

    public static Integer pgBackendPid() {
        return ctx().client().pid();
    }

    public static Boolean pgIsInRecovery() {
        return false;
    }

    public static String objDescription(Long oid) {
        return objDescription(oid, null);
    }

    public static String objDescription(Long oid, String catalog) {
        if (oid == null) {
            return null;
        }
        Relation r = model().relations.get(oid);
        if (r != null && (catalog == null || catalog.equals("pg_class"))) {
            return r.comment();
        }
        for (Namespace n : model().snapshot.namespaces()) {
            if (n.oid() == oid && (catalog == null || catalog.equals("pg_namespace"))) {
                return n.comment();
            }
        }
        return null;
    }

    public static String shobjDescription(Long oid, String catalog) {
        return null;
    }

    public static String colDescription(Long oid, Integer attnum) {
        if (oid == null || attnum == null) {
            return null;
        }
        Relation r = model().relations.get(oid);
        if (r == null) {
            return null;
        }
        for (var col : r.columns()) {
            if (col.attnum() == attnum) {
                return col.comment();
            }
        }
        return null;
    }

    public static String pgGetUserbyid(Long oid) {
        if (oid == null) {
            return null;
        }
        if (oid == CatalogData.SUPERUSER_OID) {
            return ctx().client().superuser();
        }
        String predefined = CatalogData.PREDEFINED_ROLES.get(oid);
        if (predefined != null) {
            return predefined;
        }
        return "unknown (OID=" + oid + ")";
    }

    public static String pgEncodingToChar(Integer encoding) {
        return encoding != null && encoding == 6 ? "UTF8" : encoding != null && encoding == 0 ? "SQL_ASCII" : "";
    }

    public static Integer one(String x) {
        return 1;
    }

    public static Integer six(String x) {
        return 6;
    }

    public static String arrayToString(String[] array, String sep) {
        return arrayToString(array, sep, null);
    }

    public static String arrayToString(String[] array, String sep, String nullString) {
        if (array == null || sep == null) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        boolean first = true;
        for (String o : array) {
            if (o == null && nullString == null) {
                continue;
            }
            b.append(first ? "" : sep).append(o == null ? nullString : o);
            first = false;
        }
        return b.toString();
    }

    public static Integer arrayUpper(String[] array, Integer dim) {
        if (array == null || dim == null || dim != 1 || array.length == 0) {
            return null;
        }
        return array.length;
    }

    public static Integer arrayLower(String[] array, Integer dim) {
        if (array == null || dim == null || dim != 1 || array.length == 0) {
            return null;
        }
        return 1;
    }

    public static Integer arrayPosition(String[] array, String element) {
        if (array == null) {
            return null;
        }
        for (int i = 0; i < array.length; i++) {
            if (element != null && String.valueOf(element).equals(String.valueOf(array[i]))) {
                return i + 1;
            }
        }
        return null;
    }

    /** {@code 'name'::regclass}: the OID of a relation named as PostgreSQL's regclass input reads it (or a number). */
    public static Long regclassIn(String value) {
        if (value == null) {
            return null;
        }
        String text = value.trim();
        if (text.matches("[0-9]+")) {
            return Long.parseLong(text);
        }
        Long oid = toRegclass(text);
        if (oid == null) {
            throw new IllegalArgumentException("relation \"" + text + "\" does not exist");
        }
        return oid;
    }

    public static Long toRegclass(String text) {
        if (text == null) {
            return null;
        }
        List<String> parts = splitQualified(text);
        String name = parts.get(parts.size() - 1);
        if (parts.size() == 2) {
            Relation r = model().relationsByName.get(parts.get(0) + "." + name);
            if (r != null) {
                return r.oid();
            }
            if (parts.get(0).equals("pg_catalog")) {
                return CatalogData.SYSTEM_RELATION_OIDS.get(name);
            }
            return null;
        }
        Long system = CatalogData.SYSTEM_RELATION_OIDS.get(name);
        if (system != null) {
            return system;
        }
        for (String schema : searchPath()) {
            Relation r = model().relationsByName.get(schema + "." + name);
            if (r != null) {
                return r.oid();
            }
        }
        for (Index i : model().snapshot.indexes()) {
            if (i.name().equals(name) && searchPath().contains(i.schema())) {
                return i.oid();
            }
        }
        return null;
    }

    private static List<String> splitQualified(String text) {
        List<String> parts = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '"') {
                if (quoted && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else {
                    quoted = !quoted;
                }
            } else if (ch == '.' && !quoted) {
                parts.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(quoted ? ch : Character.toLowerCase(ch));
            }
        }
        parts.add(cur.toString());
        return parts;
    }

    /** regclass output: the relation's name, qualified when its schema is not visible; the number when unknown. */
    public static String regclassName(Long oid) {
        if (oid == null) {
            return null;
        }
        Relation r = model().relations.get(oid);
        if (r != null) {
            return visible(r.schema()) ? PgIdentifiers.quote(r.name()) : PgIdentifiers.quoteQualified(r.schema(), r.name());
        }
        Index i = model().indexes.get(oid);
        if (i != null) {
            return visible(i.schema()) ? PgIdentifiers.quote(i.name()) : PgIdentifiers.quoteQualified(i.schema(), i.name());
        }
        for (Map.Entry<String, Long> e : CatalogData.SYSTEM_RELATION_OIDS.entrySet()) {
            if (e.getValue().equals(oid)) {
                return e.getKey();
            }
        }
        return String.valueOf(oid);
    }

    public static Long regtypeIn(String value) {
        if (value == null) {
            return null;
        }
        String text = value.trim().toLowerCase(Locale.ROOT);
        if (text.matches("[0-9]+")) {
            return Long.parseLong(text);
        }
        if (text.startsWith("pg_catalog.")) {
            text = text.substring("pg_catalog.".length());
        }
        for (PgType t : PgType.all()) {
            if (t.name().equals(text) || PgTypeNames.formatTypeBe(t.oid()).equals(text)) {
                return (long) t.oid();
            }
        }
        throw new IllegalArgumentException("type \"" + value + "\" does not exist");
    }

    /** A type's OID from its name as regtype prints it, or null. */
    static Long regtypeOid(String text) {
        try {
            return regtypeIn(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public static String regtypeName(Long oid) {
        return oid == null ? null : oid == 0 ? "-" : PgTypeNames.formatTypeBe(oid.intValue());
    }

    public static String regnamespaceName(Long oid) {
        if (oid == null) {
            return null;
        }
        String n = model().namespaces.get(oid);
        return n == null ? String.valueOf(oid) : PgIdentifiers.quote(n);
    }

    /** A schema's OID from its name as regnamespace prints it, or null. */
    static Long namespaceOid(String text) {
        List<String> parts = splitQualified(text);
        return model().namespaceOids.get(parts.get(0));
    }

    public static Boolean pgRelationIsPublishable(Long oid) {
        if (oid == null) {
            return null;
        }
        Relation r = model().relations.get(oid);
        return r != null && r.kind() == 'r';
    }

    /** {@code pg_partition_ancestors(rel)}: without partitioning, the relation itself. */
    public static Long pgPartitionAncestors(Long oid) {
        return oid;
    }

    /** pg_partition_ancestors as an array, for the rewriter's series over it (see CatalogSql). */
    public static Long[] pgPartitionAncestorsArray(Long oid) {
        return oid == null ? new Long[0] : new Long[] {oid};
    }

    public static String pgGetFunctionResult(Long oid) {
        Function f = oid == null ? null : model().functions.get(oid);
        return f == null ? null : f.result();
    }

    public static String pgGetFunctionArguments(Long oid) {
        Function f = oid == null ? null : model().functions.get(oid);
        return f == null ? null : f.arguments();
    }

    public static String pgGetTriggerdef(Long oid, Boolean pretty) {
        return null;
    }

    public static String nullOf(String x) {
        return null;
    }

    public static String quoteIdent(String s) {
        return s == null ? null : PgIdentifiers.quote(s);
    }

    public static java.sql.Timestamp postmasterStartTime() {
        return new java.sql.Timestamp(STARTED);
    }

    // information_schema helpers

    public static String informationDataType(Long type, Integer typmod) {
        if (type == null) {
            return null;
        }
        PgType t = PgType.byOid(type.intValue());
        if (t != null && t.elementOid() != 0) {
            return "ARRAY";
        }
        if (type == 1042) {
            return "character"; // format_type(oid, NULL): no typmod given, so not the "bpchar" of typmod -1
        }
        return PgTypeNames.formatType(type.intValue(), -1);
    }

    public static Integer informationCharLength(Long type, Integer typmod) {
        if (type == null || typmod == null || typmod < 0) {
            return null;
        }
        return type == 1043 || type == 1042 ? typmod - 4 : null;
    }

    public static Integer informationNumericPrecision(Long type, Integer typmod) {
        if (type == null) {
            return null;
        }
        return switch (type.intValue()) {
            case 21 -> 16;
            case 23 -> 32;
            case 20 -> 64;
            case 700 -> 24;
            case 701 -> 53;
            case 1700 -> typmod == null || typmod < 0 ? null : ((typmod - 4) >> 16) & 0xffff;
            default -> null;
        };
    }

    public static Integer informationNumericScale(Long type, Integer typmod) {
        if (type == null) {
            return null;
        }
        return switch (type.intValue()) {
            case 21, 23, 20 -> 0;
            case 1700 -> typmod == null || typmod < 0 ? null : (typmod - 4) & 0xffff;
            default -> null;
        };
    }

    private static Relation relationByText(String text) {
        Long oid = toRegclass(text);
        return oid == null ? null : model().relations.get(oid);
    }
}
