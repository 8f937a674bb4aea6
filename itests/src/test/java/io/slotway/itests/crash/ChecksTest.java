package io.slotway.itests.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The crash test's checker on made-up runs: a correct run passes, and each kind of breakage it exists
 * to find (loss, duplication, partial or made-up transactions, reordering, rolled-back changes, re-sends
 * before confirmed_flush, gaps, a slot ahead of its client) is reported under its rule.
 */
class ChecksTest {
    /** A made-up run; the good one unless a test changes it. */
    private static final class Fake {
        final CrashRun run = new CrashRun(1, 2, 1, 1, true, Paths.get("unused"));
        final Writer w1 = new Writer(1, 0, () -> 0, () -> 0, 0);
        final Writer w2 = new Writer(2, 0, () -> 0, () -> 0, 0);
        final Txn w1t0 = txn(w1, 1, 0, Txn.Kind.COMMIT, Txn.Outcome.ACKED);
        final Txn w1t1 = txn(w1, 1, 1, Txn.Kind.ROLLBACK, Txn.Outcome.ROLLED_BACK);
        final Txn w1t2 = txn(w1, 1, 2, Txn.Kind.AUTOCOMMIT, Txn.Outcome.ACKED);
        final Txn w1t3 = txn(w1, 1, 3, Txn.Kind.COMMIT, Txn.Outcome.UNKNOWN);
        final Txn w2t0 = txn(w2, 2, 0, Txn.Kind.COMMIT, Txn.Outcome.ACKED);
        final Txn w2t1 = txn(w2, 2, 1, Txn.Kind.AUTOCOMMIT, Txn.Outcome.UNKNOWN);
        final StreamConsumer consumer = new StreamConsumer("crash", 0, 1, () -> null);
        final StreamConsumer.Session s0 = new StreamConsumer.Session(0, 0, 0x100, 0x100, 0);
        final StreamConsumer.Session s1 = new StreamConsumer.Session(1, 1, 0x200, 0x180, 0x300);

        Fake() {
            w1t0.insert(0, 2);
            w1t0.update(0);
            w1t1.insert(0, 1);
            w1t2.insert(0, 1);
            w1t3.insert(0, 3);
            w1t3.delete(1);
            w2t0.insert(0, 1);
            w2t1.insert(0, 1);
            run.writers.add(w1);
            run.writers.add(w2);
            run.consumer = consumer;
            consumer.sessions.add(s0);
            consumer.sessions.add(s1);
            deliver(s0, w1t0, 0x200);
            deliver(s0, w2t0, 0x300);
            deliver(s1, w2t0, 0x300); // after confirmed_flush 0/200: may come again
            deliver(s1, w1t2, 0x400);
            deliver(s1, w1t3, 0x500);
            for (Txn t : List.of(w1t0, w1t2, w1t3, w2t0)) {
                inTable(t);
            }
        }

        static Txn txn(Writer w, int writer, int seq, Txn.Kind kind, Txn.Outcome outcome) {
            Txn t = new Txn(writer, seq, kind);
            t.outcome = outcome;
            w.txns.add(t);
            return t;
        }

        void inTable(Txn t) {
            t.finalRows.forEach((id, v) -> run.table.put(id, v.clone()));
        }

        static void deliver(StreamConsumer.Session s, Txn t, long commit) {
            deliver(s, t, commit, t.expectedLines);
        }

        static void deliver(StreamConsumer.Session s, Txn t, long commit, List<String> lines) {
            s.txns.add(new StreamConsumer.Delivered(s.index, 1000 + t.writer * 100 + t.seq, commit - 0x10, commit, lines));
        }
    }

    private static List<String> violations(Consumer<Fake> change) {
        Fake f = new Fake();
        change.accept(f);
        return Checks.of(f.run).violations;
    }

    private static void reports(String rule, Consumer<Fake> change) {
        List<String> v = violations(change);
        assertThat(v).as("violations").isNotEmpty();
        assertThat(v).as("violations").anyMatch(s -> s.startsWith(rule));
    }

    @Test
    void aCorrectRunWithResendsAfterConfirmedFlushPasses() {
        assertThat(violations(f -> { })).isEmpty();
    }

    @Test
    void anAcknowledgedTransactionMissingFromTheTableIsLost() {
        reports("T1 LOST", f -> f.run.table.remove(f.w1t2.id(0)));
    }

    @Test
    void aRolledBackTransactionInTheTableOrStreamIsReported() {
        reports("T2", f -> f.inTable(f.w1t1));
        reports("S4", f -> Fake.deliver(f.s1, f.w1t1, 0x600));
    }

    @Test
    void aTransactionInFlightAtTheKillMustBeWholeOrAbsent() {
        reports("T3 PARTIAL", f -> f.run.table.remove(f.w1t3.id(0)));
        reports("S4", f -> f.inTable(f.w2t1)); // committed in the table, never streamed
    }

    @Test
    void rowsNobodyWroteAreReported() {
        reports("T4", f -> f.run.table.put(Txn.WRITER_BASE * 9, new int[] {9, 0}));
    }

    @Test
    void anAcknowledgedTransactionNeverStreamedIsLost() {
        reports("S4 LOST", f -> f.s1.txns.removeIf(d -> d.commitLsn() == 0x400));
    }

    @Test
    void aPartialOrMergedOrMadeUpTransactionIsReported() {
        reports("S3", f -> {
            f.s1.txns.clear();
            Fake.deliver(f.s1, f.w1t2, 0x400);
            Fake.deliver(f.s1, f.w1t3, 0x500, f.w1t3.expectedLines.subList(0, 2));
        });
        reports("S3", f -> {
            List<String> merged = new ArrayList<>(f.w1t2.expectedLines);
            merged.addAll(f.w1t3.expectedLines);
            f.s1.txns.removeIf(d -> d.commitLsn() >= 0x400);
            Fake.deliver(f.s1, f.w1t2, 0x400, merged);
        });
        reports("S3", f -> f.s1.txns.add(new StreamConsumer.Delivered(1, 77, 0x590, 0x600,
                List.of(Txn.line("INSERT", Txn.WRITER_BASE * 9, 9, 0)))));
    }

    @Test
    void aTransactionInTheWalTwiceIsDuplicated() {
        reports("S3 DUPLICATED", f -> Fake.deliver(f.s1, f.w1t2, 0x600));
    }

    @Test
    void oneCommitLsnSentAsTwoDifferentTransactionsIsReported() {
        reports("S2", f -> {
            f.s1.txns.remove(0);
            f.s1.txns.add(0, new StreamConsumer.Delivered(1, 5555, 0x2f0, 0x300, f.w2t0.expectedLines));
        });
    }

    @Test
    void aWritersTransactionsOutOfItsOwnOrderAreReported() {
        reports("S5 ORDER", f -> {
            f.s1.txns.removeIf(d -> d.commitLsn() >= 0x400);
            Fake.deliver(f.s1, f.w1t3, 0x400);
            Fake.deliver(f.s1, f.w1t2, 0x500);
        });
    }

    @Test
    void resendingAtOrBeforeConfirmedFlushAndSkippingAreReported() {
        reports("S6 RE-SENT", f -> f.s1.txns.add(0, new StreamConsumer.Delivered(1, 1100, 0x1f0, 0x200, f.w1t0.expectedLines)));
        reports("S6 GAP", f -> {
            Fake.deliver(f.s0, f.w1t2, 0x400);
            f.s1.txns.removeIf(d -> d.commitLsn() == 0x400);
        });
    }

    @Test
    void aSlotAheadOfItsClientOrGoingBackIsReported() {
        reports("S7", f -> f.consumer.sessions.set(1, new StreamConsumer.Session(1, 1, 0x400, 0x180, 0x300)));
        reports("S7", f -> f.consumer.sessions.add(new StreamConsumer.Session(2, 2, 0x150, 0x150, 0x500)));
    }
}
