package io.slotway.core.wal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.Change;
import io.slotway.api.change.ChangeSink;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Publication;
import io.slotway.api.change.Relation;
import io.slotway.api.change.Transaction;
import io.slotway.api.change.TransactionLog;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WAL mapping: sources write transactions into it ({@link ChangeSink}); walsenders and slots
 * read it ({@link WalService}). It assigns xids and LSNs and keeps transactions in commit order.
 *
 * <p>A transaction is buffered ({@link TxnBuffer}) until {@code prepare}, which appends BEGIN, the
 * RELATION/CHANGE/SCHEMA records and PREPARE contiguously, fsyncs, and returns the PREPARE's LSN (the
 * commit LSN). {@code committed} appends a COMMIT marker without waiting for it to be durable. Which
 * prepared transactions are still pending and which were aborted is kept in memory and in
 * {@code wal/wal.state} (a checkpoint, rewritten at each segment switch and at close); at open the
 * WAL is scanned from the checkpoint to rebuild both and to find the end, and a torn tail or an
 * incomplete transaction at the end is cut off.
 */
@Component(name = WalMapping.PID, configurationPid = WalMapping.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL,
        immediate = true, service = {ChangeSink.class, WalService.class})
@Designate(ocd = WalMapping.Config.class)
public final class WalMapping implements WalService {
    public static final String PID = "io.slotway.wal";
    private static final Logger LOG = LoggerFactory.getLogger(WalMapping.class);

    public static final String DEFAULT_DATA_DIR = "./data";
    public static final int DEFAULT_SEGMENT_SIZE = 16 << 20;
    public static final boolean DEFAULT_FSYNC = true;
    public static final int DEFAULT_MAX_REPLICATION_SLOTS = 10;
    public static final int DEFAULT_TRANSACTION_MEMORY = 4 << 20;

    /** The first xid of a new WAL (as in a fresh PostgreSQL 15 cluster, roughly). */
    static final long FIRST_XID = 730;
    /** xids are reserved in blocks in wal.state, so none is handed out twice across a crash. */
    static final int XID_RESERVATION = 1000;
    static final long FIRST_SEGMENT = 1;
    static final String STATE_FILE = "wal.state";
    private static final Pattern SEGMENT_NAME = Pattern.compile("[0-9A-F]{24}");
    private static final ObjectMapper JSON = new ObjectMapper();

    @ObjectClassDefinition(name = "Slotway WAL", description = "The write-ahead log and replication slots.")
    public @interface Config {
        @AttributeDefinition(name = "Data directory", description = "WAL segments go to <data.dir>/wal, slots to <data.dir>/slots.")
        String data_dir() default DEFAULT_DATA_DIR;

        @AttributeDefinition(name = "Segment size", description = "Bytes per WAL segment file: a power of two, 64 KiB to 1 GiB. "
                + "Fixed when the WAL is created. A single change must fit in one segment.")
        int segment_size() default DEFAULT_SEGMENT_SIZE;

        @AttributeDefinition(name = "fsync", description = "Make every prepared transaction durable before the source commits.")
        boolean fsync() default DEFAULT_FSYNC;

        @AttributeDefinition(name = "max_replication_slots", description = "PostgreSQL's max_replication_slots.")
        int max_replication_slots() default DEFAULT_MAX_REPLICATION_SLOTS;

        @AttributeDefinition(name = "Transaction memory", description = "Bytes of one transaction's changes kept in memory "
                + "before it spills to a file under <data.dir>/tmp.")
        int transaction_memory() default DEFAULT_TRANSACTION_MEMORY;
    }

    private record Pending(long sourceSeq, long xid, long prepareLsn, long beginLsn) {}

    private Path walDir;
    private Path tmpDir;
    private WalFiles files;
    private long systemId;
    private boolean fsync;
    private int transactionMemory;

    private final ReentrantLock writeLock = new ReentrantLock();
    private final Object signal = new Object();
    private long generation; // guarded by signal
    private volatile long visibleEnd;
    private volatile long durableEnd;
    private volatile long scanFrom;
    private final ConcurrentSkipListMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListSet<Long> aborted = new ConcurrentSkipListSet<>();
    /** Committed publication definitions by LSN (see {@link PublicationHistory}). */
    private PublicationHistory publications;
    /** PUBLICATION records of prepared transactions not yet settled, by PREPARE LSN: history entries at commit. */
    private final Map<Long, List<PublicationHistory.Entry>> pendingPublications = new ConcurrentHashMap<>();
    private final Object xidLock = new Object();
    private long nextXid; // guarded by xidLock
    private volatile long xidLimit;
    private final Object stateLock = new Object();
    private volatile boolean closed;
    private volatile IOException failure;
    /** PostgreSQL's WAL writer: makes an unsynced tail (COMMIT markers, written without fsync) durable soon. */
    private java.util.concurrent.ScheduledExecutorService walWriter;
    static final long WAL_WRITER_DELAY_MS = 200;

    /** For Declarative Services; tests use {@link #open}. */
    public WalMapping() {}

    public static WalMapping open(Path dataDir, int segmentSize, boolean fsync) throws IOException {
        return open(dataDir, segmentSize, fsync, DEFAULT_TRANSACTION_MEMORY);
    }

    public static WalMapping open(Path dataDir, int segmentSize, boolean fsync, int transactionMemory) throws IOException {
        WalMapping wal = new WalMapping();
        wal.start(dataDir, segmentSize, fsync, transactionMemory);
        wal.startWalWriter();
        return wal;
    }

    @Activate
    void activate(Config config) throws IOException {
        start(Path.of(config.data_dir()), config.segment_size(), config.fsync(), config.transaction_memory());
        startWalWriter();
        LOG.info("WAL in {}: system identifier {}, next LSN {}, next xid {}", walDir, systemId, currentLsn(), nextXid());
    }

    @Deactivate
    public void close() {
        if (closed) {
            return;
        }
        if (walWriter != null) {
            walWriter.shutdownNow();
        }
        writeLock.lock();
        try {
            closed = true;
            if (failure == null) {
                files.flush();
                scanFrom = files.writePos();
                writeState();
            }
            files.close();
        } catch (IOException e) {
            LOG.warn("closing the WAL: {}", e.toString());
        } finally {
            writeLock.unlock();
        }
        synchronized (signal) {
            generation++;
            signal.notifyAll();
        }
    }

    private void start(Path dataDir, int segmentSize, boolean fsync, int transactionMemory) throws IOException {
        this.walDir = dataDir.resolve("wal");
        this.tmpDir = dataDir.resolve("tmp");
        this.fsync = fsync;
        this.transactionMemory = transactionMemory;
        Files.createDirectories(walDir);
        cleanTemp();
        JsonNode state = readState();
        long[] header = firstSegmentHeader();
        if (state != null) {
            systemId = state.get("system_identifier").asLong();
            segmentSize = state.get("segment_size").asInt();
        } else if (header != null) {
            systemId = header[0];
            segmentSize = (int) header[1];
        } else {
            systemId = newSystemIdentifier();
        }
        files = new WalFiles(walDir, segmentSize, systemId, 1, fsync);
        List<Long> segments = WalFiles.listSegments(walDir, segmentSize, 1);
        long maxXid = FIRST_XID - 1;
        long reserved = state == null ? 0 : state.path("next_xid").asLong(0);
        Scan scan = new Scan();
        if (segments.isEmpty()) {
            files.setOldestSegment(FIRST_SEGMENT);
            files.openForAppend(files.firstRecord(FIRST_SEGMENT));
        } else {
            long oldest = segments.get(0);
            files.setOldestSegment(oldest);
            long start = files.firstRecord(oldest);
            if (state != null) {
                long from = state.path("scan_from").asLong(0);
                if (from >= start && segments.contains(files.segmentOf(from)) && files.headerValid(files.segmentOf(from))) {
                    start = from;
                    for (JsonNode p : state.path("pending")) {
                        Pending pe = new Pending(p.get("source_seq").asLong(), p.get("xid").asLong(),
                                p.get("prepare_lsn").asLong(), p.get("begin_lsn").asLong());
                        pending.put(pe.prepareLsn(), pe);
                    }
                    for (JsonNode a : state.path("aborted")) {
                        aborted.add(a.asLong());
                    }
                }
            }
            maxXid = Math.max(maxXid, recover(start, scan));
        }
        long end = files.writePos();
        recoverPublications(scan, end);
        visibleEnd = end;
        durableEnd = end;
        scanFrom = end;
        synchronized (xidLock) {
            nextXid = Math.max(Math.max(FIRST_XID, reserved), maxXid + 1);
            xidLimit = nextXid + XID_RESERVATION;
        }
        writeState();
        files.setListener(segment -> writeState());
    }

    /** What the scan at open learnt about publication records. */
    private static final class Scan {
        /** PUBLICATION records of the transactions whose BEGIN..PREPARE the scan read, by PREPARE LSN. */
        final Map<Long, List<PublicationHistory.Entry>> publications = new HashMap<>();
        /** Transactions pending at the checkpoint whose COMMIT the scan found: PREPARE LSN -> BEGIN LSN. */
        final Map<Long, Long> committed = new HashMap<>();
        /** Where the scan began (the end of the WAL when there was nothing to scan). */
        long start = Long.MAX_VALUE;
    }

    /** Scans from {@code start} to the end, rebuilding pending/aborted; cuts a torn tail; returns the largest xid seen. */
    private long recover(long start, Scan scan) throws IOException {
        scan.start = start;
        WalReader reader = new WalReader(files, start);
        List<PublicationHistory.Entry> batchPublications = new ArrayList<>();
        long batchBegin = -1;
        long maxXid = 0;
        String why = null;
        while (true) {
            WalReader.RawRecord r;
            try {
                r = reader.next(Long.MAX_VALUE);
            } catch (IOException e) {
                why = e.getMessage();
                break;
            }
            switch (r.kind()) {
                case RecordCodec.BEGIN -> {
                    batchBegin = r.lsn();
                    batchPublications.clear();
                    maxXid = Math.max(maxXid, RecordCodec.decodeBegin(r.payload()).xid());
                }
                case RecordCodec.PUBLICATION -> {
                    if (batchBegin >= 0) {
                        RecordCodec.PublicationChange pc = RecordCodec.decodePublication(r.payload());
                        batchPublications.add(new PublicationHistory.Entry(r.lsn(), 0, pc.name(), pc.after()));
                    }
                }
                case RecordCodec.PREPARE -> {
                    RecordCodec.Prepare p = RecordCodec.decodePrepare(r.payload());
                    pending.put(r.lsn(), new Pending(p.sourceSeq(), p.xid(), r.lsn(), p.beginLsn()));
                    maxXid = Math.max(maxXid, p.xid());
                    if (batchBegin >= 0 && !batchPublications.isEmpty()) {
                        scan.publications.put(r.lsn(), withPrepare(batchPublications, r.lsn()));
                    }
                    batchPublications.clear();
                    batchBegin = -1;
                }
                case RecordCodec.COMMIT -> {
                    long prepare = RecordCodec.decodeResolution(r.payload()).prepareLsn();
                    Pending was = pending.remove(prepare);
                    if (was != null && Long.compareUnsigned(prepare, start) < 0) {
                        // pending at the checkpoint: its records are before the scan
                        scan.committed.put(prepare, was.beginLsn());
                    }
                }
                case RecordCodec.ABORT -> {
                    long prepare = RecordCodec.decodeResolution(r.payload()).prepareLsn();
                    aborted.add(prepare);
                    pending.remove(prepare);
                }
                default -> { }
            }
        }
        long end = reader.position();
        long cut = batchBegin >= 0 ? batchBegin : end;
        if (batchBegin >= 0 || (why != null && !why.startsWith("end of WAL"))) {
            LOG.warn("WAL ends at {} ({}){}; cutting it there", Lsn.of(end), why,
                    batchBegin >= 0 ? ", inside a transaction that began at " + Lsn.of(batchBegin) : "");
        }
        files.cut(cut);
        files.openForAppend(cut);
        return maxXid;
    }

    private static List<PublicationHistory.Entry> withPrepare(List<PublicationHistory.Entry> entries, long prepare) {
        List<PublicationHistory.Entry> out = new ArrayList<>(entries.size());
        for (PublicationHistory.Entry e : entries) {
            out.add(new PublicationHistory.Entry(e.lsn(), prepare, e.name(), e.after()));
        }
        return out;
    }

    /**
     * Rebuilds the publication history after the scan: the file's entries of transactions that are
     * committed (not pending, not aborted, not past the end of the WAL), plus those of transactions the scan
     * found committed (read from the WAL, which is authoritative); and the PUBLICATION records of the
     * transactions still pending, for when they are settled. The file is rewritten to match, so it never
     * keeps an entry of a transaction whose commit a crash lost (that one is pending again).
     */
    private void recoverPublications(Scan scan, long end) throws IOException {
        publications = PublicationHistory.in(walDir, fsync);
        List<PublicationHistory.Entry> kept = new ArrayList<>();
        for (PublicationHistory.Entry e : publications.read()) {
            if (Long.compareUnsigned(e.prepareLsn(), end) < 0 && status(e.prepareLsn()) == Status.COMMITTED
                    && !scan.committed.containsKey(e.prepareLsn()) && !scan.publications.containsKey(e.prepareLsn())) {
                kept.add(e);
            }
        }
        for (Map.Entry<Long, List<PublicationHistory.Entry>> t : scan.publications.entrySet()) {
            if (status(t.getKey()) == Status.COMMITTED) {
                kept.addAll(t.getValue());
            }
        }
        for (Map.Entry<Long, Long> t : scan.committed.entrySet()) {
            if (!scan.publications.containsKey(t.getKey())) {
                kept.addAll(readPublications(t.getValue(), t.getKey()));
            }
        }
        for (Pending p : pending.values()) {
            List<PublicationHistory.Entry> entries = scan.publications.get(p.prepareLsn());
            if (entries == null && Long.compareUnsigned(p.prepareLsn(), scan.start) < 0) {
                entries = readPublications(p.beginLsn(), p.prepareLsn());
            }
            if (entries != null && !entries.isEmpty()) {
                pendingPublications.put(p.prepareLsn(), entries);
            }
        }
        publications.reset(kept);
    }

    /** The PUBLICATION records of the transaction from {@code begin} to its PREPARE at {@code prepare}. */
    private List<PublicationHistory.Entry> readPublications(long begin, long prepare) throws IOException {
        List<PublicationHistory.Entry> out = new ArrayList<>();
        WalReader reader = new WalReader(files, begin);
        try {
            for (WalReader.RawRecord r; (r = reader.next(prepare)) != null; ) {
                if (r.kind() == RecordCodec.PUBLICATION) {
                    RecordCodec.PublicationChange pc = RecordCodec.decodePublication(r.payload());
                    out.add(new PublicationHistory.Entry(r.lsn(), prepare, pc.name(), pc.after()));
                }
            }
        } catch (WalFiles.SegmentRemovedException e) {
            LOG.warn("the transaction that began at {} lost its first records ({}); its publication changes are not known",
                    Lsn.of(begin), e.getMessage());
        }
        return out;
    }

    private long[] firstSegmentHeader() throws IOException {
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(walDir)) {
            List<Path> names = new ArrayList<>();
            for (Path p : dir) {
                if (SEGMENT_NAME.matcher(p.getFileName().toString()).matches()) {
                    names.add(p);
                }
            }
            names.sort(null);
            for (Path p : names) {
                long[] h = WalFiles.readHeader(p);
                if (h != null) {
                    return h;
                }
            }
        }
        return null;
    }

    private static long newSystemIdentifier() {
        // like PostgreSQL: seconds in the high 32 bits, then microseconds and process bits
        long now = System.currentTimeMillis();
        long micros = (System.nanoTime() / 1000) & 0xFFFFF;
        return ((now / 1000) << 32) | (micros << 12) | (ProcessHandle.current().pid() & 0xFFF);
    }

    private void cleanTemp() throws IOException {
        if (Files.isDirectory(tmpDir)) {
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(tmpDir, "txn*.spill")) {
                for (Path p : dir) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private JsonNode readState() throws IOException {
        Path file = walDir.resolve(STATE_FILE);
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            LOG.warn("ignoring unreadable {}: {}", file, e.toString());
            return null;
        }
    }

    private void writeState() throws IOException {
        synchronized (stateLock) {
            ObjectNode root = JSON.createObjectNode();
            root.put("version", 1);
            root.put("system_identifier", systemId);
            root.put("timeline", 1);
            root.put("segment_size", files.segmentSize());
            root.put("next_xid", xidLimit);
            root.put("scan_from", scanFrom);
            ArrayNode ps = root.putArray("pending");
            for (Pending p : pending.values()) {
                ObjectNode n = ps.addObject();
                n.put("source_seq", p.sourceSeq()).put("xid", p.xid()).put("prepare_lsn", p.prepareLsn())
                        .put("begin_lsn", p.beginLsn());
            }
            ArrayNode as = root.putArray("aborted");
            for (long a : aborted) {
                as.add(a);
            }
            Path tmp = walDir.resolve(STATE_FILE + ".tmp");
            byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(bytes));
                if (fsync) {
                    ch.force(true);
                }
            }
            Files.move(tmp, walDir.resolve(STATE_FILE), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            if (fsync) {
                files.syncDirectory();
            }
        }
    }

    // ---- WalService ----

    @Override
    public long systemIdentifier() {
        return systemId;
    }

    @Override
    public int timeline() {
        return 1;
    }

    @Override
    public Lsn flushedLsn() {
        return Lsn.of(durableEnd);
    }

    @Override
    public Lsn currentLsn() {
        return Lsn.of(visibleEnd);
    }

    @Override
    public long nextXid() {
        synchronized (xidLock) {
            return nextXid;
        }
    }

    @Override
    public Lsn oldestLsn() {
        return Lsn.of(files.firstRecord(files.oldestSegment()));
    }

    @Override
    public Optional<Publication> publication(String name, Lsn at) {
        return publications.at(name, at.value());
    }

    @Override
    public Map<String, Publication> publications() {
        return publications.latest();
    }

    /** The publication history (for tests). */
    PublicationHistory publicationHistory() {
        return publications;
    }

    /** The segment size in use (fixed when the WAL was created). */
    public int segmentSize() {
        return files.segmentSize();
    }

    @Override
    public WalStream openStream(Lsn from) throws PgException {
        checkOpen();
        return new Stream(from.value(), startPosition(from.value()));
    }

    /** A record boundary to read from so that nothing at or after {@code from} is missed. */
    private long startPosition(long from) throws PgException {
        long oldestStart = files.firstRecord(files.oldestSegment());
        long end = visibleEnd;
        if (Long.compareUnsigned(from, oldestStart) <= 0) {
            if (files.oldestSegment() == FIRST_SEGMENT || from == 0 || from == oldestStart) {
                return oldestStart;
            }
            throw removed(files.segmentName(files.segmentOf(from)));
        }
        if (Long.compareUnsigned(from, end) >= 0) {
            return end;
        }
        WalReader probe = new WalReader(files, from);
        return probe.recordAt(from, end) ? from : files.firstRecord(files.segmentOf(from));
    }

    private static PgException removed(String segment) {
        return new PgException("58P01", "requested WAL segment " + segment + " has already been removed");
    }

    private static PgException readError(IOException e) {
        if (e instanceof WalFiles.SegmentRemovedException r) {
            return removed(r.segmentName);
        }
        if (e instanceof WalReader.BadRecordException b) {
            return new PgException("XX001", "invalid record at " + Lsn.of(b.lsn) + ": " + b.getMessage(), e);
        }
        return new PgException("58030", "could not read WAL: " + e.getMessage(), e);
    }

    @Override
    public Lsn restartPoint(Lsn from, Lsn confirmed) throws PgException {
        checkOpen();
        long end = visibleEnd;
        long durable = durableEnd;
        long target = Long.compareUnsigned(confirmed.value(), durable) < 0 ? confirmed.value() : durable;
        long start = Long.compareUnsigned(from.value(), target) <= 0 ? from.value() : target;
        start = startPosition(start);
        WalReader reader = new WalReader(files, start);
        long batchBegin = -1;
        long prev = start;
        try {
            while (true) {
                WalReader.RawRecord r = reader.next(end);
                if (r == null) {
                    return Lsn.of(target == durable ? durable : prev);
                }
                if (Long.compareUnsigned(r.lsn(), target) >= 0) {
                    if (batchBegin >= 0) {
                        return Lsn.of(batchBegin);
                    }
                    long candidate = r.lsn() == target ? target : prev;
                    // inside a transaction that began before the reader's start?
                    for (WalReader.RawRecord a = r; a != null; a = reader.next(end)) {
                        if (a.kind() == RecordCodec.BEGIN) {
                            break;
                        }
                        if (a.kind() == RecordCodec.PREPARE) {
                            long begin = RecordCodec.decodePrepare(a.payload()).beginLsn();
                            candidate = Long.compareUnsigned(begin, candidate) < 0 ? begin : candidate;
                            break;
                        }
                    }
                    return Lsn.of(candidate);
                }
                if (r.kind() == RecordCodec.BEGIN) {
                    batchBegin = r.lsn();
                } else if (r.kind() == RecordCodec.PREPARE) {
                    batchBegin = -1;
                }
                prev = r.lsn();
            }
        } catch (IOException e) {
            throw readError(e);
        }
    }

    @Override
    public void retainFrom(Lsn oldestNeeded) {
        if (!oldestNeeded.isValid() || closed) {
            return;
        }
        writeLock.lock();
        try {
            long need = Math.min(oldestNeeded.value(), visibleEnd);
            for (Pending p : pending.values()) {
                need = Math.min(need, p.beginLsn());
            }
            int removed = files.removeBefore(files.segmentOf(need));
            if (removed > 0) {
                long oldestStart = files.firstRecord(files.oldestSegment());
                aborted.headSet(oldestStart).clear();
                writeState();
                publications.compact(oldestStart);
                LOG.debug("removed {} WAL segments before {}", removed, Lsn.of(oldestStart));
            }
        } catch (IOException e) {
            LOG.warn("removing old WAL segments: {}", e.toString());
        } finally {
            writeLock.unlock();
        }
    }

    // ---- ChangeSink ----

    @Override
    public TransactionLog begin() throws PgException {
        checkWritable();
        long xid;
        synchronized (xidLock) {
            if (nextXid >= xidLimit) {
                xidLimit = nextXid + XID_RESERVATION;
                try {
                    writeState();
                } catch (IOException e) {
                    throw writeError(e);
                }
            }
            xid = nextXid++;
        }
        return new TxnLog(xid);
    }

    @Override
    public Lsn message(String prefix, byte[] content) throws PgException {
        return message(0, prefix, content);
    }

    @Override
    public Lsn message(long xid, String prefix, byte[] content) throws PgException {
        byte[] payload = RecordCodec.message(xid, prefix, content);
        writeLock.lock();
        try {
            checkWritable();
            long lsn = files.append(payload);
            files.sync();
            publish(true);
            return Lsn.of(lsn);
        } catch (IOException e) {
            throw fail(e);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public List<Long> pending() {
        List<Long> seqs = new ArrayList<>();
        for (Pending p : pending.values()) {
            seqs.add(p.sourceSeq());
        }
        return seqs;
    }

    @Override
    public void resolve(long sourceSeq, boolean committed) throws PgException {
        for (Pending p : pending.values()) {
            if (p.sourceSeq() == sourceSeq) {
                settle(p, committed);
                return;
            }
        }
        LOG.debug("resolve({}, {}): no such pending transaction", sourceSeq, committed);
    }

    private Pending writeTransaction(TxnLog t, long sourceSeq, Instant commitTime) throws PgException {
        writeLock.lock();
        try {
            checkWritable();
            long begin = files.append(RecordCodec.begin(t.xid, sourceSeq));
            List<PublicationHistory.Entry> pubs = new ArrayList<>(0);
            t.buffer.forEach(payload -> {
                long lsn = files.append(payload);
                if (RecordCodec.kind(payload) == RecordCodec.PUBLICATION) {
                    RecordCodec.PublicationChange pc = RecordCodec.decodePublication(payload);
                    pubs.add(new PublicationHistory.Entry(lsn, 0, pc.name(), pc.after()));
                }
            });
            long prepare = files.append(RecordCodec.prepare(t.xid, sourceSeq, commitTime, begin));
            files.sync();
            Pending p = new Pending(sourceSeq, t.xid, prepare, begin);
            if (!pubs.isEmpty()) {
                pendingPublications.put(prepare, withPrepare(pubs, prepare));
            }
            pending.put(prepare, p);
            publish(true);
            return p;
        } catch (IOException e) {
            throw fail(e);
        } finally {
            writeLock.unlock();
        }
    }

    private void settle(Pending p, boolean commit) throws PgException {
        byte[] payload = commit ? RecordCodec.commit(p.xid(), p.sourceSeq(), p.prepareLsn())
                : RecordCodec.abort(p.xid(), p.sourceSeq(), p.prepareLsn());
        writeLock.lock();
        try {
            checkWritable();
            List<PublicationHistory.Entry> pubs = pendingPublications.remove(p.prepareLsn());
            if (!commit) {
                aborted.add(p.prepareLsn());
            } else if (pubs != null) {
                // durable in the history before the transaction is visible (or, after a crash, committed
                // per wal.state): a reader past its PREPARE sees its definitions
                publications.append(pubs);
            }
            pending.remove(p.prepareLsn());
            files.append(payload);
            files.flush();
            publish(!fsync);
        } catch (IOException e) {
            throw fail(e);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Starts the WAL writer: every {@value #WAL_WRITER_DELAY_MS} ms, a tail written without fsync is
     * synced, so flushedLsn() (what walsenders report and clients wait for with --endpos) catches up
     * with currentLsn() (what pg_current_wal_lsn() reports), as PostgreSQL's walwriter does.
     */
    private void startWalWriter() {
        if (!fsync) {
            return;
        }
        walWriter = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slotway-walwriter");
            t.setDaemon(true);
            return t;
        });
        walWriter.scheduleWithFixedDelay(this::syncTail, WAL_WRITER_DELAY_MS, WAL_WRITER_DELAY_MS,
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void syncTail() {
        if (closed || failure != null || durableEnd == visibleEnd) {
            return;
        }
        writeLock.lock();
        try {
            if (closed || failure != null) {
                return;
            }
            files.sync();
            publish(true);
        } catch (IOException e) {
            fail(e);
        } catch (RuntimeException e) {
            LOG.warn("WAL writer: {}", e.toString());
        } finally {
            writeLock.unlock();
        }
    }

    private void publish(boolean durable) {
        long end = files.writePos();
        scanFrom = end;
        visibleEnd = end;
        if (durable || !fsync) {
            durableEnd = end;
        }
        synchronized (signal) {
            generation++;
            signal.notifyAll();
        }
    }

    private void checkOpen() throws PgException {
        if (closed) {
            throw new PgException(SqlState.ADMIN_SHUTDOWN, "terminating connection due to administrator command");
        }
    }

    private void checkWritable() throws PgException {
        checkOpen();
        if (failure != null) {
            throw writeError(failure);
        }
    }

    private PgException fail(IOException e) {
        // the WAL's tail is now unknown: refuse further writes; a restart cuts the tail back
        failure = e;
        LOG.error("WAL write failed; no more writes until restart", e);
        return writeError(e);
    }

    private static PgException writeError(IOException e) {
        return new PgException("58030", "could not write to WAL: " + e.getMessage(), e);
    }

    private enum Status { PENDING, ABORTED, COMMITTED }

    private Status status(long prepareLsn) {
        if (aborted.contains(prepareLsn)) {
            return Status.ABORTED;
        }
        return pending.containsKey(prepareLsn) ? Status.PENDING : Status.COMMITTED;
    }

    /** Waits until something is published after {@code seenGeneration} or the deadline; false on timeout. */
    private boolean await(long seenGeneration, long deadline) throws InterruptedException {
        synchronized (signal) {
            while (generation == seenGeneration && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(signal, left);
            }
            return true;
        }
    }

    private long generation() {
        synchronized (signal) {
            return generation;
        }
    }

    // ---- TransactionLog ----

    private final class TxnLog implements TransactionLog {
        private final long xid;
        private final TxnBuffer buffer = new TxnBuffer(transactionMemory, tmpDir);
        private final Map<Long, Relation> written = new HashMap<>();
        /** At each mark (by record count): the byte position and which relation definitions were written. */
        private final java.util.TreeMap<Long, Object[]> marks = new java.util.TreeMap<>();
        private Pending prepared;
        private boolean done;

        TxnLog(long xid) {
            this.xid = xid;
        }

        @Override
        public long xid() {
            return xid;
        }

        private void checkOpen() throws PgException {
            if (done || prepared != null) {
                throw new PgException(SqlState.INTERNAL_ERROR, "transaction " + xid + " is no longer open for changes");
            }
        }

        @Override
        public void add(Change change) throws PgException {
            checkOpen();
            try {
                if (change instanceof Change.Insert c) {
                    relation(c.relation());
                } else if (change instanceof Change.Update c) {
                    relation(c.relation());
                } else if (change instanceof Change.Delete c) {
                    relation(c.relation());
                } else if (change instanceof Change.Truncate c) {
                    for (Relation r : c.relations()) {
                        relation(r);
                    }
                }
                byte[] payload = RecordCodec.change(change);
                if (payload.length > files.maxPayload()) {
                    throw new PgException(SqlState.PROGRAM_LIMIT_EXCEEDED, "change of " + payload.length
                            + " bytes does not fit in a WAL segment of " + files.segmentSize() + " bytes");
                }
                buffer.add(payload);
            } catch (IOException e) {
                throw new PgException("58030", "could not write transaction buffer: " + e.getMessage(), e);
            }
        }

        @Override
        public long mark() {
            long at = buffer.count();
            marks.put(at, new Object[] {buffer.bytes(), new HashMap<>(written)});
            return at;
        }

        @Override
        @SuppressWarnings("unchecked")
        public void truncate(long mark) throws PgException {
            checkOpen();
            Object[] state = marks.get(mark);
            if (state == null) {
                throw new PgException(SqlState.INTERNAL_ERROR, "no such mark " + mark + " in transaction " + xid);
            }
            try {
                buffer.truncate(mark, (Long) state[0]);
            } catch (IOException e) {
                throw new PgException("58030", "could not write transaction buffer: " + e.getMessage(), e);
            }
            // Relation definitions written after the mark are gone with it: write them again when needed.
            written.clear();
            written.putAll((Map<Long, Relation>) state[1]);
            marks.tailMap(mark, false).clear();
        }

        private void relation(Relation r) throws IOException {
            if (!r.equals(written.get(r.oid()))) {
                buffer.add(RecordCodec.relation(r));
                written.put(r.oid(), r);
            }
        }

        @Override
        public void schemaChanged(long relationOid, Relation after, String commandTag, String statement) throws PgException {
            checkOpen();
            try {
                buffer.add(RecordCodec.schema(relationOid, after, commandTag, statement));
            } catch (IOException e) {
                throw new PgException("58030", "could not write transaction buffer: " + e.getMessage(), e);
            }
            if (after != null) {
                written.put(relationOid, after);
            } else {
                written.remove(relationOid);
            }
        }

        @Override
        public void publicationChanged(String name, Publication after) throws PgException {
            checkOpen();
            if (name == null || (after != null && !name.equals(after.name()))) {
                throw new PgException(SqlState.INTERNAL_ERROR, "publication change for \"" + name
                        + "\" carries the definition of \"" + (after == null ? null : after.name()) + "\"");
            }
            try {
                buffer.add(RecordCodec.publication(name, after));
            } catch (IOException e) {
                throw new PgException("58030", "could not write transaction buffer: " + e.getMessage(), e);
            }
        }

        @Override
        public Lsn prepare(long sourceSeq, Instant commitTime) throws PgException {
            checkOpen();
            try {
                prepared = writeTransaction(this, sourceSeq, commitTime);
            } finally {
                buffer.close();
            }
            return Lsn.of(prepared.prepareLsn());
        }

        @Override
        public void committed() throws PgException {
            if (prepared == null || done) {
                throw new PgException(SqlState.INTERNAL_ERROR, "transaction " + xid + " was not prepared");
            }
            done = true;
            settle(prepared, true);
        }

        @Override
        public void abort() {
            if (done) {
                return;
            }
            done = true;
            buffer.close();
            if (prepared != null) {
                try {
                    settle(prepared, false);
                } catch (PgException e) {
                    LOG.warn("could not log the abort of transaction {} (pending until resolved): {}", xid, e.getMessage());
                }
            }
        }
    }

    // ---- reading ----

    private final class Stream implements WalStream {
        private final long from;
        private final WalReader reader;
        private WalReader.RawRecord held;
        private boolean streamClosed;

        Stream(long from, long start) {
            this.from = from;
            this.reader = new WalReader(files, start);
        }

        @Override
        public WalItem poll(long timeout, TimeUnit unit) throws PgException, InterruptedException {
            if (streamClosed) {
                throw new IllegalStateException("stream closed");
            }
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            while (true) {
                checkOpen();
                long seen = generation();
                WalReader.RawRecord r;
                try {
                    r = held != null ? held : reader.next(visibleEnd);
                } catch (IOException e) {
                    throw readError(e);
                }
                held = null;
                if (r == null) {
                    if (!await(seen, deadline)) {
                        return null;
                    }
                    continue;
                }
                boolean atOrAfter = Long.compareUnsigned(r.lsn(), from) >= 0;
                try {
                    if (r.kind() == RecordCodec.PREPARE && atOrAfter) {
                        Status s = status(r.lsn());
                        if (s == Status.ABORTED) {
                            continue;
                        }
                        if (s == Status.PENDING) {
                            held = r;
                            if (!await(seen, deadline)) {
                                return null;
                            }
                            continue;
                        }
                        RecordCodec.Prepare p = RecordCodec.decodePrepare(r.payload());
                        Transaction t = new Transaction(p.xid(), Lsn.of(p.beginLsn()), Lsn.of(r.lsn()), Lsn.of(r.end()),
                                p.commitTime(), null);
                        long begin = p.beginLsn();
                        long prepare = r.lsn();
                        return new WalItem.Committed(t, () -> new Entries(begin, prepare));
                    }
                    if (r.kind() == RecordCodec.MESSAGE && atOrAfter) {
                        return new WalItem.Message(Lsn.of(r.lsn()), RecordCodec.decodeMessage(r.payload()),
                                RecordCodec.decodeMessageXid(r.payload()));
                    }
                } catch (IOException e) {
                    throw readError(e);
                }
            }
        }

        @Override
        public void close() {
            streamClosed = true;
        }
    }

    /** A transaction's changes, read from its BEGIN up to its PREPARE. */
    private final class Entries implements Iterator<Entry> {
        private final WalReader reader;
        private final long prepare;
        private final Map<Long, Relation> relations = new HashMap<>();
        private Entry next;
        private boolean finished;

        Entries(long begin, long prepare) {
            this.reader = new WalReader(files, begin);
            this.prepare = prepare;
        }

        @Override
        public boolean hasNext() {
            if (next == null && !finished) {
                advance();
            }
            return next != null;
        }

        @Override
        public Entry next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            Entry e = next;
            next = null;
            return e;
        }

        private void advance() {
            try {
                while (true) {
                    WalReader.RawRecord r = reader.next(prepare);
                    if (r == null) {
                        finished = true;
                        return;
                    }
                    switch (r.kind()) {
                        case RecordCodec.RELATION -> {
                            Relation rel = RecordCodec.decodeRelation(r.payload());
                            relations.put(rel.oid(), rel);
                        }
                        case RecordCodec.SCHEMA -> {
                            RecordCodec.Schema s = RecordCodec.decodeSchema(r.payload());
                            if (s.after() != null) {
                                relations.put(s.relationOid(), s.after());
                            } else {
                                relations.remove(s.relationOid());
                            }
                        }
                        case RecordCodec.CHANGE -> {
                            next = new Entry(Lsn.of(r.lsn()), RecordCodec.decodeChange(r.payload(), relations::get));
                            return;
                        }
                        default -> { }
                    }
                }
            } catch (IOException e) {
                finished = true;
                throw new WalReadException(readError(e));
            } catch (PgException e) {
                finished = true;
                throw new WalReadException(e);
            }
        }
    }
}
