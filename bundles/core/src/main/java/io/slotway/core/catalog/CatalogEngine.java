package io.slotway.core.catalog;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.catalog.CatalogProvider;
import io.slotway.api.catalog.CatalogSnapshot;
import io.slotway.api.change.Lsn;
import io.slotway.api.source.ColumnDescription;
import io.slotway.api.source.PreparedQuery;
import io.slotway.api.source.QueryCursor;
import io.slotway.api.types.PgArray;
import io.slotway.api.types.PgRegValue;
import io.slotway.api.types.PgType;
import io.slotway.core.replication.ReplicationServices;
import java.math.BigDecimal;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import java.util.function.Supplier;
import org.h2.util.JdbcUtils;
import org.h2.util.Utils;

/**
 * Answers {@code pg_catalog} and {@code information_schema} queries: an in-memory H2 database in
 * PostgreSQL mode whose tables ({@link CatalogTables}) hold the source's catalog model and core's own
 * state, reloaded when the provider's epoch changes. Statements are rewritten by {@link CatalogSql},
 * run by H2, and their rows typed and converted to PostgreSQL's canonical values. Results are read
 * whole at execution (catalog answers are small), under a read lock that reloading excludes.
 */
public final class CatalogEngine implements AutoCloseable {
    private static final AtomicInteger DATABASES = new AtomicInteger();

    /** Who runs a query: the session's user, database, backend PID and settings. */
    public record Client(String user, String database, int pid, String superuser, Function<String, String> settings,
                         Supplier<List<Object[]>> settingRows) {
        /** A client whose pg_settings shows the built-in defaults. */
        public Client(String user, String database, int pid, String superuser, Function<String, String> settings) {
            this(user, database, pid, superuser, settings, () -> new io.slotway.core.session.Settings(java.util.Map.of()).pgSettings());
        }

        String setting(String name) {
            return settings.apply(name);
        }
    }

    private static final Utils.ClassFactory FUNCTIONS = new Utils.ClassFactory() {
        @Override
        public boolean match(String name) {
            return name.equals(CatalogFunctions.class.getName());
        }

        @Override
        public Class<?> loadClass(String name) throws ClassNotFoundException {
            return CatalogFunctions.class.getClassLoader().loadClass(name);
        }
    };

    private final Supplier<CatalogProvider> provider;
    private final ReplicationServices replication;
    private final String database;
    private final List<String> roles;
    private final String url;
    private final Connection keeper;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile CatalogFunctions.Model model;
    /** The live connections, for pg_stat_activity and pg_stat_replication (none until the server sets it). */
    private volatile Supplier<List<BackendActivity>> activity = List::of;
    /** The backends whose pg_settings rows are loaded (changed under the write lock). */
    private final java.util.Set<Integer> settingsLoaded = new java.util.HashSet<>();
    private long loadedEpoch = Long.MIN_VALUE;

    /**
     * @param provider    the source's catalog (may supply null: then only the built-in rows are there)
     * @param replication core's slots and streams (may be null)
     * @param roles       role names, the superuser first
     */
    public CatalogEngine(Supplier<CatalogProvider> provider, ReplicationServices replication, String database, List<String> roles)
            throws PgException {
        this.provider = provider;
        this.replication = replication;
        this.database = database;
        this.roles = List.copyOf(roles);
        JdbcUtils.addClassFactory(FUNCTIONS);
        url = "jdbc:h2:mem:slotway_catalog_" + DATABASES.incrementAndGet()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1";
        try {
            Connection first = org.h2.Driver.load().connect(url, new Properties());
            createSchema(first);
            keeper = connect();
            first.close();
        } catch (SQLException e) {
            throw new PgException(SqlState.INTERNAL_ERROR, "cannot create the catalog engine: " + e.getMessage(), e);
        }
    }

    private Connection connect() throws SQLException {
        Connection c = org.h2.Driver.load().connect(url, new Properties());
        try (Statement s = c.createStatement()) {
            s.execute("SET SCHEMA " + CatalogTables.PG_CATALOG);
            s.execute("SET SCHEMA_SEARCH_PATH " + CatalogTables.PG_CATALOG + ", PUBLIC");
        }
        return c;
    }

    private static void createSchema(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS " + CatalogTables.PG_CATALOG);
            s.execute("CREATE SCHEMA IF NOT EXISTS " + CatalogTables.INFORMATION_SCHEMA);
            for (CatalogTables.Table t : CatalogTables.TABLES.values()) {
                boolean settings = t.name().equals("pg_settings");
                StringBuilder ddl = new StringBuilder("CREATE TABLE ").append(CatalogTables.PG_CATALOG).append('.')
                        .append(settings ? CatalogTables.SETTINGS_TABLE + " (backend INTEGER, " : t.name() + " (");
                boolean first = true;
                for (CatalogTables.Col col : t.columns()) {
                    ddl.append(first ? "" : ", ").append('"').append(col.name()).append("\" ").append(col.h2Type());
                    first = false;
                }
                s.execute(ddl.append(')').toString());
            }
            for (String[] a : CatalogFunctions.ALIASES) {
                s.execute("CREATE ALIAS " + CatalogTables.PG_CATALOG + "." + a[0] + " FOR '" + CatalogFunctions.class.getName() + "." + a[1] + "'");
            }
            StringBuilder cols = new StringBuilder();
            for (CatalogTables.Col col : CatalogTables.TABLES.get("pg_settings").columns()) {
                cols.append(cols.length() == 0 ? "" : ", ").append('"').append(col.name()).append('"');
            }
            s.execute("CREATE VIEW " + CatalogTables.PG_CATALOG + ".pg_settings AS SELECT " + cols + " FROM "
                    + CatalogTables.PG_CATALOG + "." + CatalogTables.SETTINGS_TABLE + " WHERE backend = "
                    + CatalogTables.PG_CATALOG + ".sw_pg_backend_pid()");
            for (var v : CatalogTables.INFORMATION_VIEWS.entrySet()) {
                s.execute("CREATE VIEW " + CatalogTables.INFORMATION_SCHEMA + "." + v.getKey() + " AS " + v.getValue());
            }
        }
    }

    /** Where pg_stat_activity's rows come from: the server's live backends. */
    public void activity(Supplier<List<BackendActivity>> backends) {
        this.activity = backends == null ? List::of : backends;
    }

    /** The OID of a role by name, as {@link CatalogData} numbers them (the superuser 10), or null. */
    private Long roleOid(String name) {
        int i = roles.indexOf(name);
        return i < 0 ? null : i == 0 ? CatalogData.SUPERUSER_OID : 16000L + i - 1;
    }

    /** The engine's statement for {@code sql}, or null when the statement is not a catalog query. */
    public PreparedQuery prepare(String sql, int[] paramTypes, Client client) throws PgException {
        CatalogSql.Rewritten r;
        try {
            r = CatalogSql.rewrite(sql);
        } catch (StackOverflowError e) {
            // a statement nested too deeply for the rewriter: PostgreSQL's answer to the same, not a dead backend
            throw new PgException("54001", "stack depth limit exceeded"); // statement_too_complex
        }
        if (r == null) {
            return null;
        }
        refresh(r, client);
        return new Query(r, paramTypes, client);
    }

    /** Reloads the model when the provider's epoch moved, and core's live tables when the statement reads them. */
    private void refresh(CatalogSql.Rewritten r, Client client) throws PgException {
        CatalogProvider p = provider.get();
        long epoch = p == null ? -1 : p.epoch();
        boolean live = r.relations().contains("pg_replication_slots") || r.relations().contains("pg_stat_replication")
                || r.relations().contains("pg_stat_activity");
        boolean settings = r.relations().contains("pg_settings");
        if (epoch == loadedEpoch && model != null && !live && !settings) {
            return;
        }
        lock.writeLock().lock();
        try {
            if (epoch != loadedEpoch || model == null) {
                CatalogSnapshot s = p == null ? new CatalogSnapshot(-1, List.of(), List.of(), List.of(), List.of(), List.of(), List.of())
                        : p.snapshot();
                keeper.setAutoCommit(false);
                new CatalogData(keeper, database, roles).load(s);
                keeper.commit();
                keeper.setAutoCommit(true);
                model = new CatalogFunctions.Model(s);
                loadedEpoch = s.epoch();
            }
            if (live) {
                loadLive();
            }
            if (settings) {
                loadSettings(client);
            }
        } catch (SQLException e) {
            throw new PgException(SqlState.INTERNAL_ERROR, "cannot load the catalog: " + e.getMessage(), e);
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void loadLive() throws SQLException {
        try (Statement s = keeper.createStatement()) {
            s.execute("DELETE FROM " + CatalogTables.PG_CATALOG + ".pg_replication_slots");
            s.execute("DELETE FROM " + CatalogTables.PG_CATALOG + ".pg_stat_replication");
            s.execute("DELETE FROM " + CatalogTables.PG_CATALOG + ".pg_stat_activity");
        }
        java.util.Map<Integer, BackendActivity> backends = new java.util.HashMap<>();
        for (BackendActivity a : activity.get()) {
            backends.put(a.pid(), a);
        }
        try (PreparedStatement p = keeper.prepareStatement("INSERT INTO " + CatalogTables.PG_CATALOG
                + ".pg_stat_activity VALUES (?, ?, ?, NULL, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?)")) {
            for (BackendActivity a : backends.values()) {
                // A walsender for logical replication is connected to its database, as in PostgreSQL.
                p.setObject(1, a.database() == null ? null : CatalogData.DATABASE_OID);
                p.setString(2, a.database());
                p.setInt(3, a.pid());
                p.setObject(4, roleOid(a.user()));
                p.setString(5, a.user());
                p.setString(6, a.applicationName());
                p.setString(7, a.clientAddr());
                p.setInt(8, a.clientPort());
                p.setObject(9, time(a.backendStart()));
                p.setObject(10, time(a.xactStart()));
                p.setObject(11, time(a.queryStart()));
                p.setObject(12, time(a.stateChange()));
                String[] wait = waitEvent(a);
                p.setString(13, wait[0]);
                p.setString(14, wait[1]);
                p.setString(15, a.state());
                p.setString(16, a.query());
                p.setString(17, a.walsender() ? "walsender" : "client backend");
                p.executeUpdate();
            }
        }
        if (replication == null) {
            return;
        }
        try (PreparedStatement p = keeper.prepareStatement("INSERT INTO " + CatalogTables.PG_CATALOG
                + ".pg_replication_slots VALUES (?, ?, 'logical', ?, ?, ?, ?, ?, NULL, ?, ?, ?, 'reserved', NULL, ?)")) {
            for (ReplicationServices.SlotState slot : replication.slots()) {
                p.setString(1, slot.name());
                p.setString(2, slot.plugin());
                p.setLong(3, CatalogData.DATABASE_OID);
                p.setString(4, database);
                p.setBoolean(5, slot.temporary());
                p.setBoolean(6, slot.active());
                p.setObject(7, slot.active() || slot.activePid() != 0 ? slot.activePid() : null);
                p.setObject(8, null);
                p.setString(9, slot.restartLsn() == null ? null : slot.restartLsn().toString());
                p.setString(10, slot.confirmedFlush() == null ? null : slot.confirmedFlush().toString());
                p.setBoolean(11, slot.twoPhase());
                p.executeUpdate();
            }
        }
        try (PreparedStatement p = keeper.prepareStatement("INSERT INTO " + CatalogTables.PG_CATALOG
                + ".pg_stat_replication VALUES (?, ?, ?, ?, ?, NULL, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, 0, 'async', ?)")) {
            for (ReplicationServices.StreamState st : replication.streams()) {
                BackendActivity a = backends.get(st.pid());
                ReplicationServices.StreamLag lag = replication.streamLag(st.pid());
                String user = a == null ? roles.get(0) : a.user();
                p.setInt(1, st.pid());
                p.setObject(2, roleOid(user));
                p.setString(3, user);
                p.setString(4, a == null ? "" : a.applicationName());
                p.setString(5, a == null ? null : a.clientAddr());
                p.setObject(6, a == null ? null : a.clientPort());
                p.setObject(7, a == null ? null : time(a.backendStart()));
                p.setString(8, lag == null || lag.caughtUp() ? "streaming" : "catchup");
                p.setString(9, lsn(st.sent()));
                p.setString(10, lsn(st.write()));
                p.setString(11, lsn(st.flush()));
                p.setString(12, lsn(st.apply()));
                p.setObject(13, lag == null || lag.writeLagMicros() < 0 ? null : lag.writeLagMicros());
                p.setObject(14, lag == null || lag.flushLagMicros() < 0 ? null : lag.flushLagMicros());
                p.setObject(15, lag == null || lag.applyLagMicros() < 0 ? null : lag.applyLagMicros());
                p.setObject(16, lag == null ? null : time(lag.replyTime()));
                p.executeUpdate();
            }
        }
    }

    /**
     * pg_settings is a view of {@code slotway_settings} for the asking backend: its rows are the session's parameters,
     * replaced for each statement that reads them (rows of backends no longer there are dropped).
     */
    private void loadSettings(Client client) throws SQLException {
        List<Object[]> rows = client == null ? List.of() : client.settingRows().get();
        int me = client == null ? 0 : client.pid();
        java.util.Set<Integer> gone = new java.util.HashSet<>(settingsLoaded);
        for (BackendActivity a : activity.get()) {
            gone.remove(a.pid());
        }
        gone.add(me);
        try (PreparedStatement d = keeper.prepareStatement("DELETE FROM " + CatalogTables.PG_CATALOG + "."
                + CatalogTables.SETTINGS_TABLE + " WHERE backend = ?")) {
            for (int pid : gone) {
                d.setInt(1, pid);
                d.executeUpdate();
                settingsLoaded.remove(pid);
            }
        }
        insertSettings(keeper, me, rows);
        settingsLoaded.add(me);
    }

    /** Inserts pg_settings rows for {@code backend}: the session's, then the compile-time constants. */
    static void insertSettings(Connection c, int backend, List<Object[]> rows) throws SQLException {
        CatalogTables.Table t = CatalogTables.TABLES.get("pg_settings");
        StringBuilder sql = new StringBuilder("INSERT INTO " + CatalogTables.PG_CATALOG + "." + CatalogTables.SETTINGS_TABLE + " VALUES (?");
        for (int i = 0; i < t.columns().size(); i++) {
            sql.append(", ?");
        }
        try (PreparedStatement p = c.prepareStatement(sql.append(')').toString())) {
            for (Object[] row : rows) {
                p.setInt(1, backend);
                for (int i = 0; i < row.length; i++) {
                    p.setObject(i + 2, row[i]);
                }
                p.executeUpdate();
            }
        }
    }

    /** pg_stat_activity's wait event: an idle backend waits to read from its client, a walsender for WAL. */
    private static String[] waitEvent(BackendActivity a) {
        if (a.streaming()) {
            return new String[] {"Activity", "WalSenderMain"};
        }
        if (a.state() != null && a.state().startsWith("idle")) {
            return new String[] {"Client", "ClientRead"};
        }
        return new String[] {null, null};
    }

    private static OffsetDateTime time(java.time.Instant t) {
        return t == null ? null : t.atOffset(java.time.ZoneOffset.UTC);
    }

    private static String lsn(Lsn l) {
        return l == null || !l.isValid() ? null : l.toString();
    }

    @Override
    public void close() {
        try {
            try (Statement s = keeper.createStatement()) {
                s.execute("SHUTDOWN");
            }
            keeper.close();
        } catch (SQLException ignored) {
            // closing
        }
        JdbcUtils.removeClassFactory(FUNCTIONS);
    }

    // ---------------------------------------------------------------------------------------------- statements

    private static PgException error(SQLException e) {
        String msg = e.getMessage();
        int nl = msg == null ? -1 : msg.indexOf('\n');
        if (nl > 0) {
            msg = msg.substring(0, nl);
        }
        int semi = msg == null ? -1 : msg.indexOf("; SQL statement:");
        if (semi > 0) {
            msg = msg.substring(0, semi);
        }
        Throwable cause = e.getCause();
        while (cause != null) {
            if (cause instanceof IllegalArgumentException) {
                String m = cause.getMessage();
                return new PgException(m.startsWith("relation") ? SqlState.UNDEFINED_TABLE : SqlState.UNDEFINED_OBJECT, m, e);
            }
            cause = cause.getCause();
        }
        return new PgException(SqlState.FEATURE_NOT_SUPPORTED, "catalog query not supported: " + msg, e);
    }

    private final class Query implements PreparedQuery {
        private final CatalogSql.Rewritten rewritten;
        private final int[] parameterTypes;
        private final Client client;
        private final List<ColumnDescription> columns = new ArrayList<>();
        private final List<String> pgTypes = new ArrayList<>();

        Query(CatalogSql.Rewritten rewritten, int[] declared, Client client) throws PgException {
            this.rewritten = rewritten;
            this.client = client;
            int n = countParameters(rewritten.sql());
            parameterTypes = new int[n];
            for (int i = 0; i < n; i++) {
                parameterTypes[i] = i < declared.length && declared[i] != 0 ? declared[i] : PgType.TEXT.oid();
            }
            lock.readLock().lock();
            CatalogFunctions.CONTEXT.set(new CatalogFunctions.Context(model, client));
            try (Connection c = connect(); PreparedStatement p = c.prepareStatement(rewritten.sql())) {
                ResultSetMetaData md = p.getMetaData();
                describe(md);
            } catch (SQLException e) {
                throw error(e);
            } finally {
                CatalogFunctions.CONTEXT.remove();
                lock.readLock().unlock();
            }
        }

        private void describe(ResultSetMetaData md) throws SQLException {
            List<CatalogSql.Item> items = rewritten.items();
            int n = md == null ? 0 : md.getColumnCount();
            if (items != null && items.size() != n) {
                items = null;
            }
            for (int i = 1; i <= n; i++) {
                String name = items != null && items.get(i - 1).name() != null ? items.get(i - 1).name() : md.getColumnLabel(i);
                String type = items != null ? items.get(i - 1).type() : null;
                if (type == null) {
                    String table = md.getTableName(i);
                    CatalogTables.Table t = table == null ? null : CatalogTables.TABLES.get(table);
                    CatalogTables.Col col = t == null ? null : t.column(md.getColumnName(i));
                    if (col != null && CatalogTables.PG_CATALOG.equalsIgnoreCase(md.getSchemaName(i))) {
                        type = col.type();
                    }
                }
                if (type == null && items == null) {
                    type = CatalogTables.typeOfColumnName(md.getColumnLabel(i));
                }
                if (type == null) {
                    type = fromH2(md.getColumnTypeName(i));
                }
                pgTypes.add(type);
                PgType wire = CatalogTables.wireType(type);
                columns.add(new ColumnDescription(name, 0, (short) 0, wire, -1));
            }
        }

        @Override
        public int[] parameterTypes() {
            return parameterTypes.clone();
        }

        @Override
        public List<ColumnDescription> columns() {
            return columns;
        }

        @Override
        public QueryCursor execute(Object[] parameters) throws PgException {
            refresh(rewritten, client);
            List<Object[]> rows = new ArrayList<>();
            lock.readLock().lock();
            CatalogFunctions.CONTEXT.set(new CatalogFunctions.Context(model, client));
            try (Connection c = connect(); PreparedStatement p = c.prepareStatement(rewritten.sql())) {
                for (int i = 0; i < parameters.length; i++) {
                    Object v = parameters[i];
                    p.setObject(i + 1, v instanceof PgArray a ? a.elements() : v);
                }
                try (ResultSet rs = p.executeQuery()) {
                    int n = columns.size();
                    while (rs.next()) {
                        Object[] row = new Object[n];
                        for (int i = 0; i < n; i++) {
                            row[i] = convert(rs.getObject(i + 1), pgTypes.get(i), columns.get(i).type());
                        }
                        rows.add(row);
                    }
                }
            } catch (SQLException e) {
                throw error(e);
            } finally {
                CatalogFunctions.CONTEXT.remove();
                lock.readLock().unlock();
            }
            return new Cursor(rows);
        }

        @Override
        public void close() {
        }
    }

    private static int countParameters(String sql) {
        int max = 0;
        for (int i = 0; i < sql.length() - 1; i++) {
            if (sql.charAt(i) == '?' && Character.isDigit(sql.charAt(i + 1))) {
                int j = i + 1;
                while (j < sql.length() && Character.isDigit(sql.charAt(j))) {
                    j++;
                }
                max = Math.max(max, Integer.parseInt(sql.substring(i + 1, j)));
            }
        }
        return max;
    }

    /** A PostgreSQL type for an H2 result column with nothing better to go on. */
    static String fromH2(String h2) {
        if (h2 == null) {
            return "text";
        }
        String t = h2.toUpperCase(Locale.ROOT);
        if (t.endsWith(" ARRAY")) {
            String e = fromH2(t.substring(0, t.length() - 6));
            return "_" + e;
        }
        return switch (t) {
            case "BOOLEAN" -> "bool";
            case "SMALLINT", "TINYINT" -> "int2";
            case "INTEGER" -> "int4";
            case "BIGINT" -> "int8";
            case "REAL" -> "float4";
            case "DOUBLE PRECISION", "DOUBLE" -> "float8";
            case "NUMERIC", "DECIMAL", "DECFLOAT" -> "numeric";
            case "TIMESTAMP WITH TIME ZONE" -> "timestamptz";
            case "TIMESTAMP" -> "timestamp";
            case "DATE" -> "date";
            default -> "text";
        };
    }

    /** An H2 value as the canonical Java value of the announced type. */
    private Object convert(Object v, String pgType, PgType wire) {
        if (v == null) {
            return null;
        }
        if (v instanceof Array a) {
            try {
                v = a.getArray();
            } catch (SQLException e) {
                return v.toString();
            }
        }
        switch (pgType) {
            case "int2vector", "oidvector":
                if (v instanceof Object[] arr) {
                    StringBuilder b = new StringBuilder();
                    for (Object o : arr) {
                        b.append(b.length() == 0 ? "" : " ").append(o);
                    }
                    return b.toString();
                }
                return v.toString();
            case "regclass": {
                // the engine answers a regclass either as the OID or, after a cast, as the name
                Long oid = v instanceof Number n ? n.longValue() : CatalogFunctions.toRegclass(v.toString());
                String name = v instanceof Number n ? CatalogFunctions.regclassName(n.longValue()) : v.toString();
                return oid == null ? name : new PgRegValue(oid, name);
            }
            case "regtype": {
                Long oid = v instanceof Number n ? n.longValue() : CatalogFunctions.regtypeOid(v.toString());
                String name = v instanceof Number n ? CatalogFunctions.regtypeName(n.longValue()) : v.toString();
                return oid == null ? name : new PgRegValue(oid, name);
            }
            case "regnamespace": {
                Long oid = v instanceof Number n ? n.longValue() : CatalogFunctions.namespaceOid(v.toString());
                return oid == null ? v.toString() : new PgRegValue(oid, CatalogFunctions.regnamespaceName(oid));
            }
            case "regproc":
                // built-in functions are held by name (typinput, amhandler): their OIDs are not in the model
                return v instanceof Number n ? new PgRegValue(n.longValue(), n.longValue() == 0 ? "-" : n.toString())
                        : new PgRegValue(0, v.toString());
            default:
                break;
        }
        if (wire.elementOid() != 0 && v instanceof Object[] arr) {
            PgType element = PgType.byOid(wire.elementOid());
            Object[] out = new Object[arr.length];
            for (int i = 0; i < arr.length; i++) {
                out[i] = arr[i] == null ? null : scalar(arr[i], element);
            }
            return PgArray.of(out);
        }
        if (v instanceof Object[] arr) {
            StringBuilder b = new StringBuilder("{");
            for (int i = 0; i < arr.length; i++) {
                b.append(i == 0 ? "" : ",").append(arr[i] == null ? "NULL" : arr[i]);
            }
            return b.append('}').toString();
        }
        return scalar(v, wire);
    }

    private static Object scalar(Object v, PgType t) {
        switch (t.name()) {
            case "oid": case "xid": case "int8":
                return v instanceof Number n ? n.longValue() : Long.parseLong(v.toString());
            case "int4":
                return v instanceof Number n ? n.intValue() : Integer.parseInt(v.toString());
            case "int2":
                return v instanceof Number n ? n.shortValue() : Short.parseShort(v.toString());
            case "float4":
                return v instanceof Number n ? n.floatValue() : Float.parseFloat(v.toString());
            case "float8":
                return v instanceof Number n ? n.doubleValue() : Double.parseDouble(v.toString());
            case "numeric":
                return v instanceof BigDecimal d ? d : new BigDecimal(v.toString());
            case "bool":
                return v instanceof Boolean b ? b : Boolean.valueOf("t".equals(v) || "true".equalsIgnoreCase(v.toString()));
            case "pg_lsn":
                return v instanceof Number n ? n.longValue() : Lsn.parse(v.toString()).value();
            case "interval":
                return v instanceof Number n ? new io.slotway.api.types.PgInterval(0, 0, n.longValue()) : v.toString();
            case "timestamptz":
                return v instanceof OffsetDateTime o ? o.toInstant() : v instanceof java.sql.Timestamp ts ? ts.toInstant() : v;
            default:
                if (v instanceof Boolean b) {
                    return b ? "true" : "false";
                }
                return v.toString();
        }
    }

    private static final class Cursor implements QueryCursor {
        private final List<Object[]> rows;
        private int next;

        Cursor(List<Object[]> rows) {
            this.rows = rows;
        }

        @Override
        public Object[] next() {
            return next < rows.size() ? rows.get(next++) : null;
        }

        @Override
        public String commandTag(long rowsSent) {
            return "SELECT " + rowsSent;
        }

        @Override
        public void close() {
        }
    }
}
