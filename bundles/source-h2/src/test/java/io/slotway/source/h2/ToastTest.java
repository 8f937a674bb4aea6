package io.slotway.source.h2;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** pglz compressibility as TOAST needs it (the golden suites check the decisions against PostgreSQL end to end). */
class ToastTest {
    @Test
    void repetitiveTextCompressesAndRandomBytesDoNot() {
        byte[] repetitive = "compressible ".repeat(500).getBytes(StandardCharsets.UTF_8);
        int size = Toast.pglzSize(repetitive);
        assertThat(size).isPositive().isLessThan(repetitive.length / 10);

        byte[] random = new byte[6000];
        new Random(7).nextBytes(random);
        assertThat(Toast.pglzSize(random)).isEqualTo(-1);

        assertThat(Toast.pglzSize("short".getBytes(StandardCharsets.UTF_8))).as("under 32 bytes").isEqualTo(-1);
        // no match in the first 1024 output bytes: pglz gives up even if the rest would compress
        byte[] lateRepeats = new byte[4000];
        new Random(8).nextBytes(lateRepeats);
        System.arraycopy("x".repeat(2000).getBytes(StandardCharsets.UTF_8), 0, lateRepeats, 2000, 2000);
        assertThat(Toast.pglzSize(lateRepeats)).isEqualTo(-1);
    }
}
