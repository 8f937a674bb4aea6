package io.slotway.core.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The lags of pg_stat_replication, on hand-made samples. */
class LagTrackerTest {
    @Test
    void lagIsTheTimeSinceTheReportedPositionWasSent() {
        LagTracker t = new LagTracker();
        t.write(100, 1_000);
        t.write(200, 2_000);
        // the client wrote up to 100: sent at 1000, now 1500
        assertThat(t.read(LagTracker.WRITE, 100, 1_500)).isEqualTo(500);
        // half way between the samples 100@1000 and 200@2000: interpolated to 1500
        assertThat(t.read(LagTracker.FLUSH, 100, 1_600)).isEqualTo(600);
        assertThat(t.read(LagTracker.FLUSH, 150, 2_500)).isEqualTo(1_000);
        // nothing new passed: nothing to measure
        assertThat(t.read(LagTracker.WRITE, 100, 1_700)).isEqualTo(700); // a stuck position: interpolated from the last sample passed, so its lag grows
    }

    @Test
    void everythingConsumedMeansNoLag() {
        LagTracker t = new LagTracker();
        t.write(100, 1_000);
        assertThat(t.read(LagTracker.APPLY, 100, 3_000)).isEqualTo(2_000);
        assertThat(t.read(LagTracker.APPLY, 100, 4_000)).isEqualTo(-1);
        // a new burst the client has not reached yet: the lag it would have if it reached it now
        t.write(300, 5_000);
        assertThat(t.read(LagTracker.APPLY, 100, 6_000)).isEqualTo(1_000);
        // the same position does not make a second sample
        t.write(300, 7_000);
        assertThat(t.read(LagTracker.APPLY, 300, 8_000)).isEqualTo(3_000);
    }
}
