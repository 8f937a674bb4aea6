package io.slotway.core.replication;

/**
 * PostgreSQL's walsender LagTracker (walsender.c): a ring of (position, time sent) samples with one read head per
 * reported position (write, flush, apply). Reading a reported position consumes the samples it has passed and
 * gives the time since the last of them was sent, interpolating when it lies between two samples, -1 when there
 * is nothing to measure. Times are microseconds since 2000-01-01.
 */
final class LagTracker {
    static final int WRITE = 0;
    static final int FLUSH = 1;
    static final int APPLY = 2;
    private static final int SIZE = 8192;

    private final long[] lsns = new long[SIZE];
    private final long[] times = new long[SIZE];
    private long lastLsn;
    private int writeHead;
    private final int[] readHeads = new int[3];
    private final long[] lastReadLsn = new long[3];
    private final long[] lastReadTime = new long[3];

    /** LagTrackerWrite: a sample, unless the position has not moved. */
    synchronized void write(long lsn, long time) {
        if (lsn == lastLsn) {
            return;
        }
        lastLsn = lsn;
        int newHead = (writeHead + 1) % SIZE;
        boolean full = false;
        for (int i = 0; i < 3; i++) {
            full |= newHead == readHeads[i];
        }
        if (full) {
            // full: overwrite the most recent sample, so the oldest ones still measure the slowest reader
            newHead = writeHead;
            writeHead = (writeHead - 1 + SIZE) % SIZE;
        }
        lsns[writeHead] = lsn;
        times[writeHead] = time;
        writeHead = newHead;
    }

    /** LagTrackerRead: the lag in microseconds of {@code lsn} as reported by reader {@code head}, or -1. */
    synchronized long read(int head, long lsn, long now) {
        long time = 0;
        while (readHeads[head] != writeHead && Long.compareUnsigned(lsns[readHeads[head]], lsn) <= 0) {
            time = times[readHeads[head]];
            lastReadLsn[head] = lsns[readHeads[head]];
            lastReadTime[head] = times[readHeads[head]];
            readHeads[head] = (readHeads[head] + 1) % SIZE;
        }
        if (readHeads[head] == writeHead) {
            lastReadTime[head] = 0;
        }
        if (time > now) {
            return -1;
        }
        if (time == 0) {
            if (readHeads[head] == writeHead) {
                return -1;
            } else if (lastReadTime[head] != 0) {
                long prevLsn = lastReadLsn[head];
                long prevTime = lastReadTime[head];
                long nextLsn = lsns[readHeads[head]];
                long nextTime = times[readHeads[head]];
                if (Long.compareUnsigned(lsn, prevLsn) < 0 || prevTime > nextTime) {
                    return -1;
                }
                double fraction = (double) (lsn - prevLsn) / (double) (nextLsn - prevLsn);
                time = (long) (prevTime + (nextTime - prevTime) * fraction);
            } else {
                time = times[readHeads[head]];
            }
        }
        return now - time;
    }
}
