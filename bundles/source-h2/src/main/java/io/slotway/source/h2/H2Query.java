package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.source.ColumnDescription;
import io.slotway.api.source.PreparedQuery;
import io.slotway.api.source.QueryCursor;
import io.slotway.api.types.PgType;
import io.slotway.api.types.PgValues;
import java.sql.ParameterMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A statement prepared on H2: its parameter types, its columns as PostgreSQL describes them, and its execution. */
final class H2Query implements PreparedQuery {
    /** One result column: what the client sees, and the declared type its values are converted with. */
    record Result(ColumnDescription description, ColumnType type) {}

    private final H2Session session;
    private final Plan plan;
    private final PreparedStatement statement;
    private final List<Result> results;
    private final ColumnType[] paramTypes;
    /** The imported snapshot this query reads through, or null. */
    private final H2Snapshot snapshot;

    H2Query(H2Session session, Plan plan, int[] declared) throws PgException {
        this.session = session;
        this.plan = plan;
        H2Snapshot imported = session.snapshot();
        if (imported != null && (plan.kind == Plan.Kind.DML || plan.target != null
                || plan.kind == Plan.Kind.UTILITY && plan.writes)) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                    "cannot write in a transaction that imported a snapshot on the H2 source")
                    .withHint("Write in another transaction: the imported snapshot serves reads only.");
        }
        this.snapshot = plan.kind == Plan.Kind.QUERY ? imported : null;
        try {
            if (plan.kind == Plan.Kind.UTILITY) {
                statement = null;
                results = List.of();
            } else if (snapshot != null) {
                snapshot.lock.lock();
                Capture.register(snapshot.connection(), session);
                try {
                    snapshot.connection().setSchema(session.currentSchema());
                    statement = snapshot.connection().prepareStatement(plan.h2Sql);
                } finally {
                    Capture.unregister(snapshot.connection());
                    snapshot.lock.unlock();
                }
                results = describe(session, plan, statement.getMetaData());
            } else {
                statement = session.connection().prepareStatement(plan.h2Sql);
                results = plan.kind == Plan.Kind.QUERY ? describe(session, plan, statement.getMetaData()) : List.of();
            }
            int n = Math.max(plan.maxParam, declared == null ? 0 : declared.length);
            paramTypes = new ColumnType[n];
            ParameterMetaData pmd = statement == null || n == 0 ? null : statement.getParameterMetaData();
            for (int k = 1; k <= n; k++) {
                int oid = declared != null && k <= declared.length ? declared[k - 1] : 0;
                ColumnType type = null;
                if (oid != 0) {
                    PgType t = PgType.byOid(oid);
                    if (t == null) {
                        throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "parameter type " + oid + " is not supported by the H2 source");
                    }
                    type = ColumnType.of(t);
                } else if (plan.paramTypes.containsKey(k)) {
                    type = plan.paramTypes.get(k);
                } else if (pmd != null && k <= pmd.getParameterCount()) {
                    type = ColumnType.of(H2Types.fromJdbc(pmd.getParameterType(k), pmd.getParameterTypeName(k)));
                }
                paramTypes[k - 1] = type == null ? ColumnType.TEXT : type;
            }
        } catch (SQLException e) {
            throw session.errors().map(e, plan);
        }
    }

    static List<Result> describe(H2Session session, Plan plan) throws SQLException {
        try (PreparedStatement ps = session.connection().prepareStatement(plan.h2Sql)) {
            return describe(session, plan, ps.getMetaData());
        }
    }

    /**
     * The result columns: a column read straight from a table keeps its declared type, table OID and
     * attnum; any other gets the PostgreSQL type of H2's result type.
     */
    static List<Result> describe(H2Session session, Plan plan, ResultSetMetaData md) throws SQLException {
        List<Result> out = new ArrayList<>();
        Map<String, Catalog.Relation> relations = new HashMap<>();
        int n = md.getColumnCount();
        boolean useNames = plan.columnNames != null && plan.columnNames.size() == n;
        for (int i = 1; i <= n; i++) {
            String name = useNames && plan.columnNames.get(i - 1) != null ? plan.columnNames.get(i - 1) : md.getColumnLabel(i);
            String h2Type = md.getColumnTypeName(i);
            String table = md.getTableName(i);
            String schema = md.getSchemaName(i);
            Catalog.Relation rel = null;
            if (table != null && !table.isEmpty() && schema != null && !schema.isEmpty()
                    && !schema.equalsIgnoreCase("information_schema") && !schema.equals(Catalog.SCHEMA)) {
                String key = schema + "." + table;
                if (!relations.containsKey(key)) {
                    relations.put(key, Catalog.load(session.connection(), schema, table));
                }
                rel = relations.get(key);
            }
            if (rel == null && plan.target != null && plan.verb != null && !plan.verb.equals("SELECT")) {
                rel = plan.target; // RETURNING reads the data change delta table
            }
            Catalog.Attribute a = rel == null ? null : rel.attribute(md.getColumnName(i));
            if (a != null && baseType(a.type().storageType()).equals(baseType(h2Type))) {
                out.add(new Result(new ColumnDescription(name, (int) rel.oid(), a.attnum(), a.type().type(), a.type().typmod()), a.type()));
            } else {
                ColumnType t = H2Types.infer(h2Type);
                PgType over = plan.itemTypes != null && plan.itemTypes.size() == n ? plan.itemTypes.get(i - 1) : null;
                if (over == null && rel == null) {
                    over = plan.functionColumnTypes.get(md.getColumnLabel(i));
                }
                if (over != null) {
                    t = ColumnType.of(over);
                }
                out.add(new Result(new ColumnDescription(name, 0, (short) 0, t.type(), -1), t));
            }
        }
        return out;
    }

    private static String baseType(String h2Type) {
        return h2Type.replaceAll("\\([^)]*\\)", "").replace("  ", " ").trim();
    }

    @Override
    public int[] parameterTypes() {
        int[] oids = new int[paramTypes.length];
        for (int i = 0; i < oids.length; i++) {
            oids[i] = paramTypes[i].type().oid();
        }
        return oids;
    }

    @Override
    public List<ColumnDescription> columns() {
        List<ColumnDescription> cols = new ArrayList<>();
        for (Result r : results) {
            cols.add(r.description());
        }
        return cols;
    }

    @Override
    public QueryCursor execute(Object[] parameters) throws PgException {
        session.checkWritable(plan);
        if (plan.kind == Plan.Kind.UTILITY) {
            session.statementStarted();
            long n = session.runUtility(plan);
            return new H2Cursor(null, results, plan, n);
        }
        if (plan.target != null && (plan.verb.equals("UPDATE") || plan.verb.equals("DELETE"))) {
            session.checkReplicaIdentity(plan);
        }
        bind(parameters);
        session.statementStarted();
        boolean ok = false;
        try {
            H2Cursor cursor = run();
            ok = true;
            session.statementDone(true);
            return cursor;
        } finally {
            if (!ok) {
                session.statementDone(false);
            }
        }
    }

    /** Runs a query or DML inside the statement running now (see {@link H2Session#executeNested}). */
    QueryCursor executeNested(Object[] parameters) throws PgException {
        bind(parameters);
        return run();
    }

    private H2Cursor run() throws PgException {
        if (plan.kind == Plan.Kind.QUERY) {
            // H2 runs the whole query here (results are materialised), so the statement is complete.
            if (snapshot != null) {
                snapshot.lock.lock();
                // Slotway's functions (pg_current_wal_lsn(), txid_current(), which Debezium calls in its snapshot
                // transaction) find their session from the connection: while this session holds the snapshot's
                // connection, that connection is this session's.
                Capture.register(snapshot.connection(), session);
                try {
                    return new H2Cursor(session.run(plan, statement, statement::executeQuery), results, plan, -1);
                } finally {
                    Capture.unregister(snapshot.connection());
                    snapshot.lock.unlock();
                }
            }
            ResultSet rs = session.run(plan, statement, statement::executeQuery);
            return new H2Cursor(rs, results, plan, -1);
        }
        Integer count = session.run(plan, statement, statement::executeUpdate);
        return new H2Cursor(null, results, plan, count);
    }

    private void bind(Object[] parameters) throws PgException {
        int given = parameters == null ? 0 : parameters.length;
        if (given != paramTypes.length) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "bind message supplies " + given
                    + " parameters, but prepared statement \"\" requires " + paramTypes.length);
        }
        try {
            statement.clearParameters();
            for (int k = 0; k < paramTypes.length; k++) {
                Object v = parameters[k];
                ColumnType type = paramTypes[k];
                if (v instanceof String s && type.type() != PgType.TEXT && type.type().category() != 'S') {
                    v = PgValues.fromText(type.type(), type.typmod(), s, session.context().format());
                }
                statement.setObject(k + 1, type.toStorage(v));
            }
        } catch (SQLException e) {
            throw session.errors().map(e, plan);
        }
    }

    @Override
    public void close() {
        if (statement != null) {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // closing
            }
        }
    }

    /** Rows of one execution, converted to canonical values of the columns' declared types. */
    final class H2Cursor implements QueryCursor {
        private final ResultSet rs;
        private final List<Result> cols;
        private final Plan plan;
        private final long count;
        private boolean done;

        H2Cursor(ResultSet rs, List<Result> cols, Plan plan, long count) {
            this.rs = rs;
            this.cols = cols;
            this.plan = plan;
            this.count = count;
            this.done = rs == null;
        }

        @Override
        public Object[] next() throws PgException {
            if (done) {
                return null;
            }
            try {
                if (!rs.next()) {
                    close();
                    return null;
                }
                Object[] row = new Object[cols.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = cols.get(i).type().read(rs, i + 1);
                }
                return row;
            } catch (SQLException e) {
                close();
                throw session.errors().map(e, plan);
            }
        }

        @Override
        public String commandTag(long rowsSent) {
            switch (plan.kind) {
                case UTILITY:
                    return count >= 0 ? plan.verb + " " + count : plan.verb;
                case QUERY:
                    return plan.verb.equals("INSERT") ? "INSERT 0 " + rowsSent : plan.verb + " " + rowsSent;
                default:
                    return plan.verb.equals("INSERT") ? "INSERT 0 " + count : plan.verb + " " + count;
            }
        }

        @Override
        public void close() {
            done = true;
            if (rs != null) {
                try {
                    rs.close();
                } catch (SQLException ignored) {
                    // closing
                }
            }
        }
    }
}
