package io.slotway.core.catalog;

import io.slotway.api.types.PgType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code pg_catalog} relations the engine holds, with PostgreSQL 15's column names, order and types.
 * One definition serves three purposes: the H2 DDL, the PostgreSQL type of each column in a result, and
 * the row layout {@link CatalogData} fills.
 */
final class CatalogTables {
    /** The H2 schema standing in for {@code pg_catalog} (H2 has a built-in {@code pg_catalog} of its own). */
    static final String PG_CATALOG = "pgcat";
    /** The H2 schema standing in for {@code information_schema} (H2's own is built in). */
    static final String INFORMATION_SCHEMA = "pgis";

    /** A column: its name and its PostgreSQL type name as {@code pg_type.typname} spells it ({@code _text} for text[]). */
    record Col(String name, String type) {
        String h2Type() {
            return h2(type);
        }
    }

    record Table(String name, List<Col> columns) {
        Col column(String col) {
            for (Col c : columns) {
                if (c.name().equals(col)) {
                    return c;
                }
            }
            return null;
        }
    }

    static final Map<String, Table> TABLES = new LinkedHashMap<>();

    /**
     * Where pg_settings' rows are: one set per backend (column {@code backend} first), pg_settings being the view of
     * the asking backend's rows.
     */
    static final String SETTINGS_TABLE = "slotway_settings";

    private static void table(String name, String spec) {
        List<Col> cols = new ArrayList<>();
        for (String part : spec.split(",")) {
            String[] nt = part.trim().split("\\s+");
            cols.add(new Col(nt[0], nt[1]));
        }
        TABLES.put(name, new Table(name, List.copyOf(cols)));
    }

    static {
        table("pg_namespace", "oid oid, nspname name, nspowner oid, nspacl _aclitem");
        table("pg_class", "oid oid, relname name, relnamespace oid, reltype oid, reloftype oid, relowner oid, relam oid,"
                + " relfilenode oid, reltablespace oid, relpages int4, reltuples float4, relallvisible int4, reltoastrelid oid,"
                + " relhasindex bool, relisshared bool, relpersistence char, relkind char, relnatts int2, relchecks int2,"
                + " relhasrules bool, relhastriggers bool, relhassubclass bool, relrowsecurity bool, relforcerowsecurity bool,"
                + " relispopulated bool, relreplident char, relispartition bool, relrewrite oid, relfrozenxid xid,"
                + " relminmxid xid, relacl _aclitem, reloptions _text, relpartbound pg_node_tree");
        table("pg_attribute", "attrelid oid, attname name, atttypid oid, attstattarget int4, attlen int2, attnum int2,"
                + " attndims int4, attcacheoff int4, atttypmod int4, attbyval bool, attalign char, attstorage char,"
                + " attcompression char, attnotnull bool, atthasdef bool, atthasmissing bool, attidentity char,"
                + " attgenerated char, attisdropped bool, attislocal bool, attinhcount int4, attcollation oid,"
                + " attacl _aclitem, attoptions _text, attfdwoptions _text, attmissingval _text");
        table("pg_type", "oid oid, typname name, typnamespace oid, typowner oid, typlen int2, typbyval bool, typtype char,"
                + " typcategory char, typispreferred bool, typisdefined bool, typdelim char, typrelid oid, typsubscript regproc,"
                + " typelem oid, typarray oid, typinput regproc, typoutput regproc, typreceive regproc, typsend regproc,"
                + " typmodin regproc, typmodout regproc, typanalyze regproc, typalign char, typstorage char, typnotnull bool,"
                + " typbasetype oid, typtypmod int4, typndims int4, typcollation oid, typdefaultbin pg_node_tree,"
                + " typdefault text, typacl _aclitem");
        table("pg_index", "indexrelid oid, indrelid oid, indnatts int2, indnkeyatts int2, indisunique bool,"
                + " indnullsnotdistinct bool, indisprimary bool, indisexclusion bool, indimmediate bool, indisclustered bool,"
                + " indisvalid bool, indcheckxmin bool, indisready bool, indislive bool, indisreplident bool, indkey int2vector,"
                + " indcollation oidvector, indclass oidvector, indoption int2vector, indexprs pg_node_tree, indpred pg_node_tree");
        table("pg_constraint", "oid oid, conname name, connamespace oid, contype char, condeferrable bool, condeferred bool,"
                + " convalidated bool, conrelid oid, contypid oid, conindid oid, conparentid oid, confrelid oid,"
                + " confupdtype char, confdeltype char, confmatchtype char, conislocal bool, coninhcount int4,"
                + " connoinherit bool, conkey _int2, confkey _int2, conpfeqop _oid, conppeqop _oid, conffeqop _oid,"
                + " confdelsetcols _int2, conexclop _oid, conbin pg_node_tree");
        table("pg_attrdef", "oid oid, adrelid oid, adnum int2, adbin pg_node_tree");
        table("pg_description", "objoid oid, classoid oid, objsubid int4, description text");
        table("pg_database", "oid oid, datname name, datdba oid, encoding int4, datlocprovider char, datistemplate bool,"
                + " datallowconn bool, datconnlimit int4, datfrozenxid xid, datminmxid xid, dattablespace oid,"
                + " datcollate text, datctype text, daticulocale text, datcollversion text, datacl _aclitem");
        table("pg_roles", "rolname name, rolsuper bool, rolinherit bool, rolcreaterole bool, rolcreatedb bool,"
                + " rolcanlogin bool, rolreplication bool, rolconnlimit int4, rolpassword text, rolvaliduntil timestamptz,"
                + " rolbypassrls bool, rolconfig _text, oid oid");
        table("pg_user", "usename name, usesysid oid, usecreatedb bool, usesuper bool, userepl bool, usebypassrls bool,"
                + " passwd text, valuntil timestamptz, useconfig _text");
        table("pg_auth_members", "roleid oid, member oid, grantor oid, admin_option bool");
        table("pg_settings", "name text, setting text, unit text, category text, short_desc text, extra_desc text,"
                + " context text, vartype text, source text, min_val text, max_val text, enumvals _text, boot_val text,"
                + " reset_val text, sourcefile text, sourceline int4, pending_restart bool");
        table("pg_proc", "oid oid, proname name, pronamespace oid, proowner oid, prolang oid, procost float4, prorows float4,"
                + " provariadic oid, prosupport regproc, prokind char, prosecdef bool, proleakproof bool, proisstrict bool,"
                + " proretset bool, provolatile char, proparallel char, pronargs int2, pronargdefaults int2, prorettype oid,"
                + " proargtypes oidvector, proallargtypes _oid, proargmodes _char, proargnames _text,"
                + " proargdefaults pg_node_tree, protrftypes _oid, prosrc text, probin text, prosqlbody pg_node_tree,"
                + " proconfig _text, proacl _aclitem");
        table("pg_am", "oid oid, amname name, amhandler regproc, amtype char");
        table("pg_sequence", "seqrelid oid, seqtypid oid, seqstart int8, seqincrement int8, seqmax int8, seqmin int8,"
                + " seqcache int8, seqcycle bool");
        table("pg_sequences", "schemaname name, sequencename name, sequenceowner name, data_type regtype, start_value int8,"
                + " min_value int8, max_value int8, increment_by int8, cycle bool, cache_size int8, last_value int8");
        table("pg_views", "schemaname name, viewname name, viewowner name, definition text");
        table("pg_tables", "schemaname name, tablename name, tableowner name, tablespace name, hasindexes bool,"
                + " hasrules bool, hastriggers bool, rowsecurity bool");
        table("pg_indexes", "schemaname name, tablename name, indexname name, tablespace name, indexdef text");
        table("pg_publication", "oid oid, pubname name, pubowner oid, puballtables bool, pubinsert bool, pubupdate bool,"
                + " pubdelete bool, pubtruncate bool, pubviaroot bool");
        table("pg_publication_rel", "oid oid, prpubid oid, prrelid oid, prqual pg_node_tree, prattrs int2vector");
        table("pg_publication_namespace", "oid oid, pnpubid oid, pnnspid oid");
        table("pg_publication_tables", "pubname name, schemaname name, tablename name, attnames _name, rowfilter text");
        /* pg_get_publication_tables(pubname) as a relation: the rewriter turns the LATERAL call into a join on it */
        table("slotway_publication_tables", "pubname name, relid oid, attrs int2vector, qual pg_node_tree");
        table("pg_inherits", "inhrelid oid, inhparent oid, inhseqno int4, inhdetachpending bool");
        table("pg_depend", "classid oid, objid oid, objsubid int4, refclassid oid, refobjid oid, refobjsubid int4, deptype char");
        table("pg_extension", "oid oid, extname name, extowner oid, extnamespace oid, extrelocatable bool,"
                + " extversion text, extconfig _oid, extcondition _text");
        table("pg_event_trigger", "oid oid, evtname name, evtevent name, evtowner oid, evtfoid oid, evtenabled char, evttags _text");
        table("pg_collation", "oid oid, collname name, collnamespace oid, collowner oid, collprovider char,"
                + " collisdeterministic bool, collencoding int4, collcollate text, collctype text, colliculocale text,"
                + " collversion text");
        table("pg_tablespace", "oid oid, spcname name, spcowner oid, spcacl _aclitem, spcoptions _text");
        table("pg_enum", "oid oid, enumtypid oid, enumsortorder float4, enumlabel name");
        table("pg_trigger", "oid oid, tgrelid oid, tgparentid oid, tgname name, tgfoid oid, tgtype int2, tgenabled char,"
                + " tgisinternal bool, tgconstrrelid oid, tgconstrindid oid, tgconstraint oid, tgdeferrable bool,"
                + " tginitdeferred bool, tgnargs int2, tgattr int2vector, tgargs bytea, tgqual pg_node_tree,"
                + " tgoldtable name, tgnewtable name");
        table("pg_policy", "oid oid, polname name, polrelid oid, polcmd char, polpermissive bool, polroles _oid,"
                + " polqual pg_node_tree, polwithcheck pg_node_tree");
        table("pg_statistic_ext", "oid oid, stxrelid oid, stxname name, stxnamespace oid, stxowner oid, stxstattarget int4,"
                + " stxkeys int2vector, stxkind _char, stxexprs pg_node_tree");
        table("pg_rewrite", "oid oid, rulename name, ev_class oid, ev_type char, ev_enabled char, is_instead bool,"
                + " ev_qual pg_node_tree, ev_action pg_node_tree");
        table("pg_language", "oid oid, lanname name, lanowner oid, lanispl bool, lanpltrusted bool, lanplcallfoid oid,"
                + " laninline oid, lanvalidator oid, lanacl _aclitem");
        table("pg_subscription", "oid oid, subdbid oid, subskiplsn pg_lsn, subname name, subowner oid, subenabled bool,"
                + " subbinary bool, substream bool, subtwophasestate char, subdisableonerr bool, subconninfo text,"
                + " subslotname name, subsynccommit text, subpublications _text");
        table("pg_subscription_rel", "srsubid oid, srrelid oid, srsubstate char, srsublsn pg_lsn");
        table("pg_foreign_table", "ftrelid oid, ftserver oid, ftoptions _text");
        table("pg_partitioned_table", "partrelid oid, partstrat char, partnatts int2, partdefid oid, partattrs int2vector,"
                + " partclass oidvector, partcollation oidvector, partexprs pg_node_tree");
        table("pg_replication_origin", "roident oid, roname text");
        // live state of core, refreshed per query
        table("pg_replication_slots", "slot_name name, plugin name, slot_type text, datoid oid, database name,"
                + " temporary bool, active bool, active_pid int4, xmin xid, catalog_xmin xid, restart_lsn pg_lsn,"
                + " confirmed_flush_lsn pg_lsn, wal_status text, safe_wal_size int8, two_phase bool");
        table("pg_stat_replication", "pid int4, usesysid oid, usename name, application_name text, client_addr inet,"
                + " client_hostname text, client_port int4, backend_start timestamptz, backend_xmin xid, state text,"
                + " sent_lsn pg_lsn, write_lsn pg_lsn, flush_lsn pg_lsn, replay_lsn pg_lsn, write_lag interval,"
                + " flush_lag interval, replay_lag interval, sync_priority int4, sync_state text, reply_time timestamptz");
        table("pg_stat_activity", "datid oid, datname name, pid int4, leader_pid int4, usesysid oid, usename name,"
                + " application_name text, client_addr inet, client_hostname text, client_port int4,"
                + " backend_start timestamptz, xact_start timestamptz, query_start timestamptz, state_change timestamptz,"
                + " wait_event_type text, wait_event text, state text, backend_xid xid, backend_xmin xid, query_id int8,"
                + " query text, backend_type text");
    }

    /** The information_schema views, as SELECTs over the pg_catalog tables (column types: all text-like or int). */
    static final Map<String, String> INFORMATION_VIEWS = new LinkedHashMap<>();

    /** PostgreSQL types of information_schema columns (their domains' base types). */
    static final Map<String, String> INFORMATION_TYPES = Map.ofEntries(
            Map.entry("ordinal_position", "int4"), Map.entry("character_maximum_length", "int4"),
            Map.entry("numeric_precision", "int4"), Map.entry("numeric_scale", "int4"),
            Map.entry("position_in_unique_constraint", "int4"), Map.entry("datetime_precision", "int4"));

    static {
        String db = "(SELECT datname FROM " + PG_CATALOG + ".pg_database LIMIT 1)";
        INFORMATION_VIEWS.put("schemata", "SELECT " + db + " AS catalog_name, n.nspname AS schema_name,"
                + " 'postgres' AS schema_owner, CAST(NULL AS VARCHAR) AS default_character_set_catalog,"
                + " CAST(NULL AS VARCHAR) AS default_character_set_schema, CAST(NULL AS VARCHAR) AS default_character_set_name,"
                + " CAST(NULL AS VARCHAR) AS sql_path FROM " + PG_CATALOG + ".pg_namespace n");
        INFORMATION_VIEWS.put("tables", "SELECT " + db + " AS table_catalog, n.nspname AS table_schema, c.relname AS table_name,"
                + " CASE WHEN n.nspname LIKE 'pg!_temp%' ESCAPE '!' THEN 'LOCAL TEMPORARY' WHEN c.relkind IN ('r','p') THEN 'BASE TABLE'"
                + " WHEN c.relkind = 'v' THEN 'VIEW' WHEN c.relkind = 'f' THEN 'FOREIGN' ELSE NULL END AS table_type,"
                + " CAST(NULL AS VARCHAR) AS self_referencing_column_name, CAST(NULL AS VARCHAR) AS reference_generation,"
                + " CAST(NULL AS VARCHAR) AS user_defined_type_catalog, CAST(NULL AS VARCHAR) AS user_defined_type_schema,"
                + " CAST(NULL AS VARCHAR) AS user_defined_type_name,"
                + " CASE WHEN c.relkind IN ('r','p') THEN 'YES' ELSE 'NO' END AS is_insertable_into, 'NO' AS is_typed,"
                + " CAST(NULL AS VARCHAR) AS commit_action"
                + " FROM " + PG_CATALOG + ".pg_namespace n JOIN " + PG_CATALOG + ".pg_class c ON n.oid = c.relnamespace"
                + " WHERE c.relkind IN ('r','v','f','p')");
        INFORMATION_VIEWS.put("columns", "SELECT " + db + " AS table_catalog, n.nspname AS table_schema, c.relname AS table_name,"
                + " a.attname AS column_name, CAST(a.attnum AS INTEGER) AS ordinal_position,"
                + " CASE WHEN a.attgenerated = '' THEN " + PG_CATALOG + ".sw_pg_get_expr(ad.adbin, ad.adrelid) END AS column_default,"
                + " CASE WHEN a.attnotnull THEN 'NO' ELSE 'YES' END AS is_nullable,"
                + " " + PG_CATALOG + ".sw_information_data_type(a.atttypid, a.atttypmod) AS data_type,"
                + " " + PG_CATALOG + ".sw_information_char_length(a.atttypid, a.atttypmod) AS character_maximum_length,"
                + " CAST(NULL AS INTEGER) AS character_octet_length,"
                + " " + PG_CATALOG + ".sw_information_numeric_precision(a.atttypid, a.atttypmod) AS numeric_precision,"
                + " CASE WHEN a.atttypid IN (20, 21, 23, 1700, 700, 701) THEN CASE WHEN a.atttypid IN (700, 701) THEN 2 ELSE 10 END END AS numeric_precision_radix,"
                + " " + PG_CATALOG + ".sw_information_numeric_scale(a.atttypid, a.atttypmod) AS numeric_scale,"
                + " CAST(NULL AS INTEGER) AS datetime_precision, CAST(NULL AS VARCHAR) AS interval_type,"
                + " CAST(NULL AS INTEGER) AS interval_precision,"
                + " CAST(NULL AS VARCHAR) AS character_set_catalog, CAST(NULL AS VARCHAR) AS character_set_schema,"
                + " CAST(NULL AS VARCHAR) AS character_set_name, CAST(NULL AS VARCHAR) AS collation_catalog,"
                + " CAST(NULL AS VARCHAR) AS collation_schema, CAST(NULL AS VARCHAR) AS collation_name,"
                + " " + db + " AS domain_catalog, CAST(NULL AS VARCHAR) AS domain_schema, CAST(NULL AS VARCHAR) AS domain_name,"
                + " " + db + " AS udt_catalog, 'pg_catalog' AS udt_schema, t.typname AS udt_name,"
                + " CAST(NULL AS VARCHAR) AS scope_catalog, CAST(NULL AS VARCHAR) AS scope_schema, CAST(NULL AS VARCHAR) AS scope_name,"
                + " CAST(NULL AS INTEGER) AS maximum_cardinality, CAST(a.attnum AS VARCHAR) AS dtd_identifier, 'NO' AS is_self_referencing,"
                + " CASE WHEN a.attidentity IN ('a','d') THEN 'YES' ELSE 'NO' END AS is_identity,"
                + " CASE a.attidentity WHEN 'a' THEN 'ALWAYS' WHEN 'd' THEN 'BY DEFAULT' END AS identity_generation,"
                + " 'NEVER' AS is_generated, CAST(NULL AS VARCHAR) AS generation_expression,"
                + " CASE WHEN c.relkind IN ('r','p') THEN 'YES' ELSE 'NO' END AS is_updatable"
                + " FROM " + PG_CATALOG + ".pg_attribute a LEFT JOIN " + PG_CATALOG + ".pg_attrdef ad ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum"
                + " JOIN " + PG_CATALOG + ".pg_class c ON a.attrelid = c.oid JOIN " + PG_CATALOG + ".pg_namespace n ON c.relnamespace = n.oid"
                + " JOIN " + PG_CATALOG + ".pg_type t ON a.atttypid = t.oid"
                + " WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r','v','f','p')");
        INFORMATION_VIEWS.put("table_constraints", "SELECT " + db + " AS constraint_catalog, n.nspname AS constraint_schema,"
                + " con.conname AS constraint_name, " + db + " AS table_catalog, n.nspname AS table_schema, c.relname AS table_name,"
                + " CASE con.contype WHEN 'c' THEN 'CHECK' WHEN 'f' THEN 'FOREIGN KEY' WHEN 'p' THEN 'PRIMARY KEY' WHEN 'u' THEN 'UNIQUE' END AS constraint_type,"
                + " CASE WHEN con.condeferrable THEN 'YES' ELSE 'NO' END AS is_deferrable,"
                + " CASE WHEN con.condeferred THEN 'YES' ELSE 'NO' END AS initially_deferred, 'YES' AS enforced,"
                + " CASE WHEN con.contype = 'u' THEN 'YES' END AS nulls_distinct"
                + " FROM " + PG_CATALOG + ".pg_constraint con JOIN " + PG_CATALOG + ".pg_class c ON con.conrelid = c.oid"
                + " JOIN " + PG_CATALOG + ".pg_namespace n ON c.relnamespace = n.oid");
        INFORMATION_VIEWS.put("key_column_usage", "SELECT " + db + " AS constraint_catalog, n.nspname AS constraint_schema,"
                + " con.conname AS constraint_name, " + db + " AS table_catalog, n.nspname AS table_schema, c.relname AS table_name,"
                + " a.attname AS column_name, CAST(k.pos AS INTEGER) AS ordinal_position,"
                + " CASE WHEN con.contype = 'f' THEN CAST(k.pos AS INTEGER) END AS position_in_unique_constraint"
                + " FROM " + PG_CATALOG + ".pg_constraint con JOIN " + PG_CATALOG + ".pg_class c ON con.conrelid = c.oid"
                + " JOIN " + PG_CATALOG + ".pg_namespace n ON c.relnamespace = n.oid"
                + " JOIN (SELECT pos FROM generate_series(1, 32) AS g(pos)) k ON k.pos <= CARDINALITY(con.conkey)"
                + " JOIN " + PG_CATALOG + ".pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = con.conkey[k.pos]"
                + " WHERE con.contype IN ('p','u','f')");
        INFORMATION_VIEWS.put("views", "SELECT " + db + " AS table_catalog, schemaname AS table_schema, viewname AS table_name,"
                + " definition AS view_definition, 'NONE' AS check_option, 'NO' AS is_updatable, 'NO' AS is_insertable_into,"
                + " 'NO' AS is_trigger_updatable, 'NO' AS is_trigger_deletable, 'NO' AS is_trigger_insertable_into"
                + " FROM " + PG_CATALOG + ".pg_views");
        INFORMATION_VIEWS.put("sequences", "SELECT " + db + " AS sequence_catalog, schemaname AS sequence_schema,"
                + " sequencename AS sequence_name, " + PG_CATALOG + ".sw_format_type(data_type, -1) AS data_type,"
                + " CASE data_type WHEN 20 THEN 64 WHEN 21 THEN 16 ELSE 32 END AS numeric_precision, 2 AS numeric_precision_radix,"
                + " 0 AS numeric_scale, CAST(start_value AS VARCHAR) AS start_value, CAST(min_value AS VARCHAR) AS minimum_value,"
                + " CAST(max_value AS VARCHAR) AS maximum_value, CAST(increment_by AS VARCHAR) AS increment,"
                + " CASE WHEN cycle THEN 'YES' ELSE 'NO' END AS cycle_option FROM " + PG_CATALOG + ".pg_sequences");
    }

    /** The H2 type storing a PostgreSQL type. */
    static String h2(String pgType) {
        return switch (pgType) {
            case "oid", "xid", "int8", "regclass", "regtype", "regnamespace" -> "BIGINT";
            case "interval" -> "BIGINT"; // microseconds (the lags of pg_stat_replication)
            case "int4" -> "INTEGER";
            case "int2" -> "SMALLINT";
            case "float4" -> "REAL";
            case "bool" -> "BOOLEAN";
            case "timestamptz" -> "TIMESTAMP WITH TIME ZONE";
            case "int2vector", "_int2" -> "SMALLINT ARRAY";
            case "oidvector", "_oid" -> "BIGINT ARRAY";
            case "_text", "_char", "_name", "_aclitem" -> "VARCHAR ARRAY";
            case "bytea" -> "VARBINARY";
            default -> "VARCHAR";
        };
    }

    /**
     * The type a result column of this PostgreSQL type is announced with: its own, with text for a type
     * {@link PgType} does not know. reg* values go out as {@link io.slotway.api.types.PgRegValue} (name in text,
     * OID in binary), int2vector and oidvector in their output form.
     */
    static PgType wireType(String pgType) {
        PgType t = PgType.byName(pgType);
        return t == null ? PgType.TEXT : t;
    }

    /** The column's PostgreSQL type by name alone, when every table that has a column of that name agrees; else null. */
    static String typeOfColumnName(String name) {
        String found = null;
        String lower = name.toLowerCase(Locale.ROOT);
        for (Table t : TABLES.values()) {
            Col c = t.column(lower);
            if (c != null) {
                if (found != null && !found.equals(c.type())) {
                    return null;
                }
                found = c.type();
            }
        }
        if (found == null) {
            found = INFORMATION_TYPES.get(lower);
        }
        return found;
    }

    private CatalogTables() {}
}
