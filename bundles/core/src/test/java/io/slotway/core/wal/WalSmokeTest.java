package io.slotway.core.wal;

import static io.slotway.core.wal.WalFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.slotway.api.change.Lsn;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalSmokeTest {
    @TempDir
    Path dir;

    @Test
    void aCommittedTransactionIsReadBack() throws Exception {
        WalMapping wal = WalMapping.open(dir, SMALL_SEGMENT, true);
        Lsn lsn = commit(wal, 1, insert(1, "a"), insert(2, "b"));
        try (WalStream s = wal.openStream(Lsn.of(1))) {
            List<WalItem> items = drain(s);
            assertThat(items).hasSize(1);
            assertThat(((WalItem.Committed) items.get(0)).transaction().commitLsn()).isEqualTo(lsn);
            assertThat(changes(items.get(0))).containsExactly(insert(1, "a"), insert(2, "b"));
        }
        wal.close();
    }
}
