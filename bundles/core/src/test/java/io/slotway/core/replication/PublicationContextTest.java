package io.slotway.core.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.PgException;
import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Publication;
import io.slotway.api.change.Relation;
import io.slotway.api.change.Transaction;
import io.slotway.api.change.TransactionLog;
import io.slotway.api.change.Tuple;
import io.slotway.api.decoding.DecodingContext;
import io.slotway.api.decoding.OutputPlugin;
import io.slotway.api.decoding.OutputWriter;
import io.slotway.api.decoding.PluginSession;
import io.slotway.api.source.SessionContext;
import io.slotway.api.types.PgType;
import io.slotway.api.types.SessionFormat;
import io.slotway.core.pgwire.BackendMessage;
import io.slotway.core.pgwire.FrontendMessage;
import io.slotway.core.session.Output;
import io.slotway.core.slot.SlotManager;
import io.slotway.core.wal.WalMapping;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A plugin's {@code DecodingContext.publication} answers as of the record being decoded, through the
 * real WAL, slots and both consumers (pg_logical_slot_*_changes and START_REPLICATION).
 */
class PublicationContextTest {
    private static final Relation A = new Relation(16384, "public", "a", 'd',
            List.of(new Column("id", PgType.INT4.oid(), -1, true, true)));

    @TempDir
    Path dir;

    private WalMapping wal;
    private ReplicationService services;
    private final List<String> startups = new CopyOnWriteArrayList<>();

    @BeforeEach
    void open() throws Exception {
        wal = WalMapping.open(dir, 1 << 16, true);
        services = new ReplicationService(wal, SlotManager.open(dir, 3, wal));
        OutputPlugin probe = ctx -> {
            startups.add(describe(ctx.publication("p")));
            return new Probe(ctx);
        };
        services.addPlugin(probe, Map.of(OutputPlugin.PLUGIN_NAME, "probe"));
    }

    @AfterEach
    void close() {
        wal.close();
    }

    static Publication pub(long... tables) {
        Set<Long> t = new java.util.HashSet<>();
        for (long x : tables) {
            t.add(x);
        }
        return new Publication(16500, "p", false, t, Set.of(), true, true, true, true, false);
    }

    static String describe(java.util.Optional<Publication> p) {
        return p.map(x -> x.tables().stream().sorted().map(String::valueOf).collect(Collectors.joining(",", "{", "}")))
                .orElse("none");
    }

    /** Writes, for every callback, what the context says publication "p" is. */
    private static final class Probe implements PluginSession {
        private final DecodingContext ctx;

        Probe(DecodingContext ctx) {
            this.ctx = ctx;
        }

        private void line(OutputWriter out, String what) {
            out.prepareWrite(true);
            out.append(what + " p=" + describe(ctx.publication("p")));
            out.write(true);
        }

        @Override public boolean binaryOutput() { return false; }
        @Override public void begin(Transaction txn, OutputWriter out) { line(out, "BEGIN"); }
        @Override public void change(Transaction txn, Lsn lsn, Change change, OutputWriter out) {
            line(out, "row " + ((Change.Insert) change).newTuple().get(0));
        }
        @Override public void commit(Transaction txn, OutputWriter out) { line(out, "COMMIT"); }
        @Override public void message(Lsn lsn, Change.Message message, OutputWriter out) { line(out, "message"); }
    }

    private static Change insert(int id) {
        return new Change.Insert(A, new Tuple(id));
    }

    private void workload() throws Exception {
        TransactionLog t1 = wal.begin();
        t1.add(insert(1));
        t1.publicationChanged("p", pub(16384, 16385));
        t1.add(insert(2));
        t1.prepare(1, Instant.now());
        t1.committed();
        wal.message("m", new byte[] {1});
        TransactionLog t2 = wal.begin();
        t2.add(insert(3));
        t2.publicationChanged("p", null);
        t2.prepare(2, Instant.now());
        t2.committed();
        TransactionLog aborted = wal.begin();
        aborted.publicationChanged("p", pub(99));
        aborted.prepare(3, Instant.now());
        aborted.abort();
        TransactionLog t3 = wal.begin();
        t3.add(insert(4));
        t3.publicationChanged("p", pub());
        t3.add(insert(5));
        t3.prepare(4, Instant.now());
        t3.committed();
    }

    private static final List<String> EXPECTED = List.of(
            "BEGIN p={16384}", "row 1 p={16384}", "row 2 p={16384,16385}", "COMMIT p={16384,16385}",
            "message p={16384,16385}",
            "BEGIN p={16384,16385}", "row 3 p={16384,16385}", "COMMIT p=none",
            "BEGIN p=none", "row 4 p=none", "row 5 p={}", "COMMIT p={}");

    private void createPublicationThenSlot() throws Exception {
        TransactionLog t0 = wal.begin();
        t0.publicationChanged("p", pub(16384));
        t0.prepare(0, Instant.now());
        t0.committed();
        services.createSlot("s", "probe", false, false, 1);
    }

    private final SessionContext session = new SessionContext() {
        @Override public String user() { return "postgres"; }
        @Override public String database() { return "postgres"; }
        @Override public int backendPid() { return 1; }
        @Override public String setting(String name) { return null; }
        @Override public SessionFormat format() { return SessionFormat.DEFAULT; }
        @Override public void notice(PgException notice) { }
    };

    @Test
    void sqlFunctionsDecodeEachChangeWithThePublicationAsOfIt() throws Exception {
        createPublicationThenSlot();
        workload();
        SqlReplicationFunctions fns = new SqlReplicationFunctions(services, "postgres");
        List<Object[]> rows = fns.changes(session, "s", null, null, true, false, List.of());
        assertThat(rows).extracting(r -> (String) r[2]).containsExactlyElementsOf(EXPECTED);
        assertThat(startups).containsExactly("{16384}");
        // after a restart the history comes from disk
        wal.close();
        open();
        fns = new SqlReplicationFunctions(services, "postgres");
        rows = fns.changes(session, "s", null, null, false, false, List.of());
        assertThat(rows).extracting(r -> (String) r[2]).containsExactlyElementsOf(EXPECTED);
        // the next call starts where the last one confirmed: its startup sees the latest definition
        fns.changes(session, "s", null, null, true, false, List.of());
        assertThat(startups).containsExactly("{16384}", "{16384}", "{}");
    }

    @Test
    void aWalSenderDecodesEachChangeWithThePublicationAsOfIt() throws Exception {
        createPublicationThenSlot();
        workload();
        List<BackendMessage> sent = new CopyOnWriteArrayList<>();
        Output out = new Output() {
            @Override public void send(BackendMessage message) { sent.add(message); }
            @Override public void flush() { }
        };
        WalSender sender = new WalSender(services, out, 1);
        ReplicationCommand.StartReplication cmd = new ReplicationCommand.StartReplication("s", false, Lsn.INVALID, null, Map.of());
        CompletableFuture<Boolean> done = CompletableFuture.supplyAsync(() -> {
            try {
                return sender.stream(cmd, SessionFormat.DEFAULT, n -> { });
            } catch (PgException e) {
                throw new RuntimeException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (xlogData(sent).size() < EXPECTED.size() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        sender.offer(new FrontendMessage.CopyDone());
        assertThat(done.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(xlogData(sent)).containsExactlyElementsOf(EXPECTED);
        assertThat(startups).containsExactly("{16384}");
    }

    private static List<String> xlogData(List<BackendMessage> sent) {
        List<String> out = new ArrayList<>();
        for (BackendMessage m : sent) {
            if (m instanceof BackendMessage.CopyData d && d.data()[0] == 'w') {
                ByteBuffer b = ByteBuffer.wrap(d.data());
                b.position(25);
                byte[] rest = new byte[b.remaining()];
                b.get(rest);
                out.add(new String(rest, StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
