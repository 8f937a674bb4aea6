package io.slotway.core.wal;

import static io.slotway.core.wal.WalFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.api.PgException;
import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Relation;
import io.slotway.api.change.Transaction;
import io.slotway.api.change.TransactionLog;
import io.slotway.api.change.Tuple;
import io.slotway.api.types.PgArray;
import io.slotway.api.types.PgInterval;
import io.slotway.api.types.PgType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalMappingTest {
    @TempDir
    Path dir;

    private final List<WalMapping> opened = new ArrayList<>();

    private WalMapping open() throws Exception {
        WalMapping wal = WalMapping.open(dir, SMALL_SEGMENT, true);
        opened.add(wal);
        return wal;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(WalMapping::close);
    }

    private static Column col(String name, PgType type, int typmod, boolean key) {
        return new Column(name, type.oid(), typmod, key, key);
    }

    static final Relation EVERY_TYPE = new Relation(16400, "public", "every_type", 'f', List.of(
            col("b", PgType.BOOL, -1, true), col("i2", PgType.INT2, -1, false), col("i4", PgType.INT4, -1, false),
            col("i8", PgType.INT8, -1, false), col("f4", PgType.FLOAT4, -1, false), col("f8", PgType.FLOAT8, -1, false),
            col("n", PgType.NUMERIC, -1, false), col("nan", PgType.NUMERIC, -1, false), col("t", PgType.TEXT, -1, false),
            col("vc", PgType.VARCHAR, 14, false), col("bp", PgType.BPCHAR, 9, false), col("by", PgType.BYTEA, -1, false),
            col("u", PgType.UUID, -1, false), col("d", PgType.DATE, -1, false), col("ts", PgType.TIMESTAMP, -1, false),
            col("tz", PgType.TIMESTAMPTZ, -1, false), col("tm", PgType.TIME, -1, false), col("ttz", PgType.TIMETZ, -1, false),
            col("iv", PgType.INTERVAL, -1, false), col("js", PgType.JSON, -1, false), col("jb", PgType.JSONB, -1, false),
            col("arr", PgType.INT4_ARRAY, -1, false), col("tarr", PgType.TEXT_ARRAY, -1, false),
            col("inf", PgType.TIMESTAMPTZ, -1, false), col("nul", PgType.TEXT, -1, false),
            new Column("custom", 99999, -1, false, false), col("big", PgType.TEXT, -1, false)));

    static Tuple everyValue() {
        return new Tuple(true, (short) -7, 42, 1L << 40, 1.5f, Double.NaN, new BigDecimal("-12345.678900"),
                Double.POSITIVE_INFINITY, "héllo\nworld", "varchar", "bp   ", new byte[] {0, 1, (byte) 0xFF},
                UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"), LocalDate.of(2024, 2, 29),
                LocalDateTime.of(2001, 9, 9, 1, 46, 40, 123456000), Instant.parse("2024-01-01T12:00:00.000001Z"),
                LocalTime.of(23, 59, 59), OffsetTime.of(10, 0, 0, 0, ZoneOffset.ofHours(-5)), new PgInterval(14, 3, 3_600_000_001L),
                "{\"a\": [1, 2]}", "{\"a\": [1, 2]}", new PgArray(new int[] {2, 2}, new int[] {1, 0}, new Object[] {1, null, 3, 4}),
                PgArray.of("x", null, "z"), Instant.MAX, null, "(1,2)", Tuple.UNCHANGED_TOAST);
    }

    @Test
    void everyRecordKindAndValueTypeRoundTrips() throws Exception {
        WalMapping wal = open();
        Relation after = new Relation(ACCOUNTS.oid(), "public", "accounts", 'f', List.of(
                ACCOUNTS.columns().get(0), ACCOUNTS.columns().get(1), new Column("extra", PgType.INT8.oid(), -1, false, false)));
        Tuple old = new Tuple(false, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, null, null, null, null, null);
        List<Change> written = List.of(
                new Change.Insert(EVERY_TYPE, everyValue()),
                new Change.Update(EVERY_TYPE, old, true, everyValue()),
                new Change.Update(ACCOUNTS, null, false, new Tuple(1, "x")),
                new Change.Delete(EVERY_TYPE, everyValue(), false),
                new Change.Delete(ACCOUNTS, null, false),
                new Change.Truncate(List.of(ACCOUNTS, EVERY_TYPE), true, true),
                new Change.Message(true, "prefix", "payload".getBytes(StandardCharsets.UTF_8)));
        TransactionLog t = wal.begin();
        for (Change c : written) {
            t.add(c);
        }
        t.schemaChanged(ACCOUNTS.oid(), after, "ALTER TABLE", "ALTER TABLE accounts ADD extra int8");
        Change.Insert afterDdl = new Change.Insert(after, new Tuple(2, "y", 7L));
        t.add(afterDdl);
        t.schemaChanged(EVERY_TYPE.oid(), null, "DROP TABLE", "DROP TABLE every_type");
        t.prepare(1, Instant.parse("2024-05-01T00:00:00Z"));
        t.committed();
        Lsn message = wal.message("nontx", new byte[] {1, 2, 3});
        TransactionLog ddlOnly = wal.begin();
        ddlOnly.schemaChanged(16500, null, "DROP TABLE", "DROP TABLE gone");
        ddlOnly.prepare(2, Instant.parse("2024-05-01T00:00:01Z"));
        ddlOnly.committed();

        try (WalStream s = wal.openStream(Lsn.of(1))) {
            List<WalItem> items = drain(s);
            assertThat(items).hasSize(3);
            List<Change> read = changes(items.get(0));
            assertThat(read).hasSize(written.size() + 1);
            for (int i = 0; i < written.size() - 1; i++) {
                assertThat(read.get(i)).isEqualTo(written.get(i));
            }
            Change.Message txMessage = (Change.Message) read.get(written.size() - 1);
            assertThat(txMessage.transactional()).isTrue();
            assertThat(txMessage.prefix()).isEqualTo("prefix");
            assertThat(txMessage.content()).asString(StandardCharsets.UTF_8).isEqualTo("payload");
            assertThat(read.get(written.size())).isEqualTo(afterDdl);
            Transaction tx = ((WalItem.Committed) items.get(0)).transaction();
            assertThat(tx.xid()).isEqualTo(t.xid());
            assertThat(tx.commitTime()).isEqualTo(Instant.parse("2024-05-01T00:00:00Z"));
            WalItem.Message m = (WalItem.Message) items.get(1);
            assertThat(m.lsn()).isEqualTo(message);
            assertThat(m.message().transactional()).isFalse();
            assertThat(m.message().prefix()).isEqualTo("nontx");
            assertThat(m.message().content()).containsExactly(1, 2, 3);
            assertThat(changes(items.get(2))).as("a DDL-only transaction is delivered empty").isEmpty();
        }
    }

    @Test
    void lsnsStrictlyIncreaseAndTheFirstIsTheFirstSegmentsFirstRecord() throws Exception {
        WalMapping wal = open();
        assertThat(wal.currentLsn()).isEqualTo(Lsn.parse("0/10020"));
        assertThat(wal.timeline()).isEqualTo(1);
        for (int i = 0; i < 20; i++) {
            commit(wal, i, insert(i, "n" + i), insert(i + 100, "m" + i));
        }
        try (WalStream s = wal.openStream(Lsn.INVALID)) {
            long last = 0;
            for (WalItem item : drain(s)) {
                Transaction t = ((WalItem.Committed) item).transaction();
                assertThat(t.firstLsn().value()).isGreaterThan(last);
                long prev = t.firstLsn().value();
                for (Entry e : entries(item)) {
                    assertThat(e.lsn().value()).isGreaterThan(prev);
                    prev = e.lsn().value();
                }
                assertThat(t.commitLsn().value()).isGreaterThan(prev);
                assertThat(t.endLsn()).isGreaterThan(t.commitLsn());
                last = t.endLsn().value();
            }
            assertThat(wal.flushedLsn().value()).isGreaterThanOrEqualTo(last);
        }
    }

    @Test
    void aStreamFromAnLsnDeliversOnlyWhatCommitsAtOrAfterIt() throws Exception {
        WalMapping wal = open();
        commit(wal, 1, insert(1, "a"));
        Lsn second = commit(wal, 2, insert(2, "b"));
        commit(wal, 3, insert(3, "c"));
        try (WalStream s = wal.openStream(second)) {
            assertThat(drain(s)).extracting(i -> ((WalItem.Committed) i).transaction().commitLsn().value())
                    .first().isEqualTo(second.value());
        }
        try (WalStream s = wal.openStream(second.plus(1))) {
            assertThat(drain(s)).hasSize(1);
        }
    }

    @Test
    void aStreamWaitsForTheNextCommit() throws Exception {
        WalMapping wal = open();
        try (WalStream s = wal.openStream(wal.currentLsn())) {
            assertThat(s.poll(20, TimeUnit.MILLISECONDS)).isNull();
            CompletableFuture<WalItem> next = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.poll(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            Thread.sleep(50);
            assertThat(next).isNotDone();
            commit(wal, 1, insert(1, "late"));
            assertThat(changes(next.get(10, TimeUnit.SECONDS))).containsExactly(insert(1, "late"));
        }
    }

    @Test
    void aPreparedTransactionIsHeldBackUntilCommitted() throws Exception {
        WalMapping wal = open();
        TransactionLog t = wal.begin();
        t.add(insert(1, "a"));
        t.prepare(1, Instant.now());
        try (WalStream s = wal.openStream(Lsn.INVALID)) {
            assertThat(s.poll(30, TimeUnit.MILLISECONDS)).isNull();
            t.committed();
            assertThat(s.poll(1, TimeUnit.SECONDS)).isInstanceOf(WalItem.Committed.class);
        }
    }

    @Test
    void abortedTransactionsNeverAppear() throws Exception {
        WalMapping wal = open();
        TransactionLog before = wal.begin();
        before.add(insert(1, "rolled back before prepare"));
        before.abort();
        TransactionLog after = wal.begin();
        after.add(insert(2, "rolled back after prepare"));
        after.prepare(1, Instant.now());
        after.abort();
        commit(wal, 2, insert(3, "kept"));
        try (WalStream s = wal.openStream(Lsn.INVALID)) {
            List<WalItem> items = drain(s);
            assertThat(items).hasSize(1);
            assertThat(changes(items.get(0))).containsExactly(insert(3, "kept"));
        }
        assertThat(wal.pending()).isEmpty();
    }

    @Test
    void afterACrashBetweenPrepareAndCommittedTheTransactionIsPendingUntilResolved() throws Exception {
        WalMapping first = open();
        commit(first, 1, insert(1, "a"));
        TransactionLog yes = first.begin();
        yes.add(insert(2, "committed in the source"));
        yes.prepare(2, Instant.now());
        // crash: committed() never called, the WAL never closed
        WalMapping second = WalMapping.open(dir, SMALL_SEGMENT, true);
        opened.add(second);
        assertThat(second.pending()).containsExactly(2L);
        try (WalStream s = second.openStream(Lsn.INVALID)) {
            assertThat(drain(s)).hasSize(1);
            second.resolve(2, true);
            assertThat(changes(s.poll(1, TimeUnit.SECONDS))).containsExactly(insert(2, "committed in the source"));
        }
        TransactionLog no = second.begin();
        no.add(insert(3, "never committed in the source"));
        no.prepare(3, Instant.now());
        WalMapping third = WalMapping.open(dir, SMALL_SEGMENT, true);
        opened.add(third);
        assertThat(third.pending()).containsExactly(3L);
        third.resolve(3, false);
        commit(third, 4, insert(4, "d"));
        WalMapping fourth = WalMapping.open(dir, SMALL_SEGMENT, true);
        opened.add(fourth);
        assertThat(fourth.pending()).isEmpty();
        try (WalStream s = fourth.openStream(Lsn.INVALID)) {
            assertThat(drain(s)).flatExtracting(WalFixtures::changes)
                    .containsExactly(insert(1, "a"), insert(2, "committed in the source"), insert(4, "d"));
        }
    }

    @Test
    void xidsIncreaseAndAreNeverReusedAfterARestart() throws Exception {
        WalMapping first = open();
        long systemId = first.systemIdentifier();
        TransactionLog a = first.begin();
        assertThat(a.xid()).isGreaterThanOrEqualTo(730);
        TransactionLog b = first.begin();
        assertThat(b.xid()).isGreaterThan(a.xid());
        b.abort();
        a.abort();
        WalMapping second = WalMapping.open(dir, SMALL_SEGMENT, true);
        opened.add(second);
        assertThat(second.nextXid()).isGreaterThan(b.xid());
        assertThat(second.begin().xid()).isGreaterThan(b.xid());
        assertThat(second.systemIdentifier()).isEqualTo(systemId);
    }

    @Test
    void restartPointIsTheBeginOfTheFirstTransactionNotFullyConfirmed() throws Exception {
        WalMapping wal = open();
        Lsn start = wal.currentLsn();
        commit(wal, 1, insert(1, "a"));
        commit(wal, 2, insert(2, "b"));
        Transaction second;
        try (WalStream s = wal.openStream(start)) {
            second = ((WalItem.Committed) drain(s).get(1)).transaction();
        }
        assertThat(wal.restartPoint(start, second.commitLsn())).isEqualTo(second.firstLsn());
        assertThat(wal.restartPoint(start, second.firstLsn().plus(8))).isEqualTo(second.firstLsn());
        assertThat(wal.restartPoint(start, second.endLsn())).isEqualTo(wal.flushedLsn());
        assertThat(wal.restartPoint(start, Lsn.parse("FF/0"))).isEqualTo(wal.flushedLsn());
    }

    @Test
    void aTransactionThatSpillsIsWrittenAndReadBackLazily() throws Exception {
        WalMapping wal = WalMapping.open(dir, 1 << 20, false, 64 << 10);
        opened.add(wal);
        int n = 200_000;
        TransactionLog t = wal.begin();
        for (int i = 0; i < n; i++) {
            t.add(insert(i, "row"));
        }
        assertThat(dir.resolve("tmp")).isDirectoryContaining("glob:**.spill");
        t.prepare(1, Instant.now());
        t.committed();
        assertThat(dir.resolve("tmp")).isEmptyDirectory();
        try (WalStream s = wal.openStream(Lsn.INVALID)) {
            WalItem.Committed c = (WalItem.Committed) s.poll(1, TimeUnit.SECONDS);
            int count = 0;
            long lastLsn = 0;
            for (Entry e : c.entries()) {
                assertThat(((Change.Insert) e.change()).newTuple().get(0)).isEqualTo(count);
                lastLsn = e.lsn().value();
                count++;
            }
            assertThat(count).isEqualTo(n);
            assertThat(lastLsn - c.transaction().firstLsn().value()).as("spans several segments").isGreaterThan(3L << 20);
        }
    }

    @Test
    void aChangeTooLargeForASegmentIsRefused() throws Exception {
        WalMapping wal = open();
        TransactionLog t = wal.begin();
        assertThatThrownBy(() -> t.add(insert(1, "x".repeat(SMALL_SEGMENT))))
                .isInstanceOf(PgException.class).extracting(e -> ((PgException) e).sqlState()).isEqualTo("54000");
    }

    @Test
    void aValueNotInItsTypesCanonicalFormIsRefused() throws Exception {
        WalMapping wal = open();
        TransactionLog t = wal.begin();
        assertThatThrownBy(() -> t.add(new Change.Insert(ACCOUNTS, new Tuple("not an int", "x"))))
                .isInstanceOf(PgException.class).hasMessageContaining("column \"id\"");
    }
}
