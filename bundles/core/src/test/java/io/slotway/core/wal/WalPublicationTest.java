package io.slotway.core.wal;

import static io.slotway.core.wal.WalFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.api.PgException;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Publication;
import io.slotway.api.change.Transaction;
import io.slotway.api.change.TransactionLog;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PUBLICATION records and the publication history kept by the WAL mapping. */
class WalPublicationTest {
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

    static Publication pub(String name, long... tables) {
        Set<Long> t = new java.util.HashSet<>();
        for (long x : tables) {
            t.add(x);
        }
        return new Publication(16600 + name.length(), name, false, t, Set.of(), true, true, true, true, false);
    }

    private static Lsn now(WalMapping wal) {
        return wal.currentLsn();
    }

    @Test
    void eachChangeSeesThePublicationAsOfItsRecord() throws Exception {
        WalMapping wal = open();
        TransactionLog t1 = wal.begin();
        t1.add(insert(1, "before"));
        t1.publicationChanged("p", pub("p", 16384));
        t1.add(insert(2, "after create"));
        t1.prepare(1, Instant.now());
        t1.committed();
        TransactionLog t2 = wal.begin();
        t2.add(insert(3, "x"));
        t2.publicationChanged("p", pub("p", 16384, 16385));
        t2.publicationChanged("q", pub("q"));
        t2.prepare(2, Instant.now());
        t2.committed();
        TransactionLog t3 = wal.begin();
        t3.publicationChanged("p", null);
        t3.add(insert(4, "after drop"));
        t3.prepare(3, Instant.now());
        t3.committed();

        List<WalItem> items;
        try (WalStream s = wal.openStream(Lsn.INVALID)) {
            items = drain(s);
        }
        assertThat(items).hasSize(3);
        List<Entry> e1 = entries(items.get(0));
        Transaction tx2 = ((WalItem.Committed) items.get(1)).transaction();
        List<Entry> e2 = entries(items.get(1));
        List<Entry> e3 = entries(items.get(2));
        assertThat(wal.publication("p", tx(items.get(0)).firstLsn())).isEmpty();
        assertThat(wal.publication("p", e1.get(0).lsn())).isEmpty();
        assertThat(wal.publication("p", e1.get(1).lsn())).contains(pub("p", 16384));
        assertThat(wal.publication("p", tx2.firstLsn())).contains(pub("p", 16384));
        assertThat(wal.publication("p", e2.get(0).lsn())).contains(pub("p", 16384));
        assertThat(wal.publication("q", e2.get(0).lsn())).isEmpty();
        assertThat(wal.publication("p", tx2.commitLsn())).contains(pub("p", 16384, 16385));
        assertThat(wal.publication("q", tx2.commitLsn())).contains(pub("q"));
        assertThat(wal.publication("p", tx(items.get(2)).firstLsn())).contains(pub("p", 16384, 16385));
        assertThat(wal.publication("p", e3.get(0).lsn())).isEmpty();
        assertThat(wal.publications()).containsOnlyKeys("q");
        // changes are still delivered as before: the record itself is not an entry
        assertThat(e1).hasSize(2);
        assertThat(e2).hasSize(1);

        wal.close();
        WalMapping again = open();
        assertThat(again.publication("p", e1.get(1).lsn())).contains(pub("p", 16384));
        assertThat(again.publication("p", tx2.commitLsn())).contains(pub("p", 16384, 16385));
        assertThat(again.publication("p", e3.get(0).lsn())).isEmpty();
        assertThat(again.publications()).containsOnlyKeys("q");
    }

    private static Transaction tx(WalItem item) {
        return ((WalItem.Committed) item).transaction();
    }

    @Test
    void abortedTransactionsLeaveNoDefinition() throws Exception {
        WalMapping wal = open();
        TransactionLog before = wal.begin();
        before.publicationChanged("p", pub("p", 1));
        before.abort();
        TransactionLog after = wal.begin();
        after.publicationChanged("p", pub("p", 2));
        after.prepare(1, Instant.now());
        after.abort();
        assertThat(wal.publication("p", now(wal))).isEmpty();
        assertThat(wal.publications()).isEmpty();
        commit(wal, 2, insert(1, "a"));
        wal.close();
        WalMapping again = open();
        assertThat(again.publication("p", now(again))).isEmpty();
        assertThat(again.publicationHistory().read()).isEmpty();
    }

    @Test
    void truncatingToAMarkDropsThePublicationChangesAfterIt() throws Exception {
        WalMapping wal = open();
        TransactionLog t = wal.begin();
        t.publicationChanged("kept", pub("kept"));
        long mark = t.mark();
        t.publicationChanged("gone", pub("gone"));
        t.publicationChanged("kept", null);
        t.truncate(mark);
        t.add(insert(1, "a"));
        t.prepare(1, Instant.now());
        t.committed();
        assertThat(wal.publications()).containsOnlyKeys("kept");
        assertThat(wal.publication("gone", now(wal))).isEmpty();
    }

    @Test
    void aDefinitionMustCarryItsOwnName() throws Exception {
        WalMapping wal = open();
        TransactionLog t = wal.begin();
        assertThatThrownBy(() -> t.publicationChanged("p", pub("other"))).isInstanceOf(PgException.class);
        t.abort();
    }

    @Test
    void aPendingTransactionsDefinitionAppliesOnlyWhenItIsResolvedCommitted() throws Exception {
        WalMapping first = open();
        TransactionLog yes = first.begin();
        yes.publicationChanged("yes", pub("yes"));
        yes.prepare(1, Instant.now());
        TransactionLog no = first.begin();
        no.publicationChanged("no", pub("no"));
        no.prepare(2, Instant.now());
        assertThat(first.publications()).isEmpty();
        // crash: neither committed() nor abort() was called
        WalMapping second = open();
        assertThat(second.pending()).containsExactly(1L, 2L);
        assertThat(second.publications()).isEmpty();
        second.resolve(1, true);
        second.resolve(2, false);
        assertThat(second.publications()).containsOnlyKeys("yes");
        WalMapping third = open();
        assertThat(third.publications()).containsOnlyKeys("yes");
    }

    @Test
    void aPendingTransactionWithoutStateIsFoundByTheScan() throws Exception {
        WalMapping first = open();
        TransactionLog t = first.begin();
        t.publicationChanged("p", pub("p"));
        t.prepare(1, Instant.now());
        java.nio.file.Files.delete(dir.resolve("wal").resolve("wal.state"));
        WalMapping second = open();
        assertThat(second.pending()).containsExactly(1L);
        second.resolve(1, true);
        assertThat(second.publications()).containsOnlyKeys("p");
    }

    @Test
    void anEntryWhoseCommitACrashLostIsDroppedAtOpenAndComesBackOnlyIfCommitted() throws Exception {
        WalMapping first = open();
        TransactionLog t = first.begin();
        t.publicationChanged("p", pub("p"));
        Lsn prepare = t.prepare(1, Instant.now());
        // the history was appended at commit, then the crash lost the (unsynced) COMMIT marker
        long recordLsn = first.publicationHistory().read().isEmpty() ? 0 : -1;
        assertThat(recordLsn).isZero();
        first.publicationHistory().append(List.of(new PublicationHistory.Entry(prepare.value() - 64, prepare.value(), "p", pub("p"))));
        WalMapping second = open();
        assertThat(second.pending()).containsExactly(1L);
        assertThat(second.publications()).isEmpty();
        assertThat(second.publicationHistory().read()).isEmpty();
        second.resolve(1, false);
        WalMapping third = open();
        assertThat(third.publications()).isEmpty();
    }

    @Test
    void theDefinitionOutlivesItsSegmentAndARestart() throws Exception {
        WalMapping wal = open();
        TransactionLog t = wal.begin();
        t.publicationChanged("p", pub("p", 1));
        t.prepare(1, Instant.now());
        t.committed();
        TransactionLog t2 = wal.begin();
        t2.publicationChanged("p", pub("p", 2));
        t2.publicationChanged("old", pub("old"));
        t2.prepare(2, Instant.now());
        t2.committed();
        TransactionLog t3 = wal.begin();
        t3.publicationChanged("old", null);
        t3.prepare(3, Instant.now());
        t3.committed();
        Lsn defined = now(wal);
        String big = "x".repeat(4000);
        for (int i = 0; i < 40; i++) {
            commit(wal, 10 + i, insert(i, big), insert(i + 1000, big));
        }
        Lsn keep = now(wal);
        wal.retainFrom(keep);
        assertThat(wal.oldestLsn().isAfter(defined)).isTrue();
        // compacted: only the last definition of p before the cut is left, the dropped "old" is gone
        assertThat(wal.publicationHistory().entries()).extracting(PublicationHistory.Entry::name).containsExactly("p");
        assertThat(wal.publication("p", wal.oldestLsn())).contains(pub("p", 2));
        assertThat(wal.publication("old", wal.oldestLsn())).isEmpty();
        wal.close();
        WalMapping again = open();
        assertThat(again.publication("p", again.oldestLsn())).contains(pub("p", 2));
        assertThat(again.publications()).containsOnlyKeys("p");
        TransactionLog later = again.begin();
        later.publicationChanged("p", pub("p", 3));
        later.prepare(100, Instant.now());
        later.committed();
        assertThat(again.publication("p", again.oldestLsn())).contains(pub("p", 2));
        assertThat(again.publication("p", now(again))).contains(pub("p", 3));
    }
}
