package io.slotway.core.wal;

import static io.slotway.core.wal.WalFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.api.PgException;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Transaction;
import io.slotway.api.change.TransactionLog;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crashes, torn and corrupt tails, segment rollover and removal. */
class WalRecoveryTest {
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

    private List<Transaction> transactions(WalService wal) throws Exception {
        try (WalStream s = wal.openStream(Lsn.INVALID)) {
            return drain(s).stream().map(i -> ((WalItem.Committed) i).transaction()).toList();
        }
    }

    private Path segmentOf(WalMapping wal, Lsn lsn) {
        long seg = lsn.value() / wal.segmentSize();
        return dir.resolve("wal").resolve(String.format("%08X%08X%08X", 1, seg / (0x1_0000_0000L / wal.segmentSize()),
                seg % (0x1_0000_0000L / wal.segmentSize())));
    }

    @Test
    void aTornTailIsCutOffAtOpenAndEverythingBeforeItIsServed() throws Exception {
        WalMapping first = open();
        commit(first, 1, insert(1, "a"));
        commit(first, 2, insert(2, "b"));
        commit(first, 3, insert(3, "torn"));
        List<Transaction> before = transactions(first);
        Transaction torn = before.get(2);
        // crash in the middle of writing the third transaction: its bytes stop half way
        Path file = segmentOf(first, torn.firstLsn());
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength((torn.firstLsn().value() + torn.commitLsn().value()) / 2 % first.segmentSize());
        }
        WalMapping second = open();
        assertThat(transactions(second)).containsExactly(before.get(0), before.get(1));
        assertThat(second.currentLsn()).isEqualTo(torn.firstLsn());
        commit(second, 4, insert(4, "after restart"));
        List<Transaction> after = transactions(second);
        assertThat(after).hasSize(3);
        assertThat(changes(drainAll(second).get(2))).containsExactly(insert(4, "after restart"));
        assertThat(after.get(2).commitLsn()).isGreaterThan(before.get(1).endLsn());
    }

    private List<WalItem> drainAll(WalService wal) throws Exception {
        try (WalStream s = wal.openStream(Lsn.INVALID)) {
            return drain(s);
        }
    }

    @Test
    void aCorruptRecordEndsTheWalAtOpen() throws Exception {
        WalMapping first = open();
        commit(first, 1, insert(1, "a"));
        commit(first, 2, insert(2, "b"));
        commit(first, 3, insert(3, "c"));
        List<Transaction> before = transactions(first);
        Lsn flip = before.get(1).commitLsn().plus(12); // inside the second transaction's PREPARE payload
        try (RandomAccessFile f = new RandomAccessFile(segmentOf(first, flip).toFile(), "rw")) {
            long pos = flip.value() % first.segmentSize();
            f.seek(pos);
            int b = f.read();
            f.seek(pos);
            f.write(b ^ 0x40);
        }
        WalMapping second = open();
        assertThat(transactions(second)).containsExactly(before.get(0));
        assertThat(second.currentLsn()).isEqualTo(before.get(1).firstLsn());
    }

    @Test
    void aTransactionWithoutItsPrepareAtTheEndIsCutOff() throws Exception {
        WalMapping first = open();
        commit(first, 1, insert(1, "a"));
        Transaction t = transactions(first).get(0);
        commit(first, 2, insert(2, "b"));
        Transaction t2 = transactions(first).get(1);
        // zero the PREPARE of the second transaction: BEGIN and CHANGE are whole, PREPARE missing
        try (RandomAccessFile f = new RandomAccessFile(segmentOf(first, t2.commitLsn()).toFile(), "rw")) {
            f.seek(t2.commitLsn().value() % first.segmentSize());
            f.write(new byte[64]);
        }
        WalMapping second = open();
        assertThat(transactions(second)).containsExactly(t);
        assertThat(second.currentLsn()).isEqualTo(t2.firstLsn());
    }

    @Test
    void segmentsRollOverAndOldOnesAreRemovedOnlyWhenNotNeeded() throws Exception {
        WalMapping wal = open();
        Lsn start = wal.currentLsn();
        String big = "x".repeat(4000);
        List<Lsn> commits = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            commits.add(commit(wal, i, insert(i, big), insert(i + 1000, big)));
        }
        assertThat(segmentFiles()).hasSizeGreaterThan(5).first().isEqualTo("000000010000000000000001");
        assertThat(transactions(wal)).hasSize(60);
        Lsn keep = commits.get(40);
        wal.retainFrom(keep);
        long keptSegment = keep.value() / SMALL_SEGMENT;
        assertThat(segmentFiles()).allSatisfy(n -> assertThat(Long.parseLong(n.substring(16), 16)).isGreaterThanOrEqualTo(keptSegment));
        try (WalStream s = wal.openStream(keep)) {
            assertThat(drain(s)).hasSize(20);
        }
        assertThatThrownBy(() -> wal.openStream(start))
                .isInstanceOf(PgException.class)
                .hasMessage("requested WAL segment 000000010000000000000001 has already been removed")
                .extracting(e -> ((PgException) e).sqlState()).isEqualTo("58P01");
        wal.close();
        WalMapping reopened = open();
        assertThat(reopened.oldestLsn().value()).isEqualTo(keptSegment * SMALL_SEGMENT + 32);
        try (WalStream s = reopened.openStream(keep)) {
            assertThat(drain(s)).hasSize(20);
        }
        commit(reopened, 100, insert(1, "more"));
        reopened.retainFrom(reopened.currentLsn());
        assertThat(segmentFiles()).hasSize(1);
    }

    @Test
    void aPendingTransactionKeepsItsSegmentsAcrossRestartAndIsResolvedAfterCrashWithoutState() throws Exception {
        WalMapping first = open();
        TransactionLog t = first.begin();
        t.add(insert(1, "pending"));
        t.prepare(7, Instant.now());
        Files.delete(dir.resolve("wal").resolve("wal.state"));
        WalMapping second = open();
        assertThat(second.pending()).containsExactly(7L);
        second.retainFrom(second.currentLsn());
        second.resolve(7, true);
        assertThat(transactions(second)).hasSize(1);
    }

    private List<String> segmentFiles() throws Exception {
        try (Stream<Path> files = Files.list(dir.resolve("wal"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9A-F]{24}")).sorted().toList();
        }
    }
}
