package io.slotway.api.source;

import io.slotway.api.PgException;
import org.osgi.annotation.versioning.ConsumerType;

/** The result of one execution: rows fetched on demand (so a portal can be suspended), then a tag. */
@ConsumerType
public interface QueryCursor extends AutoCloseable {
    /** The next row as canonical values in column order, or null when there are no more rows. */
    Object[] next() throws PgException;

    /**
     * PostgreSQL's CommandComplete tag ({@code SELECT 3}, {@code INSERT 0 1}, {@code CREATE TABLE}),
     * given the number of rows core has sent for this execution.
     */
    String commandTag(long rowsSent);

    @Override
    void close();
}
