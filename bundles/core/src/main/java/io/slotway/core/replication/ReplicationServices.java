package io.slotway.core.replication;

import io.slotway.api.PgException;
import io.slotway.api.change.Lsn;
import io.slotway.api.decoding.OutputPlugin;
import io.slotway.core.wal.WalStream;

/**
 * What the replication protocol and the replication SQL functions need from the WAL, the slots and
 * the output plugins; {@link ReplicationService} provides it in the running server.
 */
public interface ReplicationServices {

    /** A slot as {@code pg_replication_slots} shows it. */
    record SlotState(String name, String plugin, boolean temporary, boolean twoPhase, boolean active,
                     int activePid, Lsn restartLsn, Lsn confirmedFlush) {}

    long systemIdentifier();

    int timeline();

    /** End of durable WAL. */
    Lsn flushedLsn();

    /** Creates a logical slot for {@code plugin} (which must be loadable) and returns it. */
    SlotState createSlot(String name, String plugin, boolean temporary, boolean twoPhase, int ownerPid)
            throws PgException;

    void dropSlot(String name, boolean waitForRelease, int pid) throws PgException;

    /** The slot, or null. */
    SlotState slot(String name);

    java.util.List<SlotState> slots();

    /** Makes {@code pid} the slot's one active consumer (55006 if another is). */
    SlotState acquire(String name, int pid) throws PgException;

    void release(String name, int pid);

    /** The consumer has durably processed everything before {@code flush}. */
    void confirm(String name, Lsn flush);

    /** A backend ended: release its slots and drop its temporary ones. */
    void backendEnded(int pid);

    /** The plugin registered under {@code name}, or PostgreSQL's error for a plugin it cannot load. */
    OutputPlugin plugin(String name) throws PgException;

    /** Whether {@code plugin} is still the one registered under {@code name} (not removed or updated). */
    default boolean pluginCurrent(String name, OutputPlugin plugin) {
        return true;
    }

    /** The service properties of the plugin now served under {@code name} (with {@code service.bundleid}), or null. */
    default java.util.Map<String, Object> pluginProperties(String name) {
        return null;
    }

    /**
     * A stream being served: its backend, slot and plugin, the end of what it sent, and the write, flush
     * and apply positions its client last reported (INVALID before the first standby status update).
     */
    record StreamState(int pid, String slot, String plugin, Lsn sent, Lsn write, Lsn flush, Lsn apply) {}

    /**
     * A stream's lags as {@code pg_stat_replication} shows them: microseconds (-1 = NULL) between sending a position
     * and the client reporting it written, flushed and applied (see {@link LagTracker}), the client's time of its
     * last reply (null before the first), and whether it has caught up once ({@code streaming}, else {@code catchup}).
     */
    record StreamLag(long writeLagMicros, long flushLagMicros, long applyLagMicros, java.time.Instant replyTime,
                     boolean caughtUp) {}

    /** The lags of the stream served by {@code pid}, or null. */
    default StreamLag streamLag(int pid) {
        return null;
    }

    /** A {@link WalSender} began streaming (CopyBoth sent). */
    default void streamStarted(WalSender sender) {}

    /** A {@link WalSender} stopped streaming, however it ended. */
    default void streamEnded(WalSender sender) {}

    /** The streams being served now, by pid. */
    default java.util.List<StreamState> streams() {
        return java.util.List.of();
    }

    /**
     * The publication {@code name} as of {@code at} (the last committed definition logged before it), or
     * empty when it did not exist then.
     */
    default java.util.Optional<io.slotway.api.change.Publication> publication(String name, Lsn at) {
        return java.util.Optional.empty();
    }

    /** Committed items from {@code from} on, in commit order. */
    WalStream stream(Lsn from) throws PgException;

    /** PostgreSQL's wal_sender_timeout in milliseconds (0 = none). */
    long walSenderTimeoutMillis();
}
