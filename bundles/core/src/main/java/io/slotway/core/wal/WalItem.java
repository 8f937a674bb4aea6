package io.slotway.core.wal;

import io.slotway.api.change.Change;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Transaction;

/** What a {@link WalStream} delivers. */
public sealed interface WalItem {
    /**
     * A committed transaction; entries() reads its changes (each with its own record LSN and the
     * Relation as it was then) lazily from disk, so a huge transaction never sits in memory. Each call
     * to {@code entries().iterator()} reads afresh; a read failure surfaces as {@link WalReadException}.
     */
    record Committed(Transaction transaction, Iterable<Entry> entries) implements WalItem {}

    /** A non-transactional logical decoding message. */
    /** {@code xid}: the transaction that emitted it, 0 when it had none (what decoding reports). */
    record Message(Lsn lsn, Change.Message message, long xid) implements WalItem {}
}
