package io.slotway.api.source;

import io.slotway.api.PgException;
import java.util.List;
import org.osgi.annotation.versioning.ConsumerType;

/** A parsed statement, ready to run any number of times with parameters. */
@ConsumerType
public interface PreparedQuery extends AutoCloseable {
    /** The parameters' type OIDs, one per {@code $n}. */
    int[] parameterTypes();

    /** The columns of the rows the statement returns; empty when it returns none. */
    List<ColumnDescription> columns();

    /** Runs the statement with canonical parameter values (see {@code PgValues}); null is SQL NULL. */
    QueryCursor execute(Object[] parameters) throws PgException;

    @Override
    void close();
}
