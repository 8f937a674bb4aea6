package io.slotway.api.change;

import io.slotway.api.PgException;
import java.util.List;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Where a source delivers committed changes: core's WAL mapping, registered as a service. It assigns
 * transaction ids and LSNs and orders transactions by commit.
 *
 * <p>Commit is two-phase so that the WAL and the source agree after a crash at any moment:
 * <ol>
 *   <li>{@link TransactionLog#prepare} makes the whole transaction durable in the WAL, marked
 *       pending, under a number the source chose ({@code sourceSeq}, increasing, stored by the
 *       source in the same source transaction it is about to commit);</li>
 *   <li>the source commits;</li>
 *   <li>{@link TransactionLog#committed} marks it committed: from then on decoding sees it, at its
 *       place in commit order.</li>
 * </ol>
 * The source keeps steps 1 to 3 of one transaction in one critical section, so commit order is
 * prepare order. After a restart, {@link #pending()} lists what was prepared but never marked, and
 * the source settles each with {@link #resolve}: committed if its {@code sourceSeq} is in the source,
 * aborted otherwise.
 */
@ProviderType
public interface ChangeSink {
    /** Service property: the kind of source the sink serves. */
    String SOURCE = "source.name";

    /** Starts logging a transaction; its xid is assigned now (what {@code txid_current()} returns). */
    TransactionLog begin() throws PgException;

    /** Writes a non-transactional logical decoding message; returns its LSN. */
    Lsn message(String prefix, byte[] content) throws PgException;

    /**
     * Writes a non-transactional logical decoding message emitted by the transaction with id
     * {@code xid} (0 when the emitting transaction has none, as decoding then reports).
     */
    default Lsn message(long xid, String prefix, byte[] content) throws PgException {
        return message(prefix, content);
    }

    /** The next LSN to be written ({@code pg_current_wal_lsn()}). */
    Lsn currentLsn();

    /** The {@code sourceSeq} of every prepared transaction that was neither committed nor aborted. */
    List<Long> pending();

    /** Settles a pending transaction found after a restart. */
    void resolve(long sourceSeq, boolean committed) throws PgException;
}
