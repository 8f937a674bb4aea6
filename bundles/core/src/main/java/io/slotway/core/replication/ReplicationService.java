package io.slotway.core.replication;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.Lsn;
import io.slotway.api.decoding.OutputPlugin;
import io.slotway.core.slot.SlotManager;
import io.slotway.core.wal.WalService;
import io.slotway.core.wal.WalStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The WAL, the slots and the output plugins, put together for the replication protocol and the
 * replication SQL functions. Output plugins are tracked dynamically by {@code plugin.name}: installing,
 * updating or removing a plugin bundle never needs a restart.
 */
@Component(name = ReplicationService.PID, configurationPid = ReplicationService.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true, service = ReplicationServices.class)
@Designate(ocd = ReplicationService.Config.class)
public final class ReplicationService implements ReplicationServices {
    public static final String PID = "io.slotway.replication";
    static final long DEFAULT_WAL_SENDER_TIMEOUT_MS = 60_000;
    static final long DROP_WAIT_SECONDS = 60;

    @ObjectClassDefinition(name = "Slotway replication", description = "Logical replication streams.")
    public @interface Config {
        @AttributeDefinition(name = "wal_sender_timeout",
                description = "Milliseconds without a reply after which a stream is ended; 0 = never.")
        long wal_sender_timeout() default DEFAULT_WAL_SENDER_TIMEOUT_MS;
    }

    @Reference
    private WalService wal;

    @Reference
    private SlotManager slotManager;

    /** A plugin service as tracked: the object and its service properties. */
    private record Served(OutputPlugin plugin, Map<String, Object> properties) {}

    private final Map<String, Served> plugins = new ConcurrentHashMap<>();
    private final Set<WalSender> senders = ConcurrentHashMap.newKeySet();
    private long walSenderTimeout = DEFAULT_WAL_SENDER_TIMEOUT_MS;

    /** For Declarative Services. */
    public ReplicationService() {}

    /** For tests: wired by hand. */
    public ReplicationService(WalService wal, SlotManager slotManager) {
        this.wal = wal;
        this.slotManager = slotManager;
    }

    @Activate
    void activate(Config config) {
        walSenderTimeout = config.wal_sender_timeout();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void addPlugin(OutputPlugin plugin, Map<String, Object> properties) {
        Object name = properties.get(OutputPlugin.PLUGIN_NAME);
        if (name != null) {
            plugins.put(name.toString(), new Served(plugin, Map.copyOf(properties)));
        }
    }

    public void removePlugin(OutputPlugin plugin, Map<String, Object> properties) {
        Object name = properties.get(OutputPlugin.PLUGIN_NAME);
        if (name != null) {
            plugins.computeIfPresent(name.toString(), (n, served) -> served.plugin() == plugin ? null : served);
        }
    }

    @Override
    public long systemIdentifier() {
        return wal.systemIdentifier();
    }

    @Override
    public int timeline() {
        return wal.timeline();
    }

    @Override
    public Lsn flushedLsn() {
        return wal.flushedLsn();
    }

    @Override
    public SlotState createSlot(String name, String plugin, boolean temporary, boolean twoPhase, int ownerPid)
            throws PgException {
        // PostgreSQL checks the slot's name and room first, then loads the plugin, then creates the slot.
        slotManager.checkCreatable(name);
        plugin(plugin);
        return state(slotManager.create(name, plugin, temporary, twoPhase, ownerPid, wal.flushedLsn()));
    }

    @Override
    public void dropSlot(String name, boolean waitForRelease, int pid) throws PgException {
        slotManager.drop(name, pid, waitForRelease, Duration.ofSeconds(DROP_WAIT_SECONDS));
    }

    @Override
    public SlotState slot(String name) {
        return slotManager.get(name).map(ReplicationService::state).orElse(null);
    }

    @Override
    public List<SlotState> slots() {
        List<SlotState> out = new ArrayList<>();
        for (SlotManager.Slot s : slotManager.list()) {
            out.add(state(s));
        }
        return out;
    }

    @Override
    public SlotState acquire(String name, int pid) throws PgException {
        return state(slotManager.acquire(name, pid));
    }

    @Override
    public void release(String name, int pid) {
        slotManager.release(name, pid);
    }

    @Override
    public void confirm(String name, Lsn flush) {
        try {
            slotManager.confirm(name, flush);
        } catch (PgException e) {
            // the slot was dropped meanwhile: nothing to move
        }
    }

    @Override
    public void backendEnded(int pid) {
        slotManager.releaseAll(pid);
    }

    @Override
    public OutputPlugin plugin(String name) throws PgException {
        Served p = plugins.get(name);
        if (p == null) {
            // What PostgreSQL says when it cannot load the plugin's library.
            throw new PgException("58P01", "could not access file \"" + name + "\": No such file or directory");
        }
        return p.plugin();
    }

    @Override
    public boolean pluginCurrent(String name, OutputPlugin plugin) {
        Served p = plugins.get(name);
        return p != null && p.plugin() == plugin;
    }

    @Override
    public Map<String, Object> pluginProperties(String name) {
        Served p = plugins.get(name);
        return p == null ? null : p.properties();
    }

    @Override
    public void streamStarted(WalSender sender) {
        senders.add(sender);
    }

    @Override
    public void streamEnded(WalSender sender) {
        senders.remove(sender);
    }

    @Override
    public List<StreamState> streams() {
        List<StreamState> out = new ArrayList<>();
        for (WalSender s : senders) {
            out.add(s.state());
        }
        out.sort(java.util.Comparator.comparingInt(StreamState::pid));
        return out;
    }

    @Override
    public StreamLag streamLag(int pid) {
        for (WalSender s : senders) {
            if (s.pid() == pid) {
                return s.lag();
            }
        }
        return null;
    }

    @Override
    public java.util.Optional<io.slotway.api.change.Publication> publication(String name, Lsn at) {
        return wal.publication(name, at);
    }

    @Override
    public WalStream stream(Lsn from) throws PgException {
        return wal.openStream(from);
    }

    @Override
    public long walSenderTimeoutMillis() {
        return walSenderTimeout;
    }

    private static SlotState state(SlotManager.Slot s) {
        return new SlotState(s.name(), s.plugin(), s.temporary(), s.twoPhase(), s.active(), s.activePid(),
                s.restartLsn(), s.confirmedFlushLsn());
    }
}
