package io.slotway.core.replication;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.Lsn;
import io.slotway.api.decoding.DecodingContext;
import io.slotway.api.decoding.OutputPlugin;
import io.slotway.api.decoding.PluginSession;
import io.slotway.api.types.SessionFormat;
import io.slotway.core.pgwire.BackendMessage;
import io.slotway.core.pgwire.FrontendMessage;
import io.slotway.core.session.Output;
import io.slotway.core.wal.WalItem;
import io.slotway.core.wal.WalReadException;
import io.slotway.core.wal.WalStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One logical replication stream (START_REPLICATION SLOT ... LOGICAL): CopyBoth, XLogData for each
 * output message, keepalives, and the client's standby status updates moving the slot forward. It runs
 * on the connection's backend thread; the client's CopyData, CopyDone and Terminate reach it through
 * {@link #offer}.
 */
public final class WalSender {
    private static final Logger LOG = LoggerFactory.getLogger(WalSender.class);
    /** Microseconds between the Unix epoch and PostgreSQL's epoch, 2000-01-01. */
    private static final long PG_EPOCH_MICROS = 946_684_800_000_000L;
    private static final long POLL_MILLIS = 100;

    private final ReplicationServices services;
    private final Output out;
    private final int pid;
    private final BlockingQueue<FrontendMessage> inbound = new LinkedBlockingQueue<>();

    private volatile Lsn sentPtr = Lsn.INVALID;
    /** What the stream serves and what its client last reported, for {@link #state()}. */
    private volatile String slotName;
    private volatile String pluginName;
    private volatile Lsn clientWrite = Lsn.INVALID;
    private volatile Lsn clientFlush = Lsn.INVALID;
    private volatile Lsn clientApply = Lsn.INVALID;
    private long lastReplyNanos;
    /** When each position was sent, read by the write, flush and apply positions the client reports (pg_stat_replication's lags). */
    private final LagTracker lagTracker = new LagTracker();
    private volatile long writeLag = -1;
    private volatile long flushLag = -1;
    private volatile long applyLag = -1;
    private volatile java.time.Instant replyTime;
    private volatile boolean caughtUp;
    private boolean fullyAppliedLastTime;
    /** When a lag sample was last taken (PostgreSQL's WalSndUpdateProgress: at most one a second). */
    private long lastSampleMicros;
    private Long timeoutOverride;
    private boolean waitingForReply;
    private boolean clientDone;
    private boolean connectionGone;

    public WalSender(ReplicationServices services, Output out, int pid) {
        this.services = services;
        this.out = out;
        this.pid = pid;
    }

    /** A message from the client while streaming. */
    public void offer(FrontendMessage message) {
        inbound.add(message);
    }

    /**
     * Streams until the client sends CopyDone (then returns normally, CopyDone and "COPY 0" sent) or
     * goes away (returns false: the connection must close).
     */
    public boolean stream(ReplicationCommand.StartReplication cmd, SessionFormat format,
                          Consumer<PgException> notices) throws PgException {
        if (cmd.physical()) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "physical replication is not supported by Slotway")
                    .withHint("Slotway is a logical replication publisher: use START_REPLICATION SLOT name LOGICAL.");
        }
        ReplicationServices.SlotState slot = services.slot(cmd.slot());
        if (slot == null) {
            throw new PgException(SqlState.UNDEFINED_OBJECT, "replication slot \"" + cmd.slot() + "\" does not exist");
        }
        slot = services.acquire(cmd.slot(), pid);
        try {
            OutputPlugin loaded = services.plugin(slot.plugin());
            Lsn start = cmd.start().isValid() && cmd.start().isAfter(slot.confirmedFlush()) ? cmd.start() : slot.confirmedFlush();
            DecodingPosition position = new DecodingPosition(start);
            PluginSession plugin = loaded.startup(context(slot.name(), cmd.options(), format, notices, position));
            LOG.info("starting logical decoding for slot \"{}\" at {}", slot.name(), start);
            out.send(new BackendMessage.CopyBothResponse());
            out.flush();
            sentPtr = start;
            slotName = slot.name();
            pluginName = slot.plugin();
            lastReplyNanos = System.nanoTime();
            DecodingPump pump = new DecodingPump(plugin, start, position);
            services.streamStarted(this);
            // A stream from the start point delivers every transaction committed at or after it, whole.
            try (WalStream wal = services.stream(start)) {
                loop(slot, loaded, wal, pump);
            } catch (WalReadException e) {
                throw e.error();
            } finally {
                services.streamEnded(this);
                plugin.shutdown();
            }
            if (connectionGone) {
                return false;
            }
            out.send(new BackendMessage.CopyDone());
            out.send(new BackendMessage.CommandComplete("COPY 0"));
            return true;
        } finally {
            services.release(cmd.slot(), pid);
        }
    }

    /** The session's wal_sender_timeout in ms, or null to use the server's. */
    public void timeoutMillis(Long millis) {
        this.timeoutOverride = millis;
    }

    public int pid() {
        return pid;
    }

    /** pg_stat_replication's write_lag, flush_lag, replay_lag, reply_time and state. */
    public ReplicationServices.StreamLag lag() {
        return new ReplicationServices.StreamLag(writeLag, flushLag, applyLag, replyTime, caughtUp);
    }

    /** The stream as the shell's {@code slotway:lag} shows it (pg_stat_replication's positions). */
    public ReplicationServices.StreamState state() {
        return new ReplicationServices.StreamState(pid, slotName, pluginName, sentPtr, clientWrite, clientFlush, clientApply);
    }

    private void loop(ReplicationServices.SlotState slot, OutputPlugin loaded, WalStream wal, DecodingPump pump)
            throws PgException {
        String slotName = slot.name();
        boolean idleKeepaliveSent = false;
        long timeout = timeoutOverride != null ? timeoutOverride : services.walSenderTimeoutMillis();
        while (true) {
            drainInbound(slotName);
            if (clientDone || connectionGone) {
                return;
            }
            if (!services.pluginCurrent(slot.plugin(), loaded)) {
                // The plugin's bundle was removed or updated: end the stream as a walsender ends at
                // shutdown; the client reconnects, gets the current plugin and resumes from the slot.
                LOG.info("output plugin \"{}\" changed: ending the stream of slot \"{}\"", slot.plugin(), slotName);
                throw PgException.fatal(SqlState.ADMIN_SHUTDOWN, "terminating connection due to administrator command")
                        .withDetail("The output plugin \"" + slot.plugin() + "\" was removed or updated.");
            }
            WalItem item;
            try {
                item = wal.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                connectionGone = true;
                return;
            }
            if (item != null) {
                pump.feed(item, (lsn, xid, data) -> xlogData(lsn, data));
                Lsn end = DecodingPump.endOf(item);
                if (end.isAfter(sentPtr)) {
                    sentPtr = end;
                }
                // a sample at the end of a transaction, at most one a second (WALSND_LOGICAL_LAG_TRACK_INTERVAL_MS)
                long nowMicros = now();
                if (nowMicros - lastSampleMicros >= 1_000_000L) {
                    lagTracker.write(end.value(), nowMicros);
                    lastSampleMicros = nowMicros;
                }
                idleKeepaliveSent = false;
                continue;
            }
            caughtUp = true;
            // Caught up: tell the client where the WAL ends, as PostgreSQL does while it waits.
            Lsn flushed = services.flushedLsn();
            if (flushed.isAfter(sentPtr)) {
                sentPtr = flushed;
                idleKeepaliveSent = false;
            }
            if (!idleKeepaliveSent) {
                keepalive(false);
                idleKeepaliveSent = true;
            }
            if (timeout > 0) {
                long sinceReply = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastReplyNanos);
                if (sinceReply >= timeout) {
                    LOG.info("terminating walsender process due to replication timeout (slot \"{}\")", slotName);
                    connectionGone = true;
                    return;
                }
                if (sinceReply >= timeout / 2 && !waitingForReply) {
                    keepalive(true);
                    waitingForReply = true;
                }
            }
            out.flush();
        }
    }

    private void drainInbound(String slotName) throws PgException {
        FrontendMessage m;
        while ((m = inbound.poll()) != null) {
            if (m instanceof FrontendMessage.CopyData d) {
                feedback(slotName, d.data());
            } else if (m instanceof FrontendMessage.CopyDone) {
                clientDone = true;
            } else if (m instanceof FrontendMessage.CopyFail f) {
                throw new PgException(SqlState.QUERY_CANCELED, "COPY from stdin failed: " + f.message());
            } else {
                // Terminate, or the connection closed
                connectionGone = true;
            }
        }
    }

    /** A standby status update ('r') or hot standby feedback ('h'). */
    private void feedback(String slotName, byte[] data) throws PgException {
        if (data.length == 0) {
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "invalid standby message type \"\"");
        }
        ByteBuffer b = ByteBuffer.wrap(data);
        byte kind = b.get();
        if (kind == 'r') {
            if (data.length < 34) {
                throw new PgException(SqlState.PROTOCOL_VIOLATION, "insufficient data left in message");
            }
            long written = b.getLong();
            long flush = b.getLong();
            long applied = b.getLong();
            long clientTime = b.getLong();
            clientWrite = Lsn.of(written);
            clientFlush = Lsn.of(flush);
            clientApply = Lsn.of(applied);
            boolean replyRequested = b.get() != 0;
            // As ProcessStandbyReplyMessage: a second reply in a row with everything applied clears the lags.
            boolean clearLagTimes = false;
            if (applied == sentPtr.value()) {
                clearLagTimes = fullyAppliedLastTime;
                fullyAppliedLastTime = true;
            } else {
                fullyAppliedLastTime = false;
            }
            long nowMicros = now();
            long w = lagTracker.read(LagTracker.WRITE, written, nowMicros);
            long f = lagTracker.read(LagTracker.FLUSH, flush, nowMicros);
            long a = lagTracker.read(LagTracker.APPLY, applied, nowMicros);
            if (w != -1 || clearLagTimes) {
                writeLag = w;
            }
            if (f != -1 || clearLagTimes) {
                flushLag = f;
            }
            if (a != -1 || clearLagTimes) {
                applyLag = a;
            }
            replyTime = java.time.Instant.EPOCH.plus(java.time.Duration.ofNanos((clientTime + PG_EPOCH_MICROS) * 1000));
            lastReplyNanos = System.nanoTime();
            waitingForReply = false;
            if (flush != 0) {
                services.confirm(slotName, Lsn.of(flush));
            }
            if (replyRequested) {
                keepalive(false);
            }
        } else if (kind == 'h') {
            lastReplyNanos = System.nanoTime();
            waitingForReply = false;
        } else {
            throw new PgException(SqlState.PROTOCOL_VIOLATION, "unexpected message type \"" + (char) kind + "\"");
        }
    }

    private void xlogData(Lsn lsn, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(25 + data.length);
        b.put((byte) 'w');
        b.putLong(lsn.value()); // dataStart
        b.putLong(lsn.value()); // walEnd: PostgreSQL 15 sends the same position
        b.putLong(now());
        b.put(data);
        out.send(new BackendMessage.CopyData(b.array()));
    }

    private void keepalive(boolean replyRequested) {
        ByteBuffer b = ByteBuffer.allocate(18);
        b.put((byte) 'k');
        b.putLong(sentPtr.value());
        b.putLong(now());
        b.put((byte) (replyRequested ? 1 : 0));
        out.send(new BackendMessage.CopyData(b.array()));
        out.flush();
    }

    /** Now in PostgreSQL's timestamp form: microseconds since 2000-01-01 UTC. */
    static long now() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000 - PG_EPOCH_MICROS;
    }

    private DecodingContext context(String slotName, Map<String, String> options, SessionFormat format,
                                    Consumer<PgException> notices, DecodingPosition position) {
        Map<String, String> opts = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        return new DecodingContext() {
            @Override public Map<String, String> options() { return opts; }
            @Override public String slotName() { return slotName; }
            @Override public SessionFormat format() { return format; }
            @Override public boolean textualConsumer() { return false; }
            @Override public void notice(PgException notice) { notices.accept(notice); }
            @Override public java.util.Optional<io.slotway.api.change.Publication> publication(String name) {
                return services.publication(name, position.get());
            }
        };
    }
}
