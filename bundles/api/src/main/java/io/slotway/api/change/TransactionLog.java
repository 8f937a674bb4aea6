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

    /**
     * A publication created or changed ({@code after} its new definition) or dropped ({@code after} null)
     * in this transaction: changes decoded after this record's LSN see the new definition.
     */
    default void publicationChanged(String name, Publication after) throws PgException {
        throw new UnsupportedOperationException("publicationChanged");
    }

    /**
     * A point in this transaction to come back to (a statement's or a savepoint's start): the number of
     * records logged so far. Changes go to the log as they are made, so a huge statement or transaction
     * never has to sit in the source's memory; {@link #truncate} takes them back.
     */
    default long mark() {
        throw new UnsupportedOperationException("mark");
    }

    /** Drops everything logged after {@code mark} (a failed statement, ROLLBACK TO SAVEPOINT). */
    default void truncate(long mark) throws PgException {
        throw new UnsupportedOperationException("truncate");
    }

    /** Step 1: durable in the WAL, pending; returns the commit LSN it will have. */
    Lsn prepare(long sourceSeq, Instant commitTime) throws PgException;

    /** Step 3: the source committed; decoding may now see it. */
    void committed() throws PgException;

    /** The source rolled back (before or after prepare): the transaction never appears. */
    void abort();
}
