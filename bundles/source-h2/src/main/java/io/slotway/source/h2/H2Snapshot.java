package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.Lsn;
import io.slotway.api.source.SourceSnapshot;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An exported snapshot. H2 cannot hand one MVCC snapshot to another connection, so the snapshot is an H2
 * connection of its own in SNAPSHOT isolation whose transaction was pinned by a read while the source's
 * commit lock was held; importing sessions run their queries on that connection, one at a time
 * ({@link #lock}). The connection is closed when the exporter and every importing transaction have let go.
 */
final class H2Snapshot implements SourceSnapshot {
    private final Connection connection;
    private final Lsn lsn;
    /** Serialises the sessions reading through the snapshot. */
    final ReentrantLock lock = new ReentrantLock();
    private int holders = 1;
    private boolean exporterClosed;

    H2Snapshot(Connection connection, Lsn lsn) {
        this.connection = connection;
        this.lsn = lsn;
    }

    @Override
    public Lsn lsn() {
        return lsn;
    }

    Connection connection() {
        return connection;
    }

    /** An importing transaction takes hold. */
    synchronized void retain() throws PgException {
        if (holders == 0) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "the snapshot is no longer available");
        }
        holders++;
    }

    /** An importing transaction ended. */
    void release() {
        boolean last;
        synchronized (this) {
            last = --holders == 0;
        }
        if (last) {
            closeConnection();
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (exporterClosed) {
                return;
            }
            exporterClosed = true;
        }
        release();
    }

    private void closeConnection() {
        lock.lock();
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // closing anyway
        } finally {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // nothing left to do
            }
            lock.unlock();
        }
    }
}
