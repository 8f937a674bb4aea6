package io.slotway.core.wal;

import io.slotway.api.PgException;
import java.util.concurrent.TimeUnit;

/** A reader of committed WAL items, in commit order; one per walsender. Not thread-safe. */
public interface WalStream extends AutoCloseable {
    /** The next item, waiting up to timeout for one to be committed; null if none came. */
    WalItem poll(long timeout, TimeUnit unit) throws PgException, InterruptedException;

    @Override
    void close();
}
