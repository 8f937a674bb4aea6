package io.slotway.core.wal;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The encoded records of one transaction before it is prepared: in memory up to a bound, then in a
 * temporary file, so a huge transaction never sits in the heap. Entries are {@code [u32 length][payload]}.
 */
final class TxnBuffer implements Closeable {
    interface PayloadConsumer {
        void accept(byte[] payload) throws IOException;
    }

    private final int memoryLimit;
    private final Path tempDir;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream(256);
    private DataOutputStream data = new DataOutputStream(memory);
    private Path spill;
    private OutputStream spillOut;
    private long count;
    /** Bytes written so far (in memory or to the spill file). */
    private long bytes;

    TxnBuffer(int memoryLimit, Path tempDir) {
        this.memoryLimit = memoryLimit;
        this.tempDir = tempDir;
    }

    void add(byte[] payload) throws IOException {
        if (spill == null && memory.size() + payload.length + 4 > memoryLimit) {
            Files.createDirectories(tempDir);
            spill = Files.createTempFile(tempDir, "txn", ".spill");
            spillOut = new BufferedOutputStream(Files.newOutputStream(spill), 1 << 16);
            memory.writeTo(spillOut);
            memory = null;
            data = new DataOutputStream(spillOut);
        }
        data.writeInt(payload.length);
        data.write(payload);
        count++;
        bytes += 4 + payload.length;
    }

    /** The byte position after the records written so far (for {@link #truncate}). */
    long bytes() {
        return bytes;
    }

    /** Drops every record after the first {@code keepCount}, which end at byte {@code keepBytes}. */
    void truncate(long keepCount, long keepBytes) throws IOException {
        if (keepCount > count || keepBytes > bytes) {
            throw new IllegalArgumentException("truncate past the end");
        }
        data.flush();
        if (spill == null) {
            byte[] kept = java.util.Arrays.copyOf(memory.toByteArray(), (int) keepBytes);
            memory = new ByteArrayOutputStream(Math.max(256, kept.length));
            memory.write(kept);
            data = new DataOutputStream(memory);
        } else {
            data.close();
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(spill,
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(keepBytes);
            }
            spillOut = new BufferedOutputStream(Files.newOutputStream(spill, java.nio.file.StandardOpenOption.APPEND), 1 << 16);
            data = new DataOutputStream(spillOut);
        }
        count = keepCount;
        bytes = keepBytes;
    }

    long count() {
        return count;
    }

    boolean spilled() {
        return spill != null;
    }

    /** Hands every payload, in order, to {@code consumer}. */
    void forEach(PayloadConsumer consumer) throws IOException {
        data.flush();
        try (InputStream raw = spill == null ? new java.io.ByteArrayInputStream(memory.toByteArray())
                : new BufferedInputStream(Files.newInputStream(spill), 1 << 16);
             DataInputStream in = new DataInputStream(raw)) {
            for (long i = 0; i < count; i++) {
                int n = in.readInt();
                byte[] payload = new byte[n];
                in.readFully(payload);
                consumer.accept(payload);
            }
        } catch (EOFException e) {
            throw new IOException("transaction buffer is short", e);
        }
    }

    @Override
    public void close() {
        try {
            data.close();
        } catch (IOException e) {
            // ignore
        }
        if (spill != null) {
            try {
                Files.deleteIfExists(spill);
            } catch (IOException e) {
                // ignore: cleaned at the next open
            }
        }
        memory = null;
    }
}
