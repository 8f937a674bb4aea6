package io.slotway.api.watch;

import io.slotway.api.PgException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * Told of every schema change, as PostgreSQL's {@code ddl_command_end} event triggers are, and able to
 * add to the change's transaction (as DMS's {@code awsdms_intercept_ddl} trigger adds rows of its audit
 * table).
 */
@ConsumerType
public interface SchemaWatcher {
    /** Service property naming the watcher ({@code dms-ddl}, {@code ddl-messages}). */
    String WATCHER_NAME = "watcher.name";

    /**
     * Called once when the watcher becomes active, before it is told of any schema change: it may create
     * what it needs (its tables) through {@code context}, in a transaction of its own. Schema changes made
     * here are not reported to watchers.
     */
    default void activate(WatcherContext context) throws PgException {
    }

    /**
     * A schema change, after the statement ran and before its transaction commits. What the watcher does
     * through {@code context} belongs to that transaction; an exception fails the statement, as an error
     * in an event trigger does.
     */
    void schemaChanged(SchemaChange change, WatcherContext context) throws PgException;
}
