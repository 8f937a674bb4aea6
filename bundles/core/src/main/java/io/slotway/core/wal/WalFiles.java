package io.slotway.core.wal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * The segment files of the WAL: naming, headers, framing, the append position and positional reads.
 *
 * <p>A segment is a file of exactly {@code segmentSize} bytes (created sparse) named like
 * PostgreSQL's: timeline, then the segment number split in two, 8 hex digits each. It starts with a
 * 32-byte header (magic, system identifier, segment size, timeline, segment number); records follow,
 * each 8-byte aligned: {@code [u32 length][u32 CRC-32C][payload]} (big-endian). The CRC covers the
 * record's own LSN, the length and the payload, so a record read at the wrong place never passes. A
 * record never spans segments: when the next one does not fit, a SWITCH record (if at least 16 bytes
 * are left) or nothing marks the rest as unused, and writing goes on after the next segment's
 * header. A zero length word ends the WAL.
 *
 * <p>Appending is single-threaded (the caller holds the WAL's write lock); reads are positional and
 * thread-safe, through one read channel per segment shared by all readers.
 */
final class WalFiles implements Closeable {
    static final int SEGMENT_HEADER = 32;
    static final int RECORD_HEADER = 8;
    static final int MIN_RECORD = 16;
    static final long MAGIC = 0x534C4F5457414C31L; // "SLOTWAL1"
    static final int MIN_SEGMENT_SIZE = 1 << 16;
    static final int MAX_SEGMENT_SIZE = 1 << 30;
    private static final Pattern SEGMENT_NAME = Pattern.compile("[0-9A-F]{24}");

    interface SwitchListener {
        void switched(long newSegment) throws IOException;
    }

    private final Path dir;
    private final int segmentSize;
    private final long systemId;
    private final int timeline;
    private final boolean fsync;
    private final Map<Long, FileChannel> readChannels = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> checkedHeaders = new ConcurrentHashMap<>();
    private volatile long oldestSegment;
    private SwitchListener listener = s -> { };

    // writer state, guarded by the caller's write lock
    private FileChannel out;
    private long outSegment = -1;
    private long writePos;
    private final ByteBuffer outBuf = ByteBuffer.allocate(1 << 20);
    private long outBufStart;
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer crcScratch = ByteBuffer.allocate(12);

    WalFiles(Path dir, int segmentSize, long systemId, int timeline, boolean fsync) {
        if (Integer.bitCount(segmentSize) != 1 || segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
            throw new IllegalArgumentException("segment size must be a power of two between 64 KiB and 1 GiB: " + segmentSize);
        }
        this.dir = dir;
        this.segmentSize = segmentSize;
        this.systemId = systemId;
        this.timeline = timeline;
        this.fsync = fsync;
    }

    void setListener(SwitchListener listener) {
        this.listener = listener;
    }

    int segmentSize() {
        return segmentSize;
    }

    long segmentOf(long lsn) {
        return Long.divideUnsigned(lsn, segmentSize);
    }

    long segmentStart(long segment) {
        return segment * segmentSize;
    }

    long firstRecord(long segment) {
        return segment * segmentSize + SEGMENT_HEADER;
    }

    String segmentName(long segment) {
        long perId = 0x1_0000_0000L / segmentSize;
        return String.format(Locale.ROOT, "%08X%08X%08X", timeline, segment / perId, segment % perId);
    }

    Path segmentPath(long segment) {
        return dir.resolve(segmentName(segment));
    }

    /** Segment numbers of the segment files in the directory, ascending. */
    static List<Long> listSegments(Path dir, int segmentSize, int timeline) throws IOException {
        TreeSet<Long> found = new TreeSet<>();
        long perId = 0x1_0000_0000L / segmentSize;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String n = p.getFileName().toString();
                if (SEGMENT_NAME.matcher(n).matches() && Long.parseLong(n.substring(0, 8), 16) == timeline) {
                    found.add(Long.parseLong(n.substring(8, 16), 16) * perId + Long.parseLong(n.substring(16), 16));
                }
            }
        }
        return new ArrayList<>(found);
    }

    /** Reads a segment header: {system id, segment size} or null if the file is missing or no segment. */
    static long[] readHeader(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(SEGMENT_HEADER);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // fill
            }
            if (b.hasRemaining() || b.getLong(0) != MAGIC) {
                return null;
            }
            return new long[] {b.getLong(8), b.getInt(16)};
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    boolean headerValid(long segment) throws IOException {
        if (checkedHeaders.containsKey(segment)) {
            return true;
        }
        ByteBuffer b = ByteBuffer.allocate(SEGMENT_HEADER);
        read(segment * segmentSize, b);
        boolean ok = b.getLong(0) == MAGIC && b.getLong(8) == systemId && b.getInt(16) == segmentSize
                && b.getInt(20) == timeline && b.getLong(24) == segment;
        if (ok) {
            checkedHeaders.put(segment, Boolean.TRUE);
        }
        return ok;
    }

    long oldestSegment() {
        return oldestSegment;
    }

    void setOldestSegment(long segment) {
        oldestSegment = segment;
    }

    // ---- writing ----

    long writePos() {
        return writePos;
    }

    long currentSegment() {
        return outSegment;
    }

    /** Opens the segment holding {@code pos} for appending at {@code pos}, creating it if needed. */
    void openForAppend(long pos) throws IOException {
        long segment = segmentOf(pos);
        if (pos - segmentStart(segment) < SEGMENT_HEADER) {
            pos = firstRecord(segment);
        }
        Path file = segmentPath(segment);
        if (!Files.exists(file) || !headerValid(segment)) {
            createSegment(segment);
        } else {
            out = FileChannel.open(file, StandardOpenOption.WRITE);
        }
        outSegment = segment;
        writePos = pos;
        outBufStart = pos;
        outBuf.clear();
    }

    private void createSegment(long segment) throws IOException {
        Path file = segmentPath(segment);
        closeReadChannel(segment);
        checkedHeaders.remove(segment);
        out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ,
                StandardOpenOption.TRUNCATE_EXISTING);
        out.write(ByteBuffer.allocate(1), segmentSize - 1L);
        ByteBuffer h = ByteBuffer.allocate(SEGMENT_HEADER);
        h.putLong(MAGIC).putLong(systemId).putInt(segmentSize).putInt(timeline).putLong(segment).flip();
        out.write(h, 0);
        if (fsync) {
            out.force(true);
            syncDirectory();
        }
    }

    void syncDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some platforms cannot open a directory; the rename/create is then as durable as it gets
        }
    }

    static int aligned(int n) {
        return (n + 7) & ~7;
    }

    /** Largest payload a record can carry. */
    int maxPayload() {
        return segmentSize - SEGMENT_HEADER - RECORD_HEADER;
    }

    /** Appends one record (to the buffer); returns its LSN. */
    long append(byte[] payload) throws IOException {
        int total = aligned(RECORD_HEADER + payload.length);
        if (payload.length > maxPayload()) {
            throw new IOException("WAL record of " + payload.length + " bytes does not fit in a segment of "
                    + segmentSize + " bytes (raise segment.size)");
        }
        long segEnd = segmentStart(outSegment) + segmentSize;
        if (writePos + total > segEnd) {
            switchSegment();
        }
        long lsn = writePos;
        int sum = checksum(lsn, payload.length, payload);
        if (outBuf.remaining() < total) {
            flush();
        }
        if (outBuf.remaining() >= total) {
            outBuf.putInt(payload.length).putInt(sum).put(payload);
            for (int i = RECORD_HEADER + payload.length; i < total; i++) {
                outBuf.put((byte) 0);
            }
        } else {
            ByteBuffer big = ByteBuffer.allocate(total);
            big.putInt(payload.length).putInt(sum).put(payload).position(total).flip();
            writeFully(big, lsn - segmentStart(outSegment));
            outBufStart = lsn + total;
        }
        writePos = lsn + total;
        return lsn;
    }

    private void switchSegment() throws IOException {
        long segEnd = segmentStart(outSegment) + segmentSize;
        if (segEnd - writePos >= MIN_RECORD) {
            byte[] sw = RecordCodec.switchRecord();
            if (outBuf.remaining() < MIN_RECORD) {
                flush();
            }
            outBuf.putInt(sw.length).putInt(checksum(writePos, sw.length, sw)).put(sw);
            while (outBuf.position() % 8 != 0) {
                outBuf.put((byte) 0);
            }
        }
        flush();
        if (fsync) {
            out.force(false);
        }
        out.close();
        long next = outSegment + 1;
        createSegment(next);
        outSegment = next;
        writePos = firstRecord(next);
        outBufStart = writePos;
        listener.switched(next);
    }

    /** Writes buffered records to the segment file (the OS's cache). */
    void flush() throws IOException {
        if (outBuf.position() > 0) {
            outBuf.flip();
            writeFully(outBuf, outBufStart - segmentStart(outSegment));
            outBuf.clear();
        }
        outBufStart = writePos;
    }

    private void writeFully(ByteBuffer b, long position) throws IOException {
        while (b.hasRemaining()) {
            position += out.write(b, position);
        }
    }

    /** Flushes and, if configured, fsyncs. */
    void sync() throws IOException {
        flush();
        if (fsync) {
            out.force(false);
        }
    }

    int checksum(long lsn, int length, byte[] payload) {
        crc.reset();
        crcScratch.clear();
        crcScratch.putLong(lsn).putInt(length).flip();
        crc.update(crcScratch);
        crc.update(payload, 0, payload.length);
        return (int) crc.getValue();
    }

    static int checksum(CRC32C crc, long lsn, int length, byte[] payload) {
        crc.reset();
        ByteBuffer b = ByteBuffer.allocate(12);
        b.putLong(lsn).putInt(length).flip();
        crc.update(b);
        crc.update(payload, 0, payload.length);
        return (int) crc.getValue();
    }

    /**
     * Cuts the WAL at {@code pos}: zeroes everything from there to the end of its segment and deletes
     * later segments. Used at open, before anything is appended.
     */
    void cut(long pos) throws IOException {
        long segment = segmentOf(pos);
        for (long s : listSegments(dir, segmentSize, timeline)) {
            if (s > segment) {
                closeReadChannel(s);
                Files.deleteIfExists(segmentPath(s));
            }
        }
        Path file = segmentPath(segment);
        if (Files.exists(file) && headerValid(segment)) {
            long off = Math.max(pos - segmentStart(segment), SEGMENT_HEADER);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
                ch.truncate(off);
                ch.write(ByteBuffer.allocate(1), segmentSize - 1L);
                if (fsync) {
                    ch.force(true);
                }
            }
            closeReadChannel(segment);
        }
        if (fsync) {
            syncDirectory();
        }
    }

    /** Deletes every segment before {@code segment} (never the one being written). */
    int removeBefore(long segment) throws IOException {
        int removed = 0;
        segment = Math.min(segment, outSegment);
        for (long s : listSegments(dir, segmentSize, timeline)) {
            if (s < segment) {
                closeReadChannel(s);
                Files.deleteIfExists(segmentPath(s));
                checkedHeaders.remove(s);
                removed++;
            }
        }
        if (segment > oldestSegment) {
            oldestSegment = segment;
        }
        return removed;
    }

    // ---- reading ----

    /**
     * Reads from {@code lsn} into {@code dst} (within one segment); bytes past the end of the file
     * read as zeros. Raises {@link SegmentRemovedException} when the segment is gone.
     */
    void read(long lsn, ByteBuffer dst) throws IOException {
        long segment = segmentOf(lsn);
        long pos = lsn - segmentStart(segment);
        for (int attempt = 0; ; attempt++) {
            FileChannel ch = readChannel(segment);
            try {
                while (dst.hasRemaining()) {
                    int n = ch.read(dst, pos);
                    if (n < 0) {
                        while (dst.hasRemaining()) {
                            dst.put((byte) 0);
                        }
                        break;
                    }
                    pos += n;
                }
                dst.flip();
                return;
            } catch (ClosedChannelException e) {
                if (Thread.interrupted()) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                readChannels.remove(segment, ch);
                if (attempt > 0 || !Files.exists(segmentPath(segment))) {
                    throw new SegmentRemovedException(segmentName(segment));
                }
            }
        }
    }

    private FileChannel readChannel(long segment) throws IOException {
        FileChannel ch = readChannels.get(segment);
        if (ch != null) {
            return ch;
        }
        if (segment < oldestSegment) {
            throw new SegmentRemovedException(segmentName(segment));
        }
        try {
            ch = FileChannel.open(segmentPath(segment), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new SegmentRemovedException(segmentName(segment));
        }
        FileChannel prev = readChannels.putIfAbsent(segment, ch);
        if (prev != null) {
            ch.close();
            return prev;
        }
        return ch;
    }

    private void closeReadChannel(long segment) {
        FileChannel ch = readChannels.remove(segment);
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (out != null && out.isOpen()) {
                sync();
                out.close();
            }
        } finally {
            for (Long s : List.copyOf(readChannels.keySet())) {
                closeReadChannel(s);
            }
        }
    }

    /** The WAL a reader needs is no longer on disk. */
    static final class SegmentRemovedException extends IOException {
        private static final long serialVersionUID = 1L;
        final String segmentName;

        SegmentRemovedException(String segmentName) {
            super("requested WAL segment " + segmentName + " has already been removed");
            this.segmentName = segmentName;
        }
    }
}
