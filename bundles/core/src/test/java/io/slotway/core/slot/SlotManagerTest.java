package io.slotway.core.slot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.api.PgException;
import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Relation;
import io.slotway.api.change.TransactionLog;
import io.slotway.api.change.Tuple;
import io.slotway.api.types.PgType;
import io.slotway.core.wal.WalItem;
import io.slotway.core.wal.WalMapping;
import io.slotway.core.wal.WalStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SlotManagerTest {
    private static final Relation T = new Relation(16384, "public", "t", 'd',
            List.of(new Column("id", PgType.INT4.oid(), -1, true, true), new Column("v", PgType.TEXT.oid(), -1, false, false)));

    @TempDir
    Path dir;

    private WalMapping wal;
    private SlotManager slots;

    @BeforeEach
    void open() throws Exception {
        wal = WalMapping.open(dir, 1 << 16, true);
        slots = SlotManager.open(dir, 3, wal);
    }

    @AfterEach
    void close() {
        wal.close();
    }

    private void reopen() throws Exception {
        wal.close();
        wal = WalMapping.open(dir, 1 << 16, true);
        slots = SlotManager.open(dir, 3, wal);
    }

    private Lsn commit(int id, String v) throws Exception {
        TransactionLog t = wal.begin();
        t.add(new Change.Insert(T, new Tuple(id, v)));
        Lsn lsn = t.prepare(id, Instant.now());
        t.committed();
        return lsn;
    }

    private static void assertPgError(ThrowingCallable call, String sqlState, String message) {
        assertThatThrownBy(call).isInstanceOf(PgException.class).hasMessage(message)
                .extracting(e -> ((PgException) e).sqlState()).isEqualTo(sqlState);
    }

    @Test
    void slotNamesFollowPostgresRules() throws Exception {
        assertThatThrownBy(() -> SlotManager.validateName("A"))
                .hasMessage("replication slot name \"A\" contains invalid character")
                .satisfies(e -> {
                    assertThat(((PgException) e).sqlState()).isEqualTo("42602");
                    assertThat(((PgException) e).hint()).isEqualTo(
                            "Replication slot names may only contain lower case letters, numbers, and the underscore character.");
                });
        String tooLong = "a".repeat(64);
        assertPgError(() -> slots.create(tooLong, "test_decoding", false, false, 1, wal.currentLsn()),
                "42622", "replication slot name \"" + tooLong + "\" is too long");
        assertPgError(() -> SlotManager.validateName(""), "42602", "replication slot name \"\" is too short");
        SlotManager.validateName("a".repeat(63));
        SlotManager.validateName("slot_1");
    }

    @Test
    void duplicatesAreRefusedBeforeTheLimitIsChecked() throws Exception {
        for (String n : List.of("a", "b", "c")) {
            slots.create(n, "test_decoding", false, false, 1, wal.currentLsn());
        }
        assertPgError(() -> slots.create("a", "test_decoding", false, false, 1, wal.currentLsn()),
                "42710", "replication slot \"a\" already exists");
        assertThatThrownBy(() -> slots.create("d", "test_decoding", false, false, 1, wal.currentLsn()))
                .hasMessage("all replication slots are in use")
                .satisfies(e -> {
                    assertThat(((PgException) e).sqlState()).isEqualTo("53400");
                    assertThat(((PgException) e).hint()).isEqualTo("Free one or increase max_replication_slots.");
                });
    }

    @Test
    void missingSlotsAreReportedAsPostgresDoes() {
        assertPgError(() -> slots.acquire("nope", 1), "42704", "replication slot \"nope\" does not exist");
        assertPgError(() -> slots.drop("nope", 1, false, Duration.ZERO), "42704", "replication slot \"nope\" does not exist");
        assertPgError(() -> slots.confirm("nope", Lsn.of(5)), "42704", "replication slot \"nope\" does not exist");
    }

    @Test
    void aSlotHasOneActiveConsumerAtATime() throws Exception {
        slots.create("s", "test_decoding", false, false, 1, wal.currentLsn());
        assertThat(slots.get("s").orElseThrow().active()).isFalse();
        slots.acquire("s", 1234);
        assertThat(slots.get("s").orElseThrow().activePid()).isEqualTo(1234);
        assertPgError(() -> slots.acquire("s", 99), "55006", "replication slot \"s\" is active for PID 1234");
        assertPgError(() -> slots.drop("s", 99, false, Duration.ZERO), "55006", "replication slot \"s\" is active for PID 1234");
        slots.release("s", 1234);
        slots.acquire("s", 99);
        slots.releaseAll(99);
        assertThat(slots.get("s").orElseThrow().active()).isFalse();
    }

    @Test
    void twoConcurrentAcquirersGetTheSlotOnceBetweenThem() throws Exception {
        slots.create("s", "test_decoding", false, false, 1, wal.currentLsn());
        for (int round = 0; round < 20; round++) {
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger won = new AtomicInteger();
            AtomicInteger lost = new AtomicInteger();
            List<CompletableFuture<Void>> racers = Stream.of(100, 200).map(pid -> CompletableFuture.runAsync(() -> {
                try {
                    go.await();
                    slots.acquire("s", pid);
                    won.incrementAndGet();
                } catch (PgException e) {
                    assertThat(e.sqlState()).isEqualTo("55006");
                    lost.incrementAndGet();
                } catch (InterruptedException e) {
                    throw new RuntimeException(e);
                }
            })).toList();
            go.countDown();
            CompletableFuture.allOf(racers.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            assertThat(won.get()).isEqualTo(1);
            assertThat(lost.get()).isEqualTo(1);
            slots.releaseAll(100);
            slots.releaseAll(200);
        }
    }

    @Test
    void dropWithWaitWaitsForTheConsumerToLetGo() throws Exception {
        slots.create("s", "test_decoding", false, false, 1, wal.currentLsn());
        slots.acquire("s", 7);
        assertPgError(() -> slots.drop("s", 8, true, Duration.ofMillis(50)), "55006", "replication slot \"s\" is active for PID 7");
        CompletableFuture<Void> drop = CompletableFuture.runAsync(() -> {
            try {
                slots.drop("s", 8, true, Duration.ofSeconds(10));
            } catch (PgException e) {
                throw new RuntimeException(e);
            }
        });
        Thread.sleep(50);
        assertThat(drop).isNotDone();
        slots.release("s", 7);
        drop.get(5, TimeUnit.SECONDS);
        assertThat(slots.list()).isEmpty();
    }

    @Test
    void persistentSlotsSurviveARestartAndTemporaryOnesDoNot() throws Exception {
        Lsn point = wal.currentLsn();
        slots.create("keep", "test_decoding", false, true, 1, point);
        SlotManager.Slot temp = slots.create("temp", "pgoutput", true, false, 42, point);
        assertThat(temp.active()).isTrue();
        assertThat(temp.activePid()).isEqualTo(42);
        slots.release("temp", 42);
        assertThat(slots.get("temp").orElseThrow().activePid()).as("PostgreSQL keeps a temporary slot active for its owner").isEqualTo(42);
        assertThat(Files.exists(dir.resolve("slots/temp.json"))).isFalse();
        commit(1, "a");
        Lsn confirmed = wal.flushedLsn();
        slots.confirm("keep", confirmed);
        reopen();
        assertThat(slots.list()).singleElement().satisfies(s -> {
            assertThat(s.name()).isEqualTo("keep");
            assertThat(s.plugin()).isEqualTo("test_decoding");
            assertThat(s.twoPhase()).isTrue();
            assertThat(s.temporary()).isFalse();
            assertThat(s.active()).isFalse();
            assertThat(s.confirmedFlushLsn()).isEqualTo(confirmed);
            assertThat(s.restartLsn()).isLessThanOrEqualTo(confirmed);
        });
    }

    @Test
    void temporarySlotsAreDroppedWhenTheirOwnerDisconnects() throws Exception {
        slots.create("temp", "test_decoding", true, false, 42, wal.currentLsn());
        slots.create("other", "test_decoding", true, false, 43, wal.currentLsn());
        slots.releaseAll(42);
        assertThat(slots.list()).extracting(SlotManager.Slot::name).containsExactly("other");
        slots.drop("other", 43, false, Duration.ZERO);
        assertThat(slots.list()).isEmpty();
    }

    @Test
    void confirmMovesForwardOnlyAndRestartFollowsTheFirstUnconfirmedTransaction() throws Exception {
        Lsn point = wal.currentLsn();
        slots.create("s", "test_decoding", false, false, 1, point);
        commit(1, "a");
        Lsn second = commit(2, "b");
        commit(3, "c");
        Lsn secondBegin;
        try (WalStream st = wal.openStream(second)) {
            secondBegin = ((WalItem.Committed) st.poll(1, TimeUnit.SECONDS)).transaction().firstLsn();
        }
        SlotManager.Slot s = slots.confirm("s", second);
        assertThat(s.confirmedFlushLsn()).isEqualTo(second);
        assertThat(s.restartLsn()).isEqualTo(secondBegin);
        s = slots.confirm("s", point);
        assertThat(s.confirmedFlushLsn()).as("never backwards").isEqualTo(second);
        s = slots.confirm("s", Lsn.parse("FF/0"));
        assertThat(s.confirmedFlushLsn()).as("never past durable WAL").isEqualTo(wal.flushedLsn());
        assertThat(s.restartLsn()).isLessThanOrEqualTo(s.confirmedFlushLsn()).isGreaterThan(secondBegin);
    }

    @Test
    void walSegmentsAreRemovedOnlyWhenNoSlotNeedsThem() throws Exception {
        Lsn point = wal.currentLsn();
        slots.create("lagging", "test_decoding", false, false, 1, point);
        String big = "x".repeat(3000);
        for (int i = 0; i < 60; i++) {
            commit(i, big);
        }
        slots.create("fresh", "test_decoding", false, false, 1, wal.currentLsn());
        assertThat(wal.oldestLsn()).isLessThanOrEqualTo(point);
        try (WalStream st = wal.openStream(point)) {
            int n = 0;
            while (st.poll(50, TimeUnit.MILLISECONDS) != null) {
                n++;
            }
            assertThat(n).isEqualTo(60);
        }
        slots.drop("lagging", 1, false, Duration.ZERO);
        assertThat(wal.oldestLsn().value() / (1 << 16)).isEqualTo(wal.currentLsn().value() / (1 << 16));
    }
}
