package io.slotway.core.wal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Reads records one after another from a record boundary, through a 64 KiB window, never past a
 * limit the caller gives (the end of what is visible). SWITCH records and segment tails are stepped
 * over. Not thread-safe; cheap to create.
 */
final class WalReader {
    private static final int WINDOW = 64 << 10;

    /** One record as stored. */
    record RawRecord(long lsn, long end, byte[] payload) {
        byte kind() {
            return payload[0];
        }
    }

    /** A record that does not check out (bad header, length or CRC) at {@code lsn}. */
    static final class BadRecordException extends IOException {
        private static final long serialVersionUID = 1L;
        final long lsn;

        BadRecordException(long lsn, String why) {
            super(why);
            this.lsn = lsn;
        }
    }

    private final WalFiles files;
    private final int segmentSize;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer window = ByteBuffer.allocate(WINDOW);
    private long windowStart = -1;
    private int windowLength;
    private long pos;

    WalReader(WalFiles files, long pos) {
        this.files = files;
        this.segmentSize = files.segmentSize();
        this.pos = pos;
    }

    /** The LSN of the next record to read (or of the place the reader will look next). */
    long position() {
        return pos;
    }

    void seek(long lsn) {
        pos = lsn;
    }

    /** Whether a valid record starts exactly at {@code lsn} (used to tell a record boundary). */
    boolean recordAt(long lsn, long limit) {
        long save = pos;
        try {
            pos = lsn;
            RawRecord r = readOne(limit);
            return r != null && r.lsn() == lsn;
        } catch (IOException e) {
            return false;
        } finally {
            pos = save;
        }
    }

    /** The next record before {@code limit}, or null when the reader reached it. */
    RawRecord next(long limit) throws IOException {
        while (true) {
            RawRecord r = readOne(limit);
            if (r == null || r.kind() != RecordCodec.SWITCH) {
                return r;
            }
        }
    }

    private RawRecord readOne(long limit) throws IOException {
        while (true) {
            if (Long.compareUnsigned(pos, limit) >= 0) {
                return null;
            }
            long segment = files.segmentOf(pos);
            long segStart = files.segmentStart(segment);
            long off = pos - segStart;
            if (off < WalFiles.SEGMENT_HEADER) {
                pos = segStart + WalFiles.SEGMENT_HEADER;
                continue;
            }
            if (segmentSize - off < WalFiles.MIN_RECORD) {
                pos = files.firstRecord(segment + 1);
                continue;
            }
            if (!files.headerValid(segment)) {
                throw new BadRecordException(pos, "invalid segment header in " + files.segmentName(segment));
            }
            byte[] header = new byte[WalFiles.RECORD_HEADER];
            copy(pos, header, limit);
            int length = ((header[0] & 0xFF) << 24) | ((header[1] & 0xFF) << 16) | ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
            int sum = ((header[4] & 0xFF) << 24) | ((header[5] & 0xFF) << 16) | ((header[6] & 0xFF) << 8) | (header[7] & 0xFF);
            if (length == 0) {
                throw new BadRecordException(pos, "end of WAL (zero length)");
            }
            if (length < 0 || off + WalFiles.RECORD_HEADER + (long) length > segmentSize) {
                throw new BadRecordException(pos, "invalid record length " + length);
            }
            byte[] payload = new byte[length];
            copy(pos + WalFiles.RECORD_HEADER, payload, limit);
            if (WalFiles.checksum(crc, pos, length, payload) != sum) {
                throw new BadRecordException(pos, "incorrect record checksum");
            }
            long end = pos + WalFiles.aligned(WalFiles.RECORD_HEADER + length);
            RawRecord r = new RawRecord(pos, end, payload);
            if (r.kind() == RecordCodec.SWITCH) {
                pos = files.firstRecord(segment + 1);
            } else {
                pos = end;
            }
            return r;
        }
    }

    /** Copies {@code dst.length} bytes at {@code lsn}, never caching data at or past {@code limit}. */
    private void copy(long lsn, byte[] dst, long limit) throws IOException {
        int n = dst.length;
        if (windowStart >= 0 && lsn >= windowStart && lsn + n <= windowStart + windowLength) {
            window.get((int) (lsn - windowStart), dst, 0, n);
            return;
        }
        long segEnd = files.segmentStart(files.segmentOf(lsn)) + segmentSize;
        if (n > WINDOW / 2) {
            ByteBuffer b = ByteBuffer.wrap(dst);
            files.read(lsn, b);
            return;
        }
        long fill = Math.min(WINDOW, segEnd - lsn);
        if (Long.compareUnsigned(limit, lsn + fill) < 0 && Long.compareUnsigned(limit, lsn) > 0) {
            fill = Math.max(limit - lsn, n);
        }
        window.clear();
        window.limit((int) fill);
        windowStart = -1;
        files.read(lsn, window);
        windowStart = lsn;
        windowLength = (int) fill;
        window.get(0, dst, 0, n);
    }
}
