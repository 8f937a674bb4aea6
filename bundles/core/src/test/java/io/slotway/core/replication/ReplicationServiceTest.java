package io.slotway.core.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.api.PgException;
import io.slotway.api.decoding.OutputPlugin;
import io.slotway.core.slot.SlotManager;
import io.slotway.core.wal.WalMapping;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plugin tracking and slot creation as PostgreSQL orders its checks. */
class ReplicationServiceTest {
    @TempDir
    Path dir;

    private WalMapping wal;
    private ReplicationService replication;
    private final OutputPlugin plugin = ctx -> null;

    @BeforeEach
    void open() throws Exception {
        wal = WalMapping.open(dir, 1 << 16, true);
        replication = new ReplicationService(wal, SlotManager.open(dir, 2, wal));
        replication.addPlugin(plugin, Map.of(OutputPlugin.PLUGIN_NAME, "test_decoding", "service.bundleid", 7L));
    }

    @AfterEach
    void close() {
        wal.close();
    }

    private static PgException error(ThrowingRunnable r) {
        try {
            r.run();
        } catch (PgException e) {
            return e;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no error");
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void anUnknownPluginIsPostgresErrorForALibraryItCannotLoad() {
        PgException e = error(() -> replication.createSlot("s", "nope", false, false, 1));
        assertThat(e.sqlState()).isEqualTo("58P01");
        assertThat(e.getMessage()).isEqualTo("could not access file \"nope\": No such file or directory");
        assertThat(replication.slots()).isEmpty();
    }

    @Test
    void slotChecksComeBeforeThePluginIsLoadedAsInPostgres() throws Exception {
        replication.createSlot("s", "test_decoding", false, false, 1);
        assertThat(error(() -> replication.createSlot("s", "nope", false, false, 1)).sqlState()).isEqualTo("42710");
        assertThat(error(() -> replication.createSlot("Bad", "nope", false, false, 1)).sqlState()).isEqualTo("42602");
        replication.createSlot("t", "test_decoding", false, false, 1);
        assertThat(error(() -> replication.createSlot("u", "nope", false, false, 1)).sqlState()).isEqualTo("53400");
    }

    @Test
    void removingOrReplacingAPluginEndsItsCurrency() throws Exception {
        assertThat(replication.pluginCurrent("test_decoding", plugin)).isTrue();
        assertThat(replication.pluginProperties("test_decoding")).containsEntry("service.bundleid", 7L);

        OutputPlugin updated = ctx -> null;
        replication.addPlugin(updated, Map.of(OutputPlugin.PLUGIN_NAME, "test_decoding", "service.bundleid", 8L));
        // the old registration going away after the new one arrived leaves the new one in place
        replication.removePlugin(plugin, Map.of(OutputPlugin.PLUGIN_NAME, "test_decoding"));
        assertThat(replication.pluginCurrent("test_decoding", plugin)).isFalse();
        assertThat(replication.plugin("test_decoding")).isSameAs(updated);
        assertThat(replication.pluginProperties("test_decoding")).containsEntry("service.bundleid", 8L);

        replication.removePlugin(updated, Map.of(OutputPlugin.PLUGIN_NAME, "test_decoding"));
        assertThat(replication.pluginProperties("test_decoding")).isNull();
        assertThatThrownBy(() -> replication.plugin("test_decoding")).hasMessageContaining("could not access file");
    }
}
