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
    private long count;

    TxnBuffer(int memoryLimit, Path tempDir) {
        this.memoryLimit = memoryLimit;
        this.tempDir = tempDir;
    }

    void add(byte[] payload) throws IOException {
        if (spill == null && memory.size() + payload.length + 4 > memoryLimit) {
            Files.createDirectories(tempDir);
            spill = Files.createTempFile(tempDir, "txn", ".spill");
            OutputStream file = new BufferedOutputStream(Files.newOutputStream(spill), 1 << 16);
            memory.writeTo(file);
            memory = null;
            data = new DataOutputStream(file);
        }
        data.writeInt(payload.length);
        data.write(payload);
        count++;
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
