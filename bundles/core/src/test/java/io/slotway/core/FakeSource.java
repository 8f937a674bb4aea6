package io.slotway.core;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.source.ColumnDescription;
import io.slotway.api.source.PreparedQuery;
import io.slotway.api.source.QueryCursor;
import io.slotway.api.source.SessionContext;
import io.slotway.api.source.SqlSession;
import io.slotway.api.source.SqlSource;
import io.slotway.api.source.TransactionMode;
import io.slotway.api.types.PgType;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A source for testing core alone. Statements: {@code rows N} returns N int4 rows 1..N in column n;
 * {@code echo} returns its parameters as text; {@code insert} completes with INSERT 0 1; {@code fail}
 * raises 42601; {@code sleep} waits until cancelled (57014). Every call is recorded in {@link #log}.
 */
public final class FakeSource implements SqlSource {
    public final List<String> log = new CopyOnWriteArrayList<>();
    public final CountDownLatch sleeping = new CountDownLatch(1);

    @Override
    public SqlSession openSession(SessionContext context) {
        log.add("open " + context.user());
        return new Session();
    }

    private final class Session implements SqlSession {
        private volatile CountDownLatch cancel = new CountDownLatch(1);

        @Override
        public PreparedQuery prepare(String sql, int[] paramTypeOids) throws PgException {
            String s = sql.trim().toLowerCase();
            log.add("prepare " + s);
            if (s.startsWith("rows ")) {
                int n = Integer.parseInt(s.substring(5).trim());
                return query(List.of(new ColumnDescription("n", 0, (short) 0, PgType.INT4, -1)), new int[0], n);
            }
            if (s.startsWith("echo")) {
                int params = (int) s.chars().filter(c -> c == 36).count();
                int[] types = new int[params];
                for (int i = 0; i < params; i++) {
                    types[i] = i < paramTypeOids.length && paramTypeOids[i] != 0 ? paramTypeOids[i] : PgType.TEXT.oid();
                }
                return new Prepared(List.of(new ColumnDescription("v", 0, (short) 0, PgType.TEXT, -1)), types) {
                    @Override
                    public QueryCursor execute(Object[] parameters) {
                        StringBuilder b = new StringBuilder();
                        for (Object p : parameters) {
                            b.append(p).append('|');
                        }
                        return cursor(new Object[][] {{b.toString()}}, null);
                    }
                };
            }
            if (s.equals("insert")) {
                return new Prepared(List.of(), new int[0]) {
                    @Override
                    public QueryCursor execute(Object[] parameters) {
                        log.add("insert");
                        return cursor(new Object[0][], "INSERT 0 1");
                    }
                };
            }
            if (s.equals("sleep")) {
                return new Prepared(List.of(), new int[0]) {
                    @Override
                    public QueryCursor execute(Object[] parameters) throws PgException {
                        sleeping.countDown();
                        try {
                            if (cancel.await(30, TimeUnit.SECONDS)) {
                                cancel = new CountDownLatch(1);
                                throw new PgException(SqlState.QUERY_CANCELED, "canceling statement due to user request");
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return cursor(new Object[0][], "SELECT 0");
                    }
                };
            }
            throw new PgException(SqlState.SYNTAX_ERROR, "syntax error at or near \"" + sql.split("\\s")[0] + "\"")
                    .withPosition(1);
        }

        private PreparedQuery query(List<ColumnDescription> columns, int[] types, int n) {
            return new Prepared(columns, types) {
                @Override
                public QueryCursor execute(Object[] parameters) {
                    Object[][] rows = new Object[n][];
                    for (int i = 0; i < n; i++) {
                        rows[i] = new Object[] {i + 1};
                    }
                    return cursor(rows, null);
                }
            };
        }

        @Override public void begin(TransactionMode mode) { log.add("begin " + mode.isolation()); }
        @Override public void commit() { log.add("commit"); }
        @Override public void rollback() { log.add("rollback"); }
        @Override public void savepoint(String name) { log.add("savepoint " + name); }
        @Override public void rollbackToSavepoint(String name) { log.add("rollback to " + name); }
        @Override public void releaseSavepoint(String name) { log.add("release " + name); }
        @Override public void cancel() { cancel.countDown(); }
        @Override public void close() { log.add("close"); }
    }

    private abstract static class Prepared implements PreparedQuery {
        private final List<ColumnDescription> columns;
        private final int[] types;

        Prepared(List<ColumnDescription> columns, int[] types) {
            this.columns = columns;
            this.types = types;
        }

        @Override public int[] parameterTypes() { return types; }
        @Override public List<ColumnDescription> columns() { return columns; }
        @Override public void close() { }
    }

    private static QueryCursor cursor(Object[][] rows, String tag) {
        return new QueryCursor() {
            int i;

            @Override
            public Object[] next() {
                return i < rows.length ? rows[i++] : null;
            }

            @Override
            public String commandTag(long rowsSent) {
                return tag != null ? tag : "SELECT " + rowsSent;
            }

            @Override
            public void close() { }
        };
    }
}
