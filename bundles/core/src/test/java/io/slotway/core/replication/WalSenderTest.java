package io.slotway.core.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.api.PgException;
import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Relation;
import io.slotway.api.change.Transaction;
import io.slotway.api.change.Tuple;
import io.slotway.api.decoding.OutputPlugin;
import io.slotway.api.decoding.OutputWriter;
import io.slotway.api.decoding.PluginSession;
import io.slotway.api.types.SessionFormat;
import io.slotway.core.pgwire.BackendMessage;
import io.slotway.core.pgwire.FrontendMessage;
import io.slotway.core.session.Output;
import io.slotway.core.wal.Entry;
import io.slotway.core.wal.WalItem;
import io.slotway.core.wal.WalStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The streaming protocol of one logical replication stream, against a fake WAL and plugin. */
class WalSenderTest {
    private static final Relation T = new Relation(16384, "public", "t", 'd',
            List.of(new Column("id", 23, -1, true, true)));

    private final BlockingQueue<WalItem> wal = new LinkedBlockingQueue<>();
    private final List<BackendMessage> sent = new CopyOnWriteArrayList<>();
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final Fake services = new Fake();

    private final class Fake implements ReplicationServices {
        Lsn confirmed = Lsn.parse("0/100");
        boolean active;

        @Override public long systemIdentifier() { return 42; }
        @Override public int timeline() { return 1; }
        @Override public Lsn flushedLsn() { return Lsn.parse("0/900"); }
        @Override public SlotState createSlot(String n, String p, boolean t, boolean tp, int pid) { throw new UnsupportedOperationException(); }
        @Override public void dropSlot(String n, boolean w, int pid) { }
        @Override public SlotState slot(String name) {
            return name.equals("s") ? new SlotState("s", "fake", false, false, active, 7, Lsn.parse("0/100"), confirmed) : null;
        }
        @Override public List<SlotState> slots() { return List.of(slot("s")); }
        @Override public SlotState acquire(String name, int pid) throws PgException {
            if (active) {
                throw new PgException("55006", "replication slot \"s\" is active for PID 7");
            }
            active = true;
            return slot(name);
        }
        @Override public void release(String name, int pid) { active = false; log.add("release"); }
        @Override public void confirm(String name, Lsn flush) { confirmed = flush; log.add("confirm " + flush); }
        @Override public void backendEnded(int pid) { }
        volatile OutputPlugin current = ctx -> new Plugin();

        @Override public OutputPlugin plugin(String name) { return current; }
        @Override public boolean pluginCurrent(String name, OutputPlugin plugin) { return plugin == current; }
        @Override public WalStream stream(Lsn from) {
            log.add("stream from " + from);
            return new WalStream() {
                @Override public WalItem poll(long timeout, TimeUnit unit) throws InterruptedException {
                    return wal.poll(timeout, unit);
                }
                @Override public void close() { log.add("stream closed"); }
            };
        }
        @Override public long walSenderTimeoutMillis() { return 60_000; }
    }

    private static final class Plugin implements PluginSession {
        @Override public boolean binaryOutput() { return false; }
        @Override public void begin(Transaction txn, OutputWriter out) { out.prepareWrite(true); out.append("BEGIN " + txn.xid()); out.write(true); }
        @Override public void change(Transaction txn, Lsn lsn, Change change, OutputWriter out) {
            out.prepareWrite(true);
            out.append("row " + ((Change.Insert) change).newTuple().get(0));
            out.write(true);
        }
        @Override public void commit(Transaction txn, OutputWriter out) { out.prepareWrite(true); out.append("COMMIT " + txn.xid()); out.write(true); }
    }

    private final Output output = new Output() {
        @Override public void send(BackendMessage message) { sent.add(message); }
        @Override public void flush() { }
    };

    private static WalItem txn(long xid, long first, long commit, long end, int... rows) {
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < rows.length; i++) {
            entries.add(new Entry(Lsn.of(first + 0x10 * (i + 1)), new Change.Insert(T, new Tuple(rows[i]))));
        }
        return new WalItem.Committed(new Transaction(xid, Lsn.of(first), Lsn.of(commit), Lsn.of(end), Instant.EPOCH, null), entries);
    }

    /** XLogData payloads as "dataStart text", keepalives as "k walEnd reply". */
    private List<String> copyData() {
        List<String> out = new ArrayList<>();
        for (BackendMessage m : sent) {
            if (m instanceof BackendMessage.CopyData d) {
                ByteBuffer b = ByteBuffer.wrap(d.data());
                byte kind = b.get();
                if (kind == 'w') {
                    long start = b.getLong();
                    long end = b.getLong();
                    assertThat(end).isEqualTo(start);
                    b.getLong();
                    byte[] rest = new byte[b.remaining()];
                    b.get(rest);
                    out.add(Lsn.of(start) + " " + new String(rest, StandardCharsets.UTF_8));
                } else {
                    long walEnd = b.getLong();
                    b.getLong();
                    out.add("k " + Lsn.of(walEnd) + " " + b.get());
                }
            }
        }
        return out;
    }

    private static byte[] statusUpdate(long flush, boolean reply) {
        return ByteBuffer.allocate(34).put((byte) 'r').putLong(flush).putLong(flush).putLong(0).putLong(0)
                .put((byte) (reply ? 1 : 0)).array();
    }

    private CompletableFuture<Boolean> start(WalSender sender, String startLsn) {
        ReplicationCommand.StartReplication cmd = new ReplicationCommand.StartReplication("s", false, Lsn.parse(startLsn), null, Map.of());
        return CompletableFuture.supplyAsync(() -> {
            try {
                return sender.stream(cmd, SessionFormat.DEFAULT, n -> { });
            } catch (PgException e) {
                throw new RuntimeException(e);
            }
        });
    }

    private void awaitCopyData(int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (copyData().size() < n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    @Test
    void streamsCommittedTransactionsWithPostgresLsnsThenEndsCleanlyOnCopyDone() throws Exception {
        wal.add(txn(730, 0x200, 0x280, 0x2A0, 1, 2));
        WalSender sender = new WalSender(services, output, 9);
        CompletableFuture<Boolean> done = start(sender, "0/0");
        awaitCopyData(5);
        sender.offer(new FrontendMessage.CopyData(statusUpdate(0x2A0, false)));
        sender.offer(new FrontendMessage.CopyDone());
        assertThat(done.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(sent.get(0)).isInstanceOf(BackendMessage.CopyBothResponse.class);
        assertThat(copyData()).startsWith("0/200 BEGIN 730", "0/210 row 1", "0/220 row 2", "0/2A0 COMMIT 730",
                "k 0/900 0");
        assertThat(sent.get(sent.size() - 2)).isInstanceOf(BackendMessage.CopyDone.class);
        assertThat(((BackendMessage.CommandComplete) sent.get(sent.size() - 1)).tag()).isEqualTo("COPY 0");
        assertThat(log).contains("stream from 0/100", "confirm 0/2A0", "stream closed", "release");
    }

    @Test
    void skipsTransactionsCommittedBeforeTheConfirmedPosition() throws Exception {
        services.confirmed = Lsn.parse("0/300");
        wal.add(txn(730, 0x200, 0x280, 0x2A0, 1));
        wal.add(txn(731, 0x2B0, 0x300, 0x320, 2));
        WalSender sender = new WalSender(services, output, 9);
        CompletableFuture<Boolean> done = start(sender, "0/0");
        awaitCopyData(3);
        sender.offer(new FrontendMessage.CopyDone());
        assertThat(done.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(copyData()).startsWith("0/2B0 BEGIN 731", "0/2C0 row 2", "0/320 COMMIT 731");
    }

    @Test
    void answersAStatusUpdateThatAsksForAReply() throws Exception {
        WalSender sender = new WalSender(services, output, 9);
        CompletableFuture<Boolean> done = start(sender, "0/0");
        awaitCopyData(1);
        sender.offer(new FrontendMessage.CopyData(statusUpdate(0, true)));
        awaitCopyData(2);
        sender.offer(new FrontendMessage.CopyDone());
        assertThat(done.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(copyData()).containsExactly("k 0/900 0", "k 0/900 0");
    }

    @Test
    void stopsWithoutReplyingWhenTheClientGoesAway() throws Exception {
        WalSender sender = new WalSender(services, output, 9);
        CompletableFuture<Boolean> done = start(sender, "0/0");
        awaitCopyData(1);
        sender.offer(new FrontendMessage.Terminate());
        assertThat(done.get(10, TimeUnit.SECONDS)).isFalse();
        assertThat(sent).noneMatch(m -> m instanceof BackendMessage.CopyDone);
        assertThat(log).contains("release");
    }

    @Test
    void refusesASlotThatAnotherBackendStreams() {
        services.active = true;
        WalSender sender = new WalSender(services, output, 9);
        assertThatThrownBy(() -> sender.stream(new ReplicationCommand.StartReplication("s", false, Lsn.INVALID, null, Map.of()),
                SessionFormat.DEFAULT, n -> { }))
                .isInstanceOfSatisfying(PgException.class, e -> assertThat(e.sqlState()).isEqualTo("55006"));
        assertThat(sent).isEmpty();
    }

    @Test
    void endsTheStreamWithAFatalWhenItsPluginIsRemovedOrUpdated() throws Exception {
        wal.add(txn(730, 0x200, 0x280, 0x2A0, 1));
        WalSender sender = new WalSender(services, output, 9);
        ReplicationCommand.StartReplication cmd = new ReplicationCommand.StartReplication("s", false, Lsn.INVALID, null, Map.of());
        CompletableFuture<PgException> ended = CompletableFuture.supplyAsync(() -> {
            try {
                sender.stream(cmd, SessionFormat.DEFAULT, n -> { });
                return null;
            } catch (PgException e) {
                return e;
            }
        });
        awaitCopyData(3);
        services.current = ctx -> new Plugin(); // a new version of the bundle registered
        PgException e = ended.get(10, TimeUnit.SECONDS);
        assertThat(e).isNotNull();
        assertThat(e.severity()).isEqualTo(PgException.Severity.FATAL);
        assertThat(e.sqlState()).isEqualTo("57P01");
        assertThat(log).contains("release", "stream closed");
    }
}
