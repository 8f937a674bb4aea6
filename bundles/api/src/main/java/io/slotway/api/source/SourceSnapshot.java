package io.slotway.api.source;

import io.slotway.api.change.Lsn;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A read snapshot of the source pinned at a commit point: PostgreSQL's exported snapshot
 * ({@code CREATE_REPLICATION_SLOT ... (SNAPSHOT 'export' | 'use')}). Reads through it see exactly the
 * transactions whose commit LSN is before {@link #lsn()} and nothing committed later. Opened by
 * {@link SqlSession#exportSnapshot}; sessions read through it with {@link SqlSession#useSnapshot}.
 */
@ConsumerType
public interface SourceSnapshot extends AutoCloseable {
    /** The commit point: what the anchor returned when the snapshot was pinned. */
    Lsn lsn();

    /**
     * Releases the exporter's hold. Sessions already reading through the snapshot keep it until their
     * transaction blocks end.
     */
    @Override
    void close();
}
