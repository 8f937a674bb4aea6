package io.slotway.core.wal;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.slotway.api.change.Publication;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every committed definition of every publication, by the LSN of its PUBLICATION record, so a stream
 * can ask "publication N as of LSN L" for any L it can still decode, also after the record's segment is
 * gone and after a restart.
 *
 * <p>Only entries of committed transactions are held. {@link WalMapping} adds a transaction's entries
 * (durably, before the transaction becomes visible to streams) when it commits, rebuilds the history at
 * open from the file and the WAL scan ({@link #reset}), and compacts it when old segments are removed.
 *
 * <p>On disk: {@code <data.dir>/wal/publications}, records {@code [u32 length][u32 CRC-32C of length and
 * payload][payload]}, big-endian, payload {@code { uint64 lsn = 1; uint64 prepare_lsn = 2; string name = 3;
 * Publication after = 4 (absent: dropped) }}. Appended at commit (fsynced with {@code fsync=true});
 * rewritten atomically at open and at compaction. Reading stops at the first record that does not check
 * out (a torn append), which is then dropped by the rewrite at open.
 *
 * <p>Mutations are serialised by the caller (the WAL's write lock); lookups are lock-free on an immutable
 * snapshot.
 */
public final class PublicationHistory {
    private static final Logger LOG = LoggerFactory.getLogger(PublicationHistory.class);
    static final String FILE = "publications";

    /**
     * One definition: {@code name} as of just after {@code lsn} (its PUBLICATION record), logged by the
     * transaction whose PREPARE is at {@code prepareLsn}; {@code after} null when dropped.
     */
    public record Entry(long lsn, long prepareLsn, String name, Publication after) {}

    private final Path file;
    private final boolean fsync;
    /** name -> (record LSN -> entry); replaced whole on every change. */
    private volatile Map<String, TreeMap<Long, Entry>> byName = Map.of();

    private PublicationHistory(Path file, boolean fsync) {
        this.file = file;
        this.fsync = fsync;
    }

    /** Opens the history file in {@code dir} (nothing is read yet: see {@link #read}). */
    static PublicationHistory in(Path dir, boolean fsync) {
        return new PublicationHistory(dir.resolve(FILE), fsync);
    }

    /** The entries in the file, in file order, up to the first bad record. */
    List<Entry> read() throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Entry> out = new ArrayList<>();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        CRC32C crc = new CRC32C();
        while (b.remaining() >= 8) {
            int at = b.position();
            int length = b.getInt();
            int sum = b.getInt();
            if (length <= 0 || length > b.remaining()) {
                LOG.warn("{}: bad record length at byte {}; ignoring the rest", file, at);
                break;
            }
            byte[] payload = new byte[length];
            b.get(payload);
            if (checksum(crc, payload) != sum) {
                LOG.warn("{}: bad checksum at byte {}; ignoring the rest", file, at);
                break;
            }
            out.add(decode(payload));
        }
        return out;
    }

    /** Replaces the history (memory and file, atomically) with {@code entries}. */
    void reset(Collection<Entry> entries) throws IOException {
        Map<String, TreeMap<Long, Entry>> next = new HashMap<>();
        for (Entry e : entries) {
            next.computeIfAbsent(e.name(), n -> new TreeMap<>(Long::compareUnsigned)).put(e.lsn(), e);
        }
        rewrite(next);
        byName = next;
    }

    /** Adds a committed transaction's entries: durable in the file before they are visible to lookups. */
    void append(List<Entry> entries) throws IOException {
        if (entries.isEmpty()) {
            return;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Entry e : entries) {
            frame(bytes, e);
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray());
            while (b.hasRemaining()) {
                ch.write(b);
            }
            if (fsync) {
                ch.force(true);
            }
        }
        Map<String, TreeMap<Long, Entry>> next = copy();
        for (Entry e : entries) {
            next.computeIfAbsent(e.name(), n -> new TreeMap<>(Long::compareUnsigned)).put(e.lsn(), e);
        }
        byName = next;
    }

    /**
     * Forgets what no lookup at or after {@code before} can need: per name, every entry before it but the
     * last (and that one too when it is a drop). Rewrites the file only when something was dropped.
     */
    void compact(long before) throws IOException {
        Map<String, TreeMap<Long, Entry>> current = byName;
        Map<String, TreeMap<Long, Entry>> next = new HashMap<>();
        boolean changed = false;
        for (Map.Entry<String, TreeMap<Long, Entry>> n : current.entrySet()) {
            TreeMap<Long, Entry> kept = new TreeMap<>(Long::compareUnsigned);
            kept.putAll(n.getValue().tailMap(before, true));
            Map.Entry<Long, Entry> last = n.getValue().lowerEntry(before);
            if (last != null && last.getValue().after() != null) {
                kept.put(last.getKey(), last.getValue());
            }
            changed |= kept.size() != n.getValue().size();
            if (!kept.isEmpty()) {
                next.put(n.getKey(), kept);
            }
        }
        if (changed) {
            rewrite(next);
            byName = next;
        }
    }

    /** {@code name} as of {@code lsn}: its last committed definition logged before {@code lsn}. */
    public Optional<Publication> at(String name, long lsn) {
        TreeMap<Long, Entry> entries = byName.get(name);
        if (entries == null) {
            return Optional.empty();
        }
        Map.Entry<Long, Entry> e = entries.lowerEntry(lsn);
        return e == null ? Optional.empty() : Optional.ofNullable(e.getValue().after());
    }

    /** Every publication's latest committed definition (dropped ones left out), by name. */
    public Map<String, Publication> latest() {
        Map<String, Publication> out = new TreeMap<>();
        for (Map.Entry<String, TreeMap<Long, Entry>> n : byName.entrySet()) {
            Publication p = n.getValue().lastEntry().getValue().after();
            if (p != null) {
                out.put(n.getKey(), p);
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Every entry held, by LSN (for tests and diagnostics). */
    List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        byName.values().forEach(m -> out.addAll(m.values()));
        out.sort((a, b) -> Long.compareUnsigned(a.lsn(), b.lsn()));
        return out;
    }

    private Map<String, TreeMap<Long, Entry>> copy() {
        Map<String, TreeMap<Long, Entry>> next = new HashMap<>();
        byName.forEach((k, v) -> next.put(k, new TreeMap<>(v)));
        return next;
    }

    private void rewrite(Map<String, TreeMap<Long, Entry>> entries) throws IOException {
        List<Entry> all = new ArrayList<>();
        entries.values().forEach(m -> all.addAll(m.values()));
        all.sort((a, b) -> Long.compareUnsigned(a.lsn(), b.lsn()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Entry e : all) {
            frame(bytes, e);
        }
        Path tmp = file.resolveSibling(FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes.toByteArray());
            while (b.hasRemaining()) {
                ch.write(b);
            }
            if (fsync) {
                ch.force(true);
            }
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (fsync) {
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            } catch (IOException e) {
                // some platforms cannot sync a directory
            }
        }
    }

    private static void frame(ByteArrayOutputStream out, Entry e) {
        byte[] payload = encode(e);
        CRC32C crc = new CRC32C();
        ByteBuffer header = ByteBuffer.allocate(8).putInt(payload.length).putInt(checksum(crc, payload));
        out.writeBytes(header.array());
        out.writeBytes(payload);
    }

    private static int checksum(CRC32C crc, byte[] payload) {
        crc.reset();
        crc.update(ByteBuffer.allocate(4).putInt(payload.length).array());
        crc.update(payload);
        return (int) crc.getValue();
    }

    static byte[] encode(Entry e) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            CodedOutputStream out = CodedOutputStream.newInstance(bytes, 256);
            out.writeUInt64(1, e.lsn());
            out.writeUInt64(2, e.prepareLsn());
            out.writeString(3, e.name());
            if (e.after() != null) {
                out.writeByteArray(4, RecordCodec.publicationBody(e.after()));
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    static Entry decode(byte[] payload) throws IOException {
        CodedInputStream in = CodedInputStream.newInstance(payload);
        long lsn = 0;
        long prepare = 0;
        String name = "";
        Publication after = null;
        for (int tag; (tag = in.readTag()) != 0; ) {
            switch (WireFormat.getTagFieldNumber(tag)) {
                case 1 -> lsn = in.readUInt64();
                case 2 -> prepare = in.readUInt64();
                case 3 -> name = in.readString();
                case 4 -> after = RecordCodec.publicationFrom(in.readByteArray());
                default -> in.skipField(tag);
            }
        }
        return new Entry(lsn, prepare, name, after);
    }
}
