package io.slotway.core.wal;

import io.slotway.api.PgException;
import io.slotway.api.change.ChangeSink;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Publication;
import java.util.Map;
import java.util.Optional;

/**
 * The WAL as the replication side sees it: the {@link ChangeSink} sources write to, plus what
 * walsenders and slots need to read it. Registered as a service by {@link WalMapping}.
 */
public interface WalService extends ChangeSink {
    long systemIdentifier();

    /** Always 1: Slotway never forks timelines. */
    int timeline();

    /** End of durable WAL (what IDENTIFY_SYSTEM reports as xlogpos). A record boundary. */
    Lsn flushedLsn();

    /**
     * Committed transactions and non-transactional messages with (commit) LSN &gt;= {@code from}, in
     * commit order. {@code from} may be any LSN (a record boundary or not); a transaction whose commit
     * LSN is at or after it is delivered whole even when it began before it. Raises 58P01 when the WAL
     * {@code from} needs was already removed.
     */
    WalStream openStream(Lsn from) throws PgException;

    /** WAL before this LSN is no longer needed by any slot: whole segments before it may be removed. */
    void retainFrom(Lsn oldestNeeded);

    /** Next xid without assigning it (for IDENTIFY_SYSTEM-like reporting); txid_current uses TransactionLog.xid(). */
    long nextXid();

    /**
     * Where decoding must restart to produce every transaction with commit LSN &gt;= {@code confirmed}:
     * the BEGIN of the first such transaction if it began before {@code confirmed}, else a record
     * boundary at or before {@code confirmed}; never past {@link #flushedLsn()}. {@code from} is an
     * earlier answer (or any LSN at or before {@code confirmed}); the WAL is scanned from there.
     */
    Lsn restartPoint(Lsn from, Lsn confirmed) throws PgException;

    /** The first LSN still on disk (the first record of the oldest segment kept). */
    Lsn oldestLsn();

    /**
     * The publication {@code name} as of {@code at}: the definition logged by the last PUBLICATION record
     * before {@code at} of a committed transaction, or empty when there is none or it was a drop. Answers
     * for any {@code at} at or after {@link #oldestLsn()}.
     */
    default Optional<Publication> publication(String name, Lsn at) {
        return Optional.empty();
    }

    /** The latest committed definition of every publication that exists, by name. */
    default Map<String, Publication> publications() {
        return Map.of();
    }
}
