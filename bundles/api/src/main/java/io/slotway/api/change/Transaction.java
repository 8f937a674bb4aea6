package io.slotway.api.change;

import java.time.Instant;

/**
 * A committed transaction as decoding sees it.
 *
 * @param xid        its transaction id
 * @param firstLsn   the LSN of its first record
 * @param commitLsn  the LSN of its commit record (PostgreSQL's {@code final_lsn})
 * @param endLsn     the LSN just past its commit record
 * @param commitTime when the source committed it
 * @param origin     the replication origin, or null
 */
public record Transaction(long xid, Lsn firstLsn, Lsn commitLsn, Lsn endLsn, Instant commitTime, String origin) {
}
