package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.source.PreparedQuery;
import io.slotway.api.source.QueryCursor;
import io.slotway.api.source.SqlSession;
import java.util.ArrayList;
import java.util.List;

/** Runs statements through the SPI as core does: prepare, execute, fetch every row, take the tag. */
final class Sessions {
    private Sessions() {}

    record Outcome(List<io.slotway.api.source.ColumnDescription> columns, List<Object[]> rows, String tag) {}

    static Outcome run(SqlSession session, String sql, Object... params) throws PgException {
        try (PreparedQuery q = session.prepare(sql, new int[0])) {
            QueryCursor c = q.execute(params);
            List<Object[]> rows = new ArrayList<>();
            for (Object[] row = c.next(); row != null; row = c.next()) {
                rows.add(row);
            }
            String tag = c.commandTag(rows.size());
            c.close();
            return new Outcome(q.columns(), rows, tag);
        }
    }

    static String tag(SqlSession session, String sql) throws PgException {
        return run(session, sql).tag();
    }
}
