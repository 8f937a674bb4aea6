package io.slotway.itests.crash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The crash test (DESIGN.md invariants 1 and 2): writers commit and roll back small transactions
 * through pgjdbc while a pgjdbc replication client streams the {@code crash} slot through
 * test_decoding; at seeded random moments Slotway is killed with SIGKILL and started again on the
 * same data directory (sometimes killed again while it recovers), and everyone reconnects. What is asserted is listed in {@link Checks}
 * (T1–T4 on the table, S1–S7 on the stream and the slot).
 *
 * <p>System properties (failsafe passes {@code -D} ones through):
 * {@code slotway.crash.seed} (replay a run: kill delays and every writer's transactions follow from it;
 * thread timing does not), {@code slotway.crash.kills} (default 6), {@code slotway.crash.seconds} (time
 * budget of the streaming test, default 120; the table-only test gets a quarter and half the kills),
 * {@code slotway.crash.writers} (default 4). A soak: {@code -Dslotway.crash.kills=40
 * -Dslotway.crash.seconds=480} (failsafe's fork timeout is 600 s), or the default run in a loop.
 * Each run's work directory, with every Slotway log and crash-report.txt (every transaction and
 * every delivery), is {@code target/itest-work/crash-*}.
 */
class CrashIT {
    private static final long SEED = Long.getLong("slotway.crash.seed", System.nanoTime());
    private static final int KILLS = Integer.getInteger("slotway.crash.kills", 6);
    private static final int SECONDS = Integer.getInteger("slotway.crash.seconds", 120);
    private static final int WRITERS = Integer.getInteger("slotway.crash.writers", 4);

    private static Path work(String name) {
        return Paths.get(System.getProperty("slotway.itest.work", "target/itest-work")).resolve(name);
    }

    private static void runAndVerify(CrashRun run) {
        try {
            run.run();
        } catch (Exception e) {
            throw new AssertionError("crash run stopped with seed " + run.seed + " (replay: -Dslotway.crash.seed=" + run.seed
                    + "): " + run.summary() + "; problems " + run.problems + "; report and logs: " + run.work, e);
        }
        verify(run);
    }

    private static void verify(CrashRun run) {
        Checks checks = Checks.of(run);
        List<String> all = new ArrayList<>(run.problems);
        all.addAll(checks.violations);
        String summary = run.summary() + (run.consumer == null ? "" : ", re-sent after restarts " + checks.resent);
        System.out.println("CrashIT: " + summary);
        StringBuilder message = new StringBuilder()
                .append("crash run failed with seed ").append(run.seed).append(" (replay: -Dslotway.crash.seed=").append(run.seed)
                .append(" -Dslotway.crash.kills=").append(run.kills).append(" -Dslotway.crash.writers=").append(run.writerCount)
                .append(")\n").append(summary).append("\nreport and logs: ").append(run.work).append('\n');
        all.stream().limit(40).forEach(v -> message.append("  ").append(v).append('\n'));
        if (all.size() > 40) {
            message.append("  … and ").append(all.size() - 40).append(" more in crash-report.txt\n");
        }
        assertThat(all).as(message.toString()).isEmpty();
        assertThat(run.killsDone).as(message.toString()).isPositive();
    }

    @Test
    void everyAcknowledgedCommitIsStillInTheTableAfterKillNineAndRestartOnTheSameDataDirectory() throws Exception {
        CrashRun run = new CrashRun(SEED, WRITERS, Math.max(2, KILLS / 2), Math.max(20, SECONDS / 4), false, work("crash-table"));
        System.out.println("CrashIT table-only run, seed " + SEED);
        runAndVerify(run);
    }

    @Test
    void theSlotStreamsEveryAcknowledgedTransactionWholeAndInOrderAcrossKillNineAndResumesFromConfirmedFlush()
            throws Exception {
        CrashRun run = new CrashRun(SEED, WRITERS, KILLS, SECONDS, true, work("crash-stream"));
        System.out.println("CrashIT streaming run, seed " + SEED);
        runAndVerify(run);
    }
}
