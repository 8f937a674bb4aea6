package io.slotway.api.decoding;

import io.slotway.api.PgException;
import io.slotway.api.change.Change;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Transaction;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * One stream's plugin state (PostgreSQL's {@code output_plugin_private}), called in commit order:
 * {@link #begin}, then {@link #change} for each change (truncates and transactional messages too),
 * then {@link #commit}; non-transactional messages come alone through {@link #message}. Each callback
 * writes zero or more output messages through the {@link OutputWriter}. A callback that fails (pgoutput:
 * {@code publication "x" does not exist}) throws the error PostgreSQL would raise; the stream or the SQL
 * call ends with it.
 */
@ConsumerType
public interface PluginSession {
    /** Whether output is text (test_decoding, wal2json) or binary (pgoutput). */
    boolean binaryOutput();

    void begin(Transaction txn, OutputWriter out) throws PgException;

    /** A change of {@code txn}; {@code lsn} is the LSN of its record. */
    void change(Transaction txn, Lsn lsn, Change change, OutputWriter out) throws PgException;

    void commit(Transaction txn, OutputWriter out) throws PgException;

    /** A non-transactional logical decoding message at {@code lsn}. */
    default void message(Lsn lsn, Change.Message message, OutputWriter out) throws PgException {
    }

    /** The stream ends. */
    default void shutdown() {
    }
}
