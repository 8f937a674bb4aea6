package io.slotway.core.slot;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.Lsn;
import io.slotway.core.wal.WalMapping;
import io.slotway.core.wal.WalService;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logical replication slots, with PostgreSQL 15's rules and errors. Persistent slots live in
 * {@code <data.dir>/slots/<name>.json} (written to a temporary file, fsynced, renamed); temporary
 * slots only in memory, like PostgreSQL's, and are dropped when their owner's connection ends
 * ({@link #releaseAll}). Which process a slot is active for is never persisted.
 *
 * <p>restart_lsn is where decoding must start to produce everything after confirmed_flush_lsn: the
 * BEGIN of the first transaction whose commit LSN is at or after confirmed_flush_lsn, else a record
 * boundary at or before it (see {@link WalService#restartPoint}). The WAL keeps every segment from
 * the oldest restart_lsn of all slots on; with no slot, only the segment being written.
 *
 * <p>Configured with the WAL's PID {@value WalMapping#PID} ({@code data.dir}, {@code max.replication.slots}).
 */
@Component(service = SlotManager.class, configurationPid = WalMapping.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true)
public final class SlotManager {
    private static final Logger LOG = LoggerFactory.getLogger(SlotManager.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** PostgreSQL's NAMEDATALEN: names are at most 63 bytes. */
    public static final int NAMEDATALEN = 64;

    /** A slot as pg_replication_slots shows it. activePid is 0 when no process uses it. */
    public record Slot(String name, String plugin, boolean temporary, boolean twoPhase, Lsn restartLsn,
                       Lsn confirmedFlushLsn, int activePid) {
        public boolean active() {
            return activePid != 0;
        }

        /** Always {@code logical}: Slotway has no physical slots. */
        public String slotType() {
            return "logical";
        }
    }

    private static final class State {
        final String name;
        final String plugin;
        final boolean temporary;
        final boolean twoPhase;
        Lsn restart;
        Lsn confirmed;
        int activePid;

        State(String name, String plugin, boolean temporary, boolean twoPhase, Lsn restart, Lsn confirmed) {
            this.name = name;
            this.plugin = plugin;
            this.temporary = temporary;
            this.twoPhase = twoPhase;
            this.restart = restart;
            this.confirmed = confirmed;
        }

        Slot snapshot() {
            return new Slot(name, plugin, temporary, twoPhase, restart, confirmed, activePid);
        }
    }

    @Reference
    private WalService wal;

    private Path dir;
    private int maxSlots;
    private final Map<String, State> slots = new TreeMap<>();

    /** For Declarative Services; tests use {@link #open}. */
    public SlotManager() {}

    public static SlotManager open(Path dataDir, int maxReplicationSlots, WalService wal) throws IOException {
        SlotManager m = new SlotManager();
        m.wal = wal;
        m.start(dataDir, maxReplicationSlots);
        return m;
    }

    @Activate
    void activate(WalMapping.Config config) throws IOException {
        start(Path.of(config.data_dir()), config.max_replication_slots());
    }

    private void start(Path dataDir, int maxReplicationSlots) throws IOException {
        this.dir = dataDir.resolve("slots");
        this.maxSlots = maxReplicationSlots;
        Files.createDirectories(dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                String n = p.getFileName().toString();
                if (n.endsWith(".tmp")) {
                    Files.deleteIfExists(p);
                } else if (n.endsWith(".json")) {
                    try {
                        JsonNode j = JSON.readTree(p.toFile());
                        State s = new State(j.get("name").asText(), j.get("plugin").asText(), false,
                                j.path("two_phase").asBoolean(false), Lsn.parse(j.get("restart_lsn").asText()),
                                Lsn.parse(j.get("confirmed_flush_lsn").asText()));
                        slots.put(s.name, s);
                    } catch (IOException | RuntimeException e) {
                        LOG.error("ignoring unreadable replication slot file {}: {}", p, e.toString());
                    }
                }
            }
        }
        syncRetention();
    }

    /** PostgreSQL's ReplicationSlotValidateName, with its errors. */
    public static void validateName(String name) throws PgException {
        if (name.isEmpty()) {
            throw new PgException("42602", "replication slot name \"" + name + "\" is too short");
        }
        if (name.getBytes(StandardCharsets.UTF_8).length >= NAMEDATALEN) {
            throw new PgException("42622", "replication slot name \"" + name + "\" is too long");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
                throw new PgException("42602", "replication slot name \"" + name + "\" contains invalid character")
                        .withHint("Replication slot names may only contain lower case letters, numbers, and the underscore character.");
            }
        }
    }

    /**
     * Creates a logical slot whose restart_lsn and confirmed_flush_lsn are {@code consistentPoint}. A
     * temporary slot is active for {@code ownerPid} until the owner's connection ends; a persistent one
     * is inactive (as after CREATE_REPLICATION_SLOT).
     */
    public Slot create(String name, String plugin, boolean temporary, boolean twoPhase, int ownerPid, Lsn consistentPoint)
            throws PgException {
        Slot created;
        synchronized (this) {
            checkCreatable(name);
            State s = new State(name, plugin, temporary, twoPhase, consistentPoint, consistentPoint);
            if (temporary) {
                s.activePid = ownerPid;
            } else {
                persist(s);
            }
            slots.put(name, s);
            created = s.snapshot();
        }
        syncRetention();
        return created;
    }

    /**
     * What {@link #create} checks before it creates, in PostgreSQL's order (max_replication_slots 0, the
     * name, already exists, all in use): callers that must do more before creating (load the output
     * plugin, as PostgreSQL does after these checks) call it first so the errors come in the same order.
     */
    public synchronized void checkCreatable(String name) throws PgException {
        if (maxSlots <= 0) {
            throw new PgException(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    "replication slots can only be used if max_replication_slots > 0");
        }
        validateName(name);
        if (slots.containsKey(name)) {
            throw new PgException(SqlState.DUPLICATE_OBJECT, "replication slot \"" + name + "\" already exists");
        }
        if (slots.size() >= maxSlots) {
            throw new PgException("53400", "all replication slots are in use")
                    .withHint("Free one or increase max_replication_slots.");
        }
    }

    /** Makes {@code pid} the slot's one active consumer (START_REPLICATION, pg_logical_slot_get_changes). */
    public synchronized Slot acquire(String name, int pid) throws PgException {
        State s = existing(name);
        if (s.activePid != 0 && s.activePid != pid) {
            throw activeError(s);
        }
        s.activePid = pid;
        return s.snapshot();
    }

    /**
     * Ends {@code pid}'s use of the slot. A temporary slot stays active for its owner until
     * {@link #releaseAll} (PostgreSQL 15 keeps active_pid of a temporary slot after release).
     */
    public synchronized void release(String name, int pid) {
        State s = slots.get(name);
        if (s != null && s.activePid == pid && !s.temporary) {
            s.activePid = 0;
            notifyAll();
        }
    }

    /** Connection end: releases every slot {@code pid} uses and drops its temporary slots. */
    public void releaseAll(int pid) {
        boolean dropped = false;
        synchronized (this) {
            for (var it = slots.values().iterator(); it.hasNext(); ) {
                State s = it.next();
                if (s.activePid == pid) {
                    s.activePid = 0;
                    if (s.temporary) {
                        it.remove();
                        dropped = true;
                    }
                }
            }
            notifyAll();
        }
        if (dropped) {
            syncRetention();
        }
    }

    /**
     * Drops a slot. When another process uses it: without {@code wait}, 55006 at once; with it, waits
     * for that process to release it, up to {@code timeout} (then 55006). Interruption cancels the
     * wait with 57014.
     */
    public void drop(String name, int pid, boolean wait, Duration timeout) throws PgException {
        synchronized (this) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                State s = existing(name);
                if (s.activePid == 0 || s.activePid == pid) {
                    break;
                }
                long left = deadline - System.nanoTime();
                if (!wait || left <= 0) {
                    throw activeError(s);
                }
                try {
                    java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new PgException(SqlState.QUERY_CANCELED, "canceling statement due to user request");
                }
            }
            State s = slots.remove(name);
            notifyAll();
            if (!s.temporary) {
                try {
                    Files.deleteIfExists(file(name));
                    syncDir();
                } catch (IOException e) {
                    slots.put(name, s);
                    throw new PgException("58030", "could not remove replication slot \"" + name + "\": " + e.getMessage(), e);
                }
            }
        }
        syncRetention();
    }

    /**
     * The client has everything before {@code confirmedFlush}: confirmed_flush_lsn moves forward (never
     * back, never past the end of durable WAL) and restart_lsn follows.
     */
    public Slot confirm(String name, Lsn confirmedFlush) throws PgException {
        Slot result;
        boolean moved = false;
        synchronized (this) {
            State s = existing(name);
            Lsn target = confirmedFlush;
            Lsn flushed = wal.flushedLsn();
            if (target.isAfter(flushed)) {
                target = flushed;
            }
            if (target.isAfter(s.confirmed)) {
                Lsn restart = wal.restartPoint(s.restart, target);
                Lsn oldRestart = s.restart;
                Lsn oldConfirmed = s.confirmed;
                s.confirmed = target;
                if (restart.isAfter(s.restart)) {
                    s.restart = restart;
                    moved = true;
                }
                if (!s.temporary) {
                    try {
                        persist(s);
                    } catch (PgException e) {
                        s.restart = oldRestart;
                        s.confirmed = oldConfirmed;
                        throw e;
                    }
                }
            }
            result = s.snapshot();
        }
        if (moved) {
            syncRetention();
        }
        return result;
    }

    public synchronized Optional<Slot> get(String name) {
        State s = slots.get(name);
        return s == null ? Optional.empty() : Optional.of(s.snapshot());
    }

    /** Every slot, by name (pg_replication_slots). */
    public synchronized List<Slot> list() {
        List<Slot> all = new ArrayList<>();
        for (State s : slots.values()) {
            all.add(s.snapshot());
        }
        return all;
    }

    public int maxReplicationSlots() {
        return maxSlots;
    }

    private State existing(String name) throws PgException {
        State s = slots.get(name);
        if (s == null) {
            throw new PgException(SqlState.UNDEFINED_OBJECT, "replication slot \"" + name + "\" does not exist");
        }
        return s;
    }

    private static PgException activeError(State s) {
        return new PgException(SqlState.OBJECT_IN_USE, "replication slot \"" + s.name + "\" is active for PID " + s.activePid);
    }

    /** Tells the WAL what it must keep: everything from the oldest restart_lsn. */
    private void syncRetention() {
        Lsn oldest;
        synchronized (this) {
            oldest = null;
            for (State s : slots.values()) {
                if (oldest == null || s.restart.isBefore(oldest)) {
                    oldest = s.restart;
                }
            }
        }
        wal.retainFrom(oldest != null ? oldest : wal.currentLsn());
    }

    private Path file(String name) {
        return dir.resolve(name + ".json");
    }

    private void persist(State s) throws PgException {
        ObjectNode j = JSON.createObjectNode();
        j.put("version", 1);
        j.put("name", s.name);
        j.put("plugin", s.plugin);
        j.put("slot_type", "logical");
        j.put("two_phase", s.twoPhase);
        j.put("restart_lsn", s.restart.toString());
        j.put("confirmed_flush_lsn", s.confirmed.toString());
        Path tmp = dir.resolve(s.name + ".json.tmp");
        try {
            byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(j);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, file(s.name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDir();
        } catch (IOException e) {
            throw new PgException("58030", "could not write replication slot \"" + s.name + "\": " + e.getMessage(), e);
        }
    }

    private void syncDir() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // not every platform can sync a directory
        }
    }
}
