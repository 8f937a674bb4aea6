package io.slotway.api.change;

import io.slotway.api.PgException;
import java.time.Instant;
import org.osgi.annotation.versioning.ProviderType;

/** One source transaction being logged; see {@link ChangeSink} for the commit protocol. */
@ProviderType
public interface TransactionLog {
    long xid();

    /** A change, in the order the source made it. */
    void add(Change change) throws PgException;

    /**
     * A schema change (DDL) inside this transaction: {@code after} is the relation's new definition
     * (null when dropped), {@code commandTag} and {@code statement} say what ran. Changes after it are
     * decoded with the new definition.
     */
    void schemaChanged(long relationOid, Relation after, String commandTag, String statement) throws PgException;

    /** Step 1: durable in the WAL, pending; returns the commit LSN it will have. */
    Lsn prepare(long sourceSeq, Instant commitTime) throws PgException;

    /** Step 3: the source committed; decoding may now see it. */
    void committed() throws PgException;

    /** The source rolled back (before or after prepare): the transaction never appears. */
    void abort();
}
