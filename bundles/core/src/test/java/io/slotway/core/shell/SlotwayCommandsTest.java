package io.slotway.core.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.api.change.Lsn;
import io.slotway.api.decoding.OutputPlugin;
import io.slotway.core.replication.ReplicationService;
import io.slotway.core.replication.ReplicationServices;
import io.slotway.core.shell.SlotwayCommands.BundleInfo;
import io.slotway.core.shell.SlotwayCommands.Registration;
import io.slotway.core.slot.SlotManager;
import io.slotway.core.wal.WalMapping;
import io.slotway.core.wal.WalStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shell commands, built with new: a real WAL, slots and replication service, and a fake framework. */
class SlotwayCommandsTest {
    private static final BundleInfo TEST_DECODING = new BundleInfo(7, "io.slotway.decoder.testdecoding", "0.1.0.SNAPSHOT");
    private static final BundleInfo WAL2JSON = new BundleInfo(8, "io.slotway.decoder.wal2json", "0.1.0.SNAPSHOT");
    private static final BundleInfo DMS = new BundleInfo(9, "io.slotway.watcher.dmsddl", "0.2.0");

    @TempDir
    Path dir;

    private WalMapping wal;
    private ReplicationService replication;
    private final FakeFramework framework = new FakeFramework();
    private final List<ReplicationServices.StreamState> streams = new ArrayList<>();
    private SlotwayCommands commands;

    private static final class FakeFramework implements SlotwayCommands.Framework {
        final Map<String, List<Registration>> services = new HashMap<>();
        final Map<Long, BundleInfo> bundles = new HashMap<>();

        @Override public List<Registration> services(String className) {
            return services.getOrDefault(className, List.of());
        }
        @Override public BundleInfo bundle(long id) {
            return bundles.get(id);
        }

        Map<String, Object> register(String className, BundleInfo bundle, long serviceId, String key, String name) {
            bundles.put(bundle.id(), bundle);
            Map<String, Object> props = Map.of(key, name, "service.id", serviceId, "service.bundleid", bundle.id());
            services.computeIfAbsent(className, k -> new ArrayList<>()).add(new Registration(props, bundle));
            return props;
        }
    }

    @BeforeEach
    void open() throws Exception {
        wal = WalMapping.open(dir, 1 << 16, true);
        replication = new ReplicationService(wal, SlotManager.open(dir, 5, wal));
        commands = new SlotwayCommands(new Streams(replication), framework);
    }

    @AfterEach
    void close() {
        wal.close();
    }

    private void plugin(String name, BundleInfo bundle, long serviceId) {
        replication.addPlugin(ctx -> null,
                framework.register(OutputPlugin.class.getName(), bundle, serviceId, OutputPlugin.PLUGIN_NAME, name));
    }

    @Test
    void slotsShowsEverySlotAndTheBundleServingItsPlugin() throws Exception {
        plugin("test_decoding", TEST_DECODING, 40);
        plugin("wal2json", WAL2JSON, 41);
        replication.createSlot("a", "test_decoding", false, false, 0);
        replication.createSlot("b", "wal2json", true, false, 12);
        Lsn at = wal.flushedLsn();

        String out = commands.slots();

        assertThat(out.lines()).containsExactly(
                " slot_name |    plugin     | slot_type | temporary | active | active_pid | restart_lsn | confirmed_flush_lsn |                   served_by",
                "-----------+---------------+-----------+-----------+--------+------------+-------------+---------------------+------------------------------------------------",
                " a         | test_decoding | logical   | f         | f      |            | " + pad(at, 11) + " | " + pad(at, 19) + " | io.slotway.decoder.testdecoding 0.1.0.SNAPSHOT",
                " b         | wal2json      | logical   | t         | t      | 12         | " + pad(at, 11) + " | " + pad(at, 19) + " | io.slotway.decoder.wal2json 0.1.0.SNAPSHOT",
                "(2 rows)");
    }

    @Test
    void slotsSaysMissingWhenNoBundleServesThePlugin() throws Exception {
        plugin("wal2json", WAL2JSON, 41);
        replication.createSlot("b", "wal2json", false, false, 0);
        replication.removePlugin(null, Map.of(OutputPlugin.PLUGIN_NAME, "other"));
        replication.removePlugin(replication.plugin("wal2json"), Map.of(OutputPlugin.PLUGIN_NAME, "wal2json"));

        assertThat(commands.slots().lines().skip(2).findFirst().orElseThrow()).endsWith("| missing");
    }

    @Test
    void dropSlotFollowsPostgresRules() throws Exception {
        plugin("test_decoding", TEST_DECODING, 40);
        replication.createSlot("s", "test_decoding", false, false, 0);
        replication.acquire("s", 4242);

        assertThatThrownBy(() -> commands.dropSlot("s"))
                .isInstanceOf(CommandException.class)
                .hasMessage("ERROR:  replication slot \"s\" is active for PID 4242")
                .satisfies(e -> assertThat(((CommandException) e).sqlState()).isEqualTo("55006"));
        assertThatThrownBy(() -> commands._main("drop-slot", "nope"))
                .hasMessage("ERROR:  replication slot \"nope\" does not exist");

        replication.release("s", 4242);
        assertThat(commands._main("drop-slot", "s")).isEqualTo("dropped replication slot \"s\"\n");
        assertThat(replication.slots()).isEmpty();
    }

    @Test
    void mainRefusesUnknownFunctionsAndWrongArguments() {
        assertThatThrownBy(() -> commands._main("drop-slot")).hasMessage("usage: slotway:drop-slot NAME");
        assertThatThrownBy(() -> commands._main("slots", "x")).hasMessage("usage: slotway:slots (no arguments)");
        assertThatThrownBy(() -> commands._main("nope")).hasMessage("unknown command: slotway:nope");
    }

    @Test
    void pluginsListsEveryRegistrationWithItsSlotsAndStreams() throws Exception {
        plugin("test_decoding", TEST_DECODING, 40);
        plugin("wal2json", WAL2JSON, 41);
        // a second bundle registering the same name: core serves the one it got last
        BundleInfo newer = new BundleInfo(10, "io.slotway.decoder.wal2json", "0.2.0");
        plugin("wal2json", newer, 42);
        replication.createSlot("j1", "wal2json", false, false, 0);
        replication.createSlot("j2", "wal2json", false, false, 0);
        replication.createSlot("td", "test_decoding", false, false, 0);
        streams.add(new ReplicationServices.StreamState(100, "j1", "wal2json", Lsn.of(5), Lsn.INVALID, Lsn.INVALID, Lsn.INVALID));

        assertThat(commands.plugins().lines()).containsExactly(
                "    plugin     |             bundle              |    version     | serving | slots | active_streams",
                "---------------+---------------------------------+----------------+---------+-------+----------------",
                " test_decoding | io.slotway.decoder.testdecoding | 0.1.0.SNAPSHOT | t       | td    | 0",
                " wal2json      | io.slotway.decoder.wal2json     | 0.1.0.SNAPSHOT | f       | j1,j2 | 0",
                " wal2json      | io.slotway.decoder.wal2json     | 0.2.0          | t       | j1,j2 | 1",
                "(3 rows)");
    }

    @Test
    void watchersListsWatcherServicesByName() {
        framework.register(SlotwayCommands.WATCHER_SERVICE, DMS, 50, SlotwayCommands.WATCHER_NAME, "dms-ddl");
        framework.register(SlotwayCommands.WATCHER_SERVICE, TEST_DECODING, 51, SlotwayCommands.WATCHER_NAME, "audit");

        assertThat(commands.watchers().lines()).containsExactly(
                " watcher |             bundle              |    version",
                "---------+---------------------------------+----------------",
                " audit   | io.slotway.decoder.testdecoding | 0.1.0.SNAPSHOT",
                " dms-ddl | io.slotway.watcher.dmsddl       | 0.2.0",
                "(2 rows)");
        framework.services.clear();
        assertThat(commands.watchers()).endsWith("(0 rows)\n");
    }

    @Test
    void lagShowsPositionsPerSlotAndStream() throws Exception {
        plugin("test_decoding", TEST_DECODING, 40);
        replication.createSlot("idle", "test_decoding", false, false, 0);
        replication.createSlot("busy", "test_decoding", false, false, 0);
        Lsn confirmed = wal.flushedLsn();
        streams.add(new ReplicationServices.StreamState(77, "busy", "test_decoding", confirmed.plus(0x40),
                confirmed.plus(0x30), confirmed.plus(0x20), confirmed.plus(0x20)));
        Lsn current = confirmed.plus(0x100);
        Streams services = new Streams(replication) {
            @Override public Lsn flushedLsn() { return current; }
        };
        commands = new SlotwayCommands(services, framework);

        List<String> lines = commands.lag().lines().toList();
        assertThat(lines.get(0)).isEqualTo(" slot_name | pid | current_lsn | sent_lsn | write_lsn | flush_lsn | confirmed_flush_lsn | lag_bytes");
        assertThat(lines.get(2)).isEqualTo(" busy      | 77  | " + pad(current, 11) + " | " + pad(confirmed.plus(0x40), 8) + " | "
                + pad(confirmed.plus(0x30), 9) + " | " + pad(confirmed.plus(0x20), 9) + " | " + pad(confirmed, 19) + " | 256");
        assertThat(lines.get(3)).isEqualTo(" idle      |     | " + pad(current, 11) + " |          |           |           | "
                + pad(confirmed, 19) + " | 256");
    }

    private static String pad(Lsn lsn, int width) {
        return String.format("%-" + width + "s", lsn);
    }

    /** The real replication service with the streams the test says are running. */
    private class Streams implements ReplicationServices {
        private final ReplicationService d;

        Streams(ReplicationService d) {
            this.d = d;
        }

        @Override public List<StreamState> streams() { return streams; }
        @Override public Map<String, Object> pluginProperties(String name) { return d.pluginProperties(name); }
        @Override public long systemIdentifier() { return d.systemIdentifier(); }
        @Override public int timeline() { return d.timeline(); }
        @Override public Lsn flushedLsn() { return d.flushedLsn(); }
        @Override public SlotState createSlot(String n, String p, boolean t, boolean tp, int pid) throws io.slotway.api.PgException {
            return d.createSlot(n, p, t, tp, pid);
        }
        @Override public void dropSlot(String n, boolean w, int pid) throws io.slotway.api.PgException { d.dropSlot(n, w, pid); }
        @Override public SlotState slot(String name) { return d.slot(name); }
        @Override public List<SlotState> slots() { return d.slots(); }
        @Override public SlotState acquire(String name, int pid) throws io.slotway.api.PgException { return d.acquire(name, pid); }
        @Override public void release(String name, int pid) { d.release(name, pid); }
        @Override public void confirm(String name, Lsn flush) { d.confirm(name, flush); }
        @Override public void backendEnded(int pid) { d.backendEnded(pid); }
        @Override public OutputPlugin plugin(String name) throws io.slotway.api.PgException { return d.plugin(name); }
        @Override public WalStream stream(Lsn from) throws io.slotway.api.PgException { return d.stream(from); }
        @Override public long walSenderTimeoutMillis() { return d.walSenderTimeoutMillis(); }
    }
}
