package io.slotway.api.watch;

import io.slotway.api.PgException;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/** What a watcher may do in the transaction it is called in. */
@ProviderType
public interface WatcherContext {
    /**
     * Runs one SQL statement (PostgreSQL syntax, {@code $n} parameters given as text, null for NULL) in the
     * transaction, as the user who made the schema change and with that session's settings
     * ({@code current_schema}, {@code current_user} and {@code txid_current()} answer as they would there).
     * What it writes is logged in the transaction. Returns the rows of a query, each value in text form,
     * or an empty list for other statements.
     */
    List<List<String>> execute(String sql, String... params) throws PgException;

    /** Adds a transactional logical decoding message to the transaction. */
    void message(String prefix, byte[] content) throws PgException;
}
