package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.catalog.CatalogProvider;
import io.slotway.api.catalog.CatalogSnapshot;
import io.slotway.api.catalog.CatalogSnapshot.Column;
import io.slotway.api.catalog.CatalogSnapshot.Constraint;
import io.slotway.api.catalog.CatalogSnapshot.Function;
import io.slotway.api.catalog.CatalogSnapshot.Index;
import io.slotway.api.catalog.CatalogSnapshot.Namespace;
import io.slotway.api.catalog.CatalogSnapshot.Publication;
import io.slotway.api.catalog.CatalogSnapshot.Relation;
import io.slotway.api.catalog.CatalogSnapshot.Sequence;
import io.slotway.api.source.SqlSource;
import io.slotway.api.types.PgType;
import io.slotway.api.types.PgTypeNames;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The H2 source's catalog for core's {@code pg_catalog}: relations, columns, publications and functions
 * from {@code slotway_meta} (which keeps what H2 cannot: OIDs, PostgreSQL types, replica identity), the
 * rest (constraints, indexes, defaults, sequences, views, comments) from H2's INFORMATION_SCHEMA. Objects
 * that {@code slotway_meta} gives no OID (schemas, indexes, constraints, sequences) get one from
 * {@code slotway_meta.object_oids} the first time they are seen, so OIDs stay stable across restarts.
 */
@Component(service = CatalogProvider.class)
public final class H2CatalogProvider implements CatalogProvider {
    /** PostgreSQL's OID of the {@code public} schema. */
    static final long PUBLIC_OID = 2200;
    private static final String OWNER = "postgres";
    private static final Pattern NEXTVAL = Pattern.compile("(?i)nextval\\('(?:\"?([^.'\"]+)\"?\\.)?\"?([^'\"]+)\"?'\\)");

    @Reference(target = "(" + SqlSource.SOURCE_NAME + "=h2)")
    private SqlSource sqlSource;

    private H2Source source;
    private CatalogSnapshot cached;

    public H2CatalogProvider() {}

    /** For tests and for running outside OSGi. */
    public H2CatalogProvider(H2Source source) {
        this.source = source;
    }

    private H2Source source() {
        if (source == null) {
            source = (H2Source) sqlSource;
        }
        return source;
    }

    @Override
    public long epoch() {
        return source().catalogEpoch.get();
    }

    @Override
    public synchronized CatalogSnapshot snapshot() throws PgException {
        long epoch = epoch();
        if (cached != null && cached.epoch() == epoch) {
            return cached;
        }
        try (Connection c = source().connectForCatalog()) {
            c.setAutoCommit(true);
            cached = read(c, epoch);
            return cached;
        } catch (SQLException e) {
            throw new PgException(SqlState.INTERNAL_ERROR, "cannot read the catalog: " + ErrorMapper.clean(e.getMessage()), e);
        }
    }

    // ------------------------------------------------------------------------------------------ reading

    static CatalogSnapshot read(Connection c, long epoch) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + Catalog.SCHEMA + ".object_oids (kind CHAR(1) NOT NULL, nspname VARCHAR NOT NULL,"
                    + " name VARCHAR NOT NULL, oid BIGINT NOT NULL, PRIMARY KEY (kind, nspname, name))");
        }
        Oids oids = new Oids(c);
        List<Namespace> namespaces = new ArrayList<>();
        Map<String, Long> nspOids = new HashMap<>();
        for (Object[] row : rows(c, "SELECT SCHEMA_NAME, REMARKS FROM INFORMATION_SCHEMA.SCHEMATA ORDER BY SCHEMA_NAME")) {
            String name = (String) row[0];
            if (system(name)) {
                continue;
            }
            long oid = name.equals("public") ? PUBLIC_OID : oids.get('n', "", name);
            nspOids.put(name, oid);
            namespaces.add(new Namespace(oid, name, OWNER, (String) row[1]));
        }

        // relations and columns from slotway_meta, completed from INFORMATION_SCHEMA
        Map<String, Object[]> h2Columns = new HashMap<>();
        for (Object[] row : rows(c, "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, COLUMN_DEFAULT, IS_NULLABLE, IS_IDENTITY,"
                + " IDENTITY_GENERATION, REMARKS, IDENTITY_START, IDENTITY_INCREMENT, IDENTITY_MINIMUM, IDENTITY_MAXIMUM,"
                + " IDENTITY_CYCLE FROM INFORMATION_SCHEMA.COLUMNS")) {
            h2Columns.put(row[0] + "\0" + row[1] + "\0" + row[2], row);
        }
        Map<String, Object[]> h2Tables = new HashMap<>();
        for (Object[] row : rows(c, "SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, REMARKS FROM INFORMATION_SCHEMA.TABLES")) {
            h2Tables.put(row[0] + "\0" + row[1], row);
        }
        Map<String, String> views = new HashMap<>();
        for (Object[] row : rows(c, "SELECT TABLE_SCHEMA, TABLE_NAME, VIEW_DEFINITION FROM INFORMATION_SCHEMA.VIEWS")) {
            views.put(row[0] + "\0" + row[1], (String) row[2]);
        }
        // sequences first: serial columns point at them
        List<Relation> relations = new ArrayList<>();
        Map<String, Long> seqOids = new HashMap<>();
        Map<String, Long> caches = Catalog.sequenceCaches(c);
        List<Relation> identitySequences = new ArrayList<>();
        for (Object[] row : rows(c, "SELECT SEQUENCE_SCHEMA, SEQUENCE_NAME, DATA_TYPE, START_VALUE, MINIMUM_VALUE, MAXIMUM_VALUE,"
                + " INCREMENT, CYCLE_OPTION, CACHE, REMARKS FROM INFORMATION_SCHEMA.SEQUENCES ORDER BY 1, 2")) {
            String schema = (String) row[0];
            if (system(schema)) {
                continue;
            }
            long oid = oids.get('S', schema, (String) row[1]);
            seqOids.put(schema + "\0" + row[1], oid);
            String dt = String.valueOf(row[2]).toUpperCase(Locale.ROOT);
            int type = dt.contains("BIGINT") ? PgType.INT8.oid() : dt.contains("SMALLINT") ? PgType.INT2.oid() : PgType.INT4.oid();
            // the cache CREATE SEQUENCE gave (PostgreSQL's default 1), not H2's own
            Sequence seq = new Sequence(type, num(row[3]), num(row[6]), num(row[4]), num(row[5]),
                    caches.getOrDefault(schema + "\0" + row[1], 1L), "YES".equals(row[7]));
            relations.add(new Relation(oid, schema, (String) row[1], 'S', OWNER, 'n', List.of(), null, seq, (String) row[9]));
        }
        Map<Long, Map<String, Short>> attnums = new HashMap<>();
        Map<String, Long> relOids = new HashMap<>();
        Map<Long, Object[]> metaRelations = new LinkedHashMap<>();
        for (Object[] row : rows(c, "SELECT oid, nspname, relname, relkind, replident, replident_index FROM " + Catalog.SCHEMA
                + ".relations ORDER BY oid")) {
            metaRelations.put(((Number) row[0]).longValue(), row);
        }
        Map<Long, List<Object[]>> metaAttributes = new HashMap<>();
        for (Object[] row : rows(c, "SELECT reloid, attnum, attname, typoid, typmod FROM " + Catalog.SCHEMA
                + ".attributes ORDER BY reloid, attnum")) {
            metaAttributes.computeIfAbsent(((Number) row[0]).longValue(), k -> new ArrayList<>()).add(row);
        }
        Map<Long, String> replicaIndexNames = new HashMap<>();
        for (Object[] r : metaRelations.values()) {
            long oid = ((Number) r[0]).longValue();
            String schema = (String) r[1];
            String name = (String) r[2];
            Object[] h2 = h2Tables.get(schema + "\0" + name);
            if (h2 == null) {
                continue;
            }
            char kind = ((String) r[3]).charAt(0);
            relOids.put(schema + "\0" + name, oid);
            if (r[5] != null) {
                replicaIndexNames.put(oid, (String) r[5]);
            }
            List<Column> columns = new ArrayList<>();
            Map<String, Short> nums = new HashMap<>();
            Map<Short, String> storedDefaults = Catalog.defaults(c, oid);
            for (Object[] a : metaAttributes.getOrDefault(oid, List.of())) {
                String col = (String) a[2];
                short attnum = ((Number) a[1]).shortValue();
                int typoid = ((Number) a[3]).intValue();
                int typmod = ((Number) a[4]).intValue();
                nums.put(col, attnum);
                Object[] h2c = h2Columns.get(schema + "\0" + name + "\0" + col);
                boolean notNull = h2c != null && "NO".equals(h2c[4]);
                String h2Default = h2c == null ? null : (String) h2c[3];
                char identity = 0;
                if (h2c != null && "YES".equals(h2c[5])) {
                    identity = "ALWAYS".equals(h2c[6]) ? 'a' : 'd';
                }
                long owned = 0;
                String pgDefault = null;
                if (identity != 0) {
                    // PostgreSQL's implicit sequence of an identity column: <table>_<column>_seq, owned by it (deptype i)
                    String seqName = identitySequenceName(name, col, schema, h2Tables, seqOids);
                    owned = oids.get('S', schema, seqName);
                    seqOids.put(schema + "\0" + seqName, owned);
                    int seqType = typoid == PgType.INT2.oid() || typoid == PgType.INT4.oid() ? typoid : PgType.INT8.oid();
                    Sequence seq = new Sequence(seqType, num(h2c[8]), num(h2c[9]), num(h2c[10]), num(h2c[11]), 1,
                            "YES".equals(h2c[12]));
                    identitySequences.add(new Relation(owned, schema, seqName, 'S', OWNER, 'n', List.of(), null, seq, null));
                }
                if (h2Default != null && identity == 0) {
                    Matcher m = NEXTVAL.matcher(h2Default);
                    if (m.find()) {
                        String seqSchema = m.group(1) == null ? schema : m.group(1);
                        String seqName = m.group(2);
                        Long so = seqOids.get(seqSchema + "\0" + seqName);
                        if (so != null && seqName.equals(name + "_" + col + "_seq") && seqSchema.equals(schema)) {
                            owned = so;
                        }
                        pgDefault = "nextval('" + (seqSchema.equals("public") ? "" : quoteIdent(seqSchema) + ".")
                                + quoteIdent(seqName).replace("'", "''") + "'::regclass)";
                    } else {
                        // as the DDL recorded it (PostgreSQL's own text); H2's COLUMN_DEFAULT only when there is none
                        pgDefault = storedDefaults.containsKey(attnum) ? storedDefaults.get(attnum)
                                : defaultText(h2Default, typoid, typmod);
                    }
                }
                columns.add(new Column(col, attnum, typoid, typmod, notNull, pgDefault, identity, owned,
                        h2c == null ? null : (String) h2c[7]));
            }
            attnums.put(oid, nums);
            char ident = ((String) r[4]).charAt(0);
            String viewDef = kind == 'v' ? views.get(schema + "\0" + name) : null;
            relations.add(new Relation(oid, schema, name, kind, OWNER, ident, columns, viewDef, null, (String) h2[3]));
        }

        relations.addAll(identitySequences);

        // constraints
        Map<String, String[]> checkTexts = Catalog.checks(c);
        Map<String, Object[]> refs = new HashMap<>();
        for (Object[] row : rows(c, "SELECT CONSTRAINT_SCHEMA, CONSTRAINT_NAME, UNIQUE_CONSTRAINT_SCHEMA, UNIQUE_CONSTRAINT_NAME,"
                + " UPDATE_RULE, DELETE_RULE FROM INFORMATION_SCHEMA.REFERENTIAL_CONSTRAINTS")) {
            refs.put(row[0] + "\0" + row[1], row);
        }
        Map<String, String> checks = new HashMap<>();
        for (Object[] row : rows(c, "SELECT CONSTRAINT_SCHEMA, CONSTRAINT_NAME, CHECK_CLAUSE FROM INFORMATION_SCHEMA.CHECK_CONSTRAINTS")) {
            checks.put(row[0] + "\0" + row[1], (String) row[2]);
        }
        Map<String, List<String>> keyColumns = new HashMap<>();
        for (Object[] row : rows(c, "SELECT CONSTRAINT_SCHEMA, CONSTRAINT_NAME, COLUMN_NAME FROM INFORMATION_SCHEMA.KEY_COLUMN_USAGE"
                + " ORDER BY CONSTRAINT_SCHEMA, CONSTRAINT_NAME, ORDINAL_POSITION")) {
            keyColumns.computeIfAbsent(row[0] + "\0" + row[1], k -> new ArrayList<>()).add((String) row[2]);
        }
        List<Object[]> h2Constraints = rows(c, "SELECT CONSTRAINT_SCHEMA, CONSTRAINT_NAME, CONSTRAINT_TYPE, TABLE_SCHEMA, TABLE_NAME,"
                + " IS_DEFERRABLE, INITIALLY_DEFERRED, INDEX_SCHEMA, INDEX_NAME FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS"
                + " ORDER BY CONSTRAINT_SCHEMA, CONSTRAINT_NAME");
        // H2 index name -> the name PostgreSQL gives it (the constraint's, for primary keys and unique constraints)
        Map<String, String> indexNames = new HashMap<>();
        Map<String, String> constraintIndex = new HashMap<>();
        for (Object[] row : h2Constraints) {
            String type = (String) row[2];
            if ((type.equals("PRIMARY KEY") || type.equals("UNIQUE")) && row[8] != null) {
                indexNames.put(row[7] + "\0" + row[8], (String) row[1]);
                constraintIndex.put(row[0] + "\0" + row[1], row[7] + "\0" + row[8]);
            }
        }

        // indexes
        Map<String, List<Object[]>> indexColumns = new LinkedHashMap<>();
        for (Object[] row : rows(c, "SELECT INDEX_SCHEMA, INDEX_NAME, COLUMN_NAME, ORDERING_SPECIFICATION FROM INFORMATION_SCHEMA.INDEX_COLUMNS"
                + " ORDER BY INDEX_SCHEMA, INDEX_NAME, ORDINAL_POSITION")) {
            indexColumns.computeIfAbsent(row[0] + "\0" + row[1], k -> new ArrayList<>()).add(row);
        }
        List<Index> indexes = new ArrayList<>();
        Map<String, Long> indexOids = new HashMap<>();
        for (Object[] row : rows(c, "SELECT INDEX_SCHEMA, INDEX_NAME, TABLE_SCHEMA, TABLE_NAME, INDEX_TYPE_NAME, IS_GENERATED"
                + " FROM INFORMATION_SCHEMA.INDEXES ORDER BY INDEX_SCHEMA, INDEX_NAME")) {
            String key = row[0] + "\0" + row[1];
            Long table = relOids.get(row[2] + "\0" + row[3]);
            if (table == null || system((String) row[0])) {
                continue;
            }
            String type = (String) row[4];
            String pgName = indexNames.get(key);
            if (pgName == null && Boolean.TRUE.equals(row[5])) {
                continue; // H2's own index for a foreign key: PostgreSQL makes none
            }
            String name = pgName != null ? pgName : (String) row[1];
            boolean primary = type.equals("PRIMARY KEY");
            boolean unique = primary || type.startsWith("UNIQUE");
            long oid = oids.get('i', (String) row[0], name);
            indexOids.put(key, oid);
            Map<String, Short> nums = attnums.getOrDefault(table, Map.of());
            List<Short> cols = new ArrayList<>();
            List<Boolean> desc = new ArrayList<>();
            StringBuilder def = new StringBuilder();
            for (Object[] ic : indexColumns.getOrDefault(key, List.of())) {
                cols.add(nums.getOrDefault((String) ic[2], (short) 0));
                boolean d = "DESC".equals(ic[3]);
                desc.add(d);
                def.append(def.length() == 0 ? "" : ", ").append(quoteIdent((String) ic[2])).append(d ? " DESC" : "");
            }
            String definition = "CREATE " + (unique ? "UNIQUE " : "") + "INDEX " + quoteIdent(name) + " ON "
                    + quoteIdent((String) row[2]) + "." + quoteIdent((String) row[3]) + " USING btree (" + def + ")";
            boolean replIdent = name.equals(replicaIndexNames.get(table));
            indexes.add(new Index(oid, table, (String) row[0], name, cols, desc, unique, primary, replIdent, definition));
        }

        List<Constraint> constraints = new ArrayList<>();
        Map<String, Long> constraintTables = new HashMap<>();
        for (Object[] row : h2Constraints) {
            constraintTables.put(row[0] + "\0" + row[1], relOids.getOrDefault(row[3] + "\0" + row[4], 0L));
        }
        for (Object[] row : h2Constraints) {
            String schema = (String) row[0];
            String name = (String) row[1];
            String key = schema + "\0" + name;
            Long table = relOids.get(row[3] + "\0" + row[4]);
            if (table == null || system(schema)) {
                continue;
            }
            String h2Type = (String) row[2];
            char type = switch (h2Type) {
                case "PRIMARY KEY" -> 'p';
                case "UNIQUE" -> 'u';
                case "FOREIGN KEY" -> 'f';
                case "CHECK" -> 'c';
                default -> 0;
            };
            if (type == 0) {
                continue;
            }
            Map<String, Short> nums = attnums.getOrDefault(table, Map.of());
            List<String> colNames = keyColumns.getOrDefault(key, List.of());
            List<Short> cols = new ArrayList<>();
            for (String col : colNames) {
                cols.add(nums.getOrDefault(col, (short) 0));
            }
            long indexOid = 0;
            long refTable = 0;
            List<Short> refCols = new ArrayList<>();
            char upd = ' ';
            char del = ' ';
            String definition;
            String pretty = null;
            if (type == 'f') {
                Object[] ref = refs.get(key);
                String refKey = ref == null ? null : ref[2] + "\0" + ref[3];
                refTable = refKey == null ? 0 : constraintTables.getOrDefault(refKey, 0L);
                String refIndex = refKey == null ? null : constraintIndex.get(refKey);
                indexOid = refIndex == null ? 0 : indexOids.getOrDefault(refIndex, 0L);
                Map<String, Short> refNums = attnums.getOrDefault(refTable, Map.of());
                List<String> refNames = refKey == null ? List.of() : keyColumns.getOrDefault(refKey, List.of());
                for (String col : refNames) {
                    refCols.add(refNums.getOrDefault(col, (short) 0));
                }
                upd = action(ref == null ? null : (String) ref[4]);
                del = action(ref == null ? null : (String) ref[5]);
                Relation refRel = null;
                for (Relation r : relations) {
                    if (r.oid() == refTable) {
                        refRel = r;
                    }
                }
                String refName = refRel == null ? "?" : (refRel.schema().equals("public") ? "" : quoteIdent(refRel.schema()) + ".")
                        + quoteIdent(refRel.name());
                definition = "FOREIGN KEY (" + idents(colNames) + ") REFERENCES " + refName + "(" + idents(refNames) + ")"
                        + actionText(" ON UPDATE ", upd) + actionText(" ON DELETE ", del);
            } else if (type == 'c') {
                String[] text = checkTexts.get(table + "\0" + name);
                if (text != null) {
                    definition = text[0];
                    pretty = text[1];
                } else {
                    String clause = checks.getOrDefault(key, "");
                    definition = "CHECK ((" + clause + "))";
                }
            } else {
                String idx = constraintIndex.get(key);
                indexOid = idx == null ? 0 : indexOids.getOrDefault(idx, 0L);
                definition = (type == 'p' ? "PRIMARY KEY (" : "UNIQUE (") + idents(colNames) + ")";
            }
            boolean deferrable = "YES".equals(row[5]);
            boolean deferred = "YES".equals(row[6]);
            if (deferrable) {
                definition += deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
                pretty = pretty == null ? null : pretty + (deferred ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE");
            }
            constraints.add(new Constraint(oids.get('c', schema, name), table, schema, name, type, cols, indexOid, refTable,
                    refCols, upd, del, deferrable, deferred, definition, pretty == null ? definition : pretty));
        }

        // publications
        Map<Long, List<Long>> pubTables = new HashMap<>();
        for (Object[] row : rows(c, "SELECT prpubid, prrelid FROM " + Catalog.SCHEMA + ".publication_rels ORDER BY oid")) {
            pubTables.computeIfAbsent(((Number) row[0]).longValue(), k -> new ArrayList<>()).add(((Number) row[1]).longValue());
        }
        Map<Long, List<String>> pubSchemas = new HashMap<>();
        for (Object[] row : rows(c, "SELECT pnpubid, nspname FROM " + Catalog.SCHEMA + ".publication_namespaces ORDER BY oid")) {
            pubSchemas.computeIfAbsent(((Number) row[0]).longValue(), k -> new ArrayList<>()).add((String) row[1]);
        }
        List<Publication> publications = new ArrayList<>();
        for (Object[] row : rows(c, "SELECT oid, pubname, puballtables, pubinsert, pubupdate, pubdelete, pubtruncate, pubviaroot FROM "
                + Catalog.SCHEMA + ".publications ORDER BY oid")) {
            long oid = ((Number) row[0]).longValue();
            publications.add(new Publication(oid, (String) row[1], OWNER, (Boolean) row[2], (Boolean) row[3], (Boolean) row[4],
                    (Boolean) row[5], (Boolean) row[6], (Boolean) row[7], pubTables.getOrDefault(oid, List.of()),
                    pubSchemas.getOrDefault(oid, List.of())));
        }

        // functions
        List<Function> functions = new ArrayList<>();
        for (Object[] row : rows(c, "SELECT oid, nspname, proname, argtypes, prokind, rettype, language, body, definition FROM "
                + Catalog.SCHEMA + ".functions ORDER BY oid")) {
            String argtypes = (String) row[3];
            List<Integer> argOids = new ArrayList<>();
            String args = functionArguments((String) row[8], argtypes, argOids);
            String ret = (String) row[5];
            PgType rt = ret == null ? null : typeByName(ret);
            String result = ret == null ? null : rt != null ? PgTypeNames.formatType(rt.oid(), -1) : ret;
            functions.add(new Function(((Number) row[0]).longValue(), (String) row[1], (String) row[2], ((String) row[4]).charAt(0),
                    (String) row[6], args, result, argOids, ret == null ? PgType.VOID.oid() : rt != null ? rt.oid() : 0,
                    (String) row[7]));
        }
        return new CatalogSnapshot(epoch, namespaces, relations, indexes, constraints, publications, functions);
    }

    private static boolean system(String schema) {
        String s = schema.toLowerCase(Locale.ROOT);
        return s.equals("information_schema") || s.equals("pg_catalog") || s.equals(Catalog.SCHEMA) || s.startsWith("pg_toast");
    }

    private static long num(Object o) {
        return o == null ? 0 : ((Number) o).longValue();
    }

    private static char action(String rule) {
        if (rule == null) {
            return 'a';
        }
        return switch (rule) {
            case "CASCADE" -> 'c';
            case "SET NULL" -> 'n';
            case "SET DEFAULT" -> 'd';
            // H2 reports RESTRICT for NO ACTION too (it has no deferred checks to tell them apart): PostgreSQL's
            // default, NO ACTION, is the likelier declaration (an explicit RESTRICT is shown as NO ACTION)
            default -> 'a';
        };
    }

    private static String actionText(String prefix, char a) {
        return switch (a) {
            case 'c' -> prefix + "CASCADE";
            case 'n' -> prefix + "SET NULL";
            case 'd' -> prefix + "SET DEFAULT";
            case 'r' -> prefix + "RESTRICT";
            default -> "";
        };
    }

    private static String idents(List<String> names) {
        StringBuilder b = new StringBuilder();
        for (String n : names) {
            b.append(b.length() == 0 ? "" : ", ").append(quoteIdent(n));
        }
        return b.toString();
    }

    static String quoteIdent(String name) {
        return io.slotway.api.sql.PgIdentifiers.quote(name);
    }

    /** A column default as PostgreSQL's {@code pg_get_expr} prints it, from H2's COLUMN_DEFAULT. */
    static String defaultText(String h2, int typoid, int typmod) {
        String d = h2.trim();
        String upper = d.toUpperCase(Locale.ROOT);
        if (upper.equals("CURRENT_TIMESTAMP") || upper.equals("NOW()") || upper.equals("LOCALTIMESTAMP")) {
            return "now()";
        }
        if (upper.equals("TRUE") || upper.equals("FALSE")) {
            return upper.toLowerCase(Locale.ROOT);
        }
        if (d.matches("[0-9]+(\\.[0-9]+)?")) {
            return d;
        }
        if (d.matches("-[0-9]+(\\.[0-9]+)?")) {
            return "'" + d + "'::" + PgTypeNames.formatType(typoid, -1);
        }
        if (d.startsWith("'") && d.endsWith("'")) {
            return d + "::" + PgTypeNames.formatType(typoid, -1);
        }
        return d;
    }

    private static PgType typeByName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        PgType t = PgType.byName(n);
        if (t != null) {
            return t;
        }
        return switch (n) {
            case "integer", "int" -> PgType.INT4;
            case "bigint" -> PgType.INT8;
            case "smallint" -> PgType.INT2;
            case "boolean" -> PgType.BOOL;
            case "character varying", "varchar" -> PgType.VARCHAR;
            case "double precision" -> PgType.FLOAT8;
            case "real" -> PgType.FLOAT4;
            case "timestamp with time zone" -> PgType.TIMESTAMPTZ;
            case "timestamp without time zone" -> PgType.TIMESTAMP;
            default -> null;
        };
    }

    /**
     * {@code pg_get_function_arguments} from the CREATE FUNCTION text: the parenthesised list after the name,
     * types spelled as format_type spells them; {@code argOids} receives the types.
     */
    static String functionArguments(String definition, String argtypes, List<Integer> argOids) {
        if (argtypes != null && !argtypes.isBlank()) {
            for (String a : argtypes.split(",")) {
                PgType t = typeByName(a);
                argOids.add(t == null ? 0 : t.oid());
            }
        }
        if (definition == null) {
            return "";
        }
        int open = definition.indexOf('(');
        if (open < 0) {
            return "";
        }
        int depth = 0;
        int close = -1;
        for (int i = open; i < definition.length(); i++) {
            char ch = definition.charAt(i);
            if (ch == '(') {
                depth++;
            } else if (ch == ')' && --depth == 0) {
                close = i;
                break;
            }
        }
        if (close < 0) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (String arg : definition.substring(open + 1, close).split(",")) {
            String a = arg.trim();
            if (a.isEmpty()) {
                continue;
            }
            String[] words = a.split("\\s+", 2);
            String text;
            if (words.length == 2 && typeByName(words[1]) != null) {
                text = words[0] + " " + PgTypeNames.formatType(typeByName(words[1]).oid(), -1);
            } else if (typeByName(a) != null) {
                text = PgTypeNames.formatType(typeByName(a).oid(), -1);
            } else {
                text = a;
            }
            out.append(out.length() == 0 ? "" : ", ").append(text);
        }
        return out.toString();
    }

    private static List<Object[]> rows(Connection c, String sql) throws SQLException {
        List<Object[]> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Object[] row = new Object[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                out.add(row);
            }
        }
        return out;
    }

    /**
     * The name PostgreSQL gives an identity column's sequence: {@code <table>_<column>_seq}, with a number appended
     * while a relation of that name exists in the schema (ChooseRelationName).
     */
    private static String identitySequenceName(String table, String column, String schema, Map<String, Object[]> h2Tables,
                                               Map<String, Long> seqOids) {
        String base = table + "_" + column + "_seq";
        String name = base;
        for (int n = 1; h2Tables.containsKey(schema + "\0" + name) || seqOids.containsKey(schema + "\0" + name); n++) {
            name = base + n;
        }
        return name;
    }

    /** Stable OIDs for objects slotway_meta has none for, drawn from its OID sequence on first sight. */
    private static final class Oids {
        private final Connection c;
        private final Map<String, Long> known = new HashMap<>();

        Oids(Connection c) throws SQLException {
            this.c = c;
            for (Object[] row : rows(c, "SELECT kind, nspname, name, oid FROM " + Catalog.SCHEMA + ".object_oids")) {
                known.put(row[0] + "\0" + row[1] + "\0" + row[2], ((Number) row[3]).longValue());
            }
        }

        long get(char kind, String schema, String name) throws SQLException {
            String key = kind + "\0" + schema + "\0" + name;
            Long oid = known.get(key);
            if (oid != null) {
                return oid;
            }
            long next;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT NEXT VALUE FOR " + Catalog.SCHEMA + ".oids")) {
                rs.next();
                next = rs.getLong(1);
            }
            try (PreparedStatement p = c.prepareStatement("INSERT INTO " + Catalog.SCHEMA
                    + ".object_oids (kind, nspname, name, oid) VALUES (?, ?, ?, ?)")) {
                p.setString(1, String.valueOf(kind));
                p.setString(2, schema);
                p.setString(3, name);
                p.setLong(4, next);
                p.executeUpdate();
            }
            known.put(key, next);
            return next;
        }
    }
}
