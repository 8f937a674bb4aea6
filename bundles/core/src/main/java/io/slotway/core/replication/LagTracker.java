package io.slotway.core.replication;

import java.util.ArrayDeque;

/**
 * The lags of {@code pg_stat_replication} ({@code write_lag}, {@code flush_lag}, {@code replay_lag}): for a
 * position the client reports written, flushed or applied, the time since the walsender sent the WAL up to
 * it. The walsender records when it sent each new end position ({@link #write}); each kind of report has its
 * own queue of those samples and consumes the ones its position has reached ({@link #read}). A position
 * between two samples is given a send time interpolated between theirs, as PostgreSQL documents its lag
 * columns to be estimates of that kind. Times are microseconds (any fixed origin).
 */
final class LagTracker {
    static final int WRITE = 0;
    static final int FLUSH = 1;
    static final int APPLY = 2;
    /** Samples kept per kind of report; beyond it the newest is replaced, so the oldest still time a slow client. */
    private static final int MAX_SAMPLES = 8192;

    /** One kind of report: the samples it has not reached yet, and the last one it passed. */
    private static final class Reader {
        final ArrayDeque<long[]> pending = new ArrayDeque<>();
        /** {lsn, sent} of the last sample passed while more were pending; null when there is none to interpolate from. */
        long[] passed;
    }

    private final Reader[] readers = {new Reader(), new Reader(), new Reader()};
    private long lastSent = -1;

    /** The walsender sent WAL up to {@code lsn} at {@code time}; a position already recorded makes no sample. */
    synchronized void write(long lsn, long time) {
        if (lsn == lastSent) {
            return;
        }
        lastSent = lsn;
        long[] sample = {lsn, time};
        for (Reader r : readers) {
            if (r.pending.size() >= MAX_SAMPLES) {
                r.pending.pollLast();
            }
            r.pending.addLast(sample);
        }
    }

    /** The lag, in microseconds at {@code now}, of {@code lsn} as reported by {@code kind}; -1 when there is nothing to measure. */
    synchronized long read(int kind, long lsn, long now) {
        Reader r = readers[kind];
        long sent = 0;
        while (!r.pending.isEmpty() && Long.compareUnsigned(r.pending.peekFirst()[0], lsn) <= 0) {
            r.passed = r.pending.pollFirst();
            sent = r.passed[1];
        }
        if (r.pending.isEmpty()) {
            r.passed = null; // caught up: a later report has nothing earlier to interpolate from
        }
        if (sent > now) {
            return -1;
        }
        if (sent != 0) {
            return now - sent;
        }
        if (r.pending.isEmpty()) {
            return -1;
        }
        long[] next = r.pending.peekFirst();
        if (r.passed == null) {
            return now - next[1];
        }
        long[] prev = r.passed;
        if (Long.compareUnsigned(lsn, prev[0]) < 0 || prev[1] > next[1]) {
            return -1;
        }
        double fraction = (double) (lsn - prev[0]) / (double) (next[0] - prev[0]);
        return now - (long) (prev[1] + (next[1] - prev[1]) * fraction);
    }
}
