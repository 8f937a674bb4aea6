package io.slotway.core.wal;

import static io.slotway.core.wal.WalFixtures.SMALL_SEGMENT;
import static io.slotway.core.wal.WalFixtures.changes;
import static io.slotway.core.wal.WalFixtures.insert;
import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.change.Change;
import io.slotway.api.change.Column;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Relation;
import io.slotway.api.change.TransactionLog;
import io.slotway.api.change.Tuple;
import io.slotway.api.types.PgType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A source takes back changes it logged (failed statement, ROLLBACK TO SAVEPOINT) with mark/truncate. */
class TruncateTest {
    private static final Relation OTHER = new Relation(16390, "public", "other", 'd',
            List.of(new Column("k", PgType.INT8.oid(), -1, true, true)));

    @TempDir
    Path dir;

    /** Commits what survives a truncate, with the buffer in memory (1 MiB) or spilled to disk (1 kB of memory). */
    @ParameterizedTest
    @ValueSource(ints = {1 << 20, 1024})
    void truncateDropsWhatCameAfterTheMarkAndRelationsAreWrittenAgain(int memory) throws Exception {
        WalMapping wal = WalMapping.open(dir, SMALL_SEGMENT, true, memory);
        try {
            TransactionLog t = wal.begin();
            List<Change> expected = new ArrayList<>();
            for (int i = 1; i <= 50; i++) {
                t.add(insert(i, "kept " + i));
                expected.add(insert(i, "kept " + i));
            }
            long mark = t.mark();
            // OTHER's definition is first written after the mark: it must be written again after truncate
            t.add(new Change.Insert(OTHER, new Tuple(7L)));
            for (int i = 0; i < 500; i++) {
                t.add(insert(1000 + i, "taken back"));
            }
            long inner = t.mark();
            t.add(insert(5000, "taken back too"));
            t.truncate(inner);
            t.truncate(mark);
            t.add(new Change.Insert(OTHER, new Tuple(8L)));
            t.add(insert(999, "after"));
            expected.add(new Change.Insert(OTHER, new Tuple(8L)));
            expected.add(insert(999, "after"));
            t.prepare(1, Instant.EPOCH);
            t.committed();
            try (WalStream s = wal.openStream(Lsn.of(1))) {
                WalItem item = s.poll(5, TimeUnit.SECONDS);
                assertThat(changes(item)).isEqualTo(expected);
                assertThat(s.poll(50, TimeUnit.MILLISECONDS)).isNull();
            }
        } finally {
            wal.close();
        }
    }

    @Test
    void aTransactionTruncatedToNothingStillCommitsEmpty() throws Exception {
        WalMapping wal = WalMapping.open(dir, SMALL_SEGMENT, true);
        try {
            TransactionLog t = wal.begin();
            long mark = t.mark();
            t.add(insert(1, "gone"));
            t.truncate(mark);
            t.prepare(1, Instant.EPOCH);
            t.committed();
            try (WalStream s = wal.openStream(Lsn.of(1))) {
                assertThat(changes(s.poll(5, TimeUnit.SECONDS))).isEmpty();
            }
        } finally {
            wal.close();
        }
    }
}
