package io.slotway.api.source;

import io.slotway.api.PgException;
import io.slotway.api.change.Lsn;
import org.osgi.annotation.versioning.ProviderType;

/**
 * Core's part in pinning a {@link SourceSnapshot}: called by the source while no source transaction
 * can commit (the source holds its commit lock), after every transaction committed so far is visible to
 * the snapshot. It returns the WAL position that becomes the snapshot's LSN; core creates the
 * replication slot there, so the slot's stream starts exactly where the snapshot ends.
 */
@ProviderType
@FunctionalInterface
public interface SnapshotAnchor {
    Lsn pin() throws PgException;
}
