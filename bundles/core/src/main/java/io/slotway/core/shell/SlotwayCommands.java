package io.slotway.core.shell;

import io.slotway.api.PgException;
import io.slotway.api.change.Lsn;
import io.slotway.api.decoding.OutputPlugin;
import io.slotway.core.replication.ReplicationServices;
import io.slotway.core.replication.ReplicationServices.SlotState;
import io.slotway.core.replication.ReplicationServices.StreamState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo shell commands for operators, scope {@code slotway}: {@code slots}, {@code drop-slot NAME},
 * {@code plugins}, {@code watchers}, {@code lag}. Each returns a psql-style table (Gogo prints it) or
 * throws {@link CommandException} with PostgreSQL's message. Gogo finds a command by the
 * {@code osgi.command.*} service properties; core does not import Gogo's API (a function whose name
 * is not a Java identifier, like {@code drop-slot}, reaches {@link #_main}).
 */
@Component(service = SlotwayCommands.class, immediate = true, property = {
        "osgi.command.scope=slotway",
        "osgi.command.function=slots",
        "osgi.command.function=drop-slot",
        "osgi.command.function=plugins",
        "osgi.command.function=watchers",
        "osgi.command.function=lag"})
public final class SlotwayCommands {
    /** The watcher SPI's service interface and name property, by name: core does not wire to that package. */
    static final String WATCHER_SERVICE = "io.slotway.api.watch.SchemaWatcher";
    static final String WATCHER_NAME = "watcher.name";
    /** The pid slot operations from the shell run as: no backend has it, so every active slot is someone else's. */
    static final int SHELL_PID = 0;
    static final String MISSING = "missing";

    /** A bundle as the commands show it. */
    record BundleInfo(long id, String symbolicName, String version) {
        @Override
        public String toString() {
            return symbolicName + " " + version;
        }
    }

    /** One registered service: its properties and the bundle that registered it. */
    record Registration(Map<String, Object> properties, BundleInfo bundle) {}

    /** What the commands need of the framework; the component reads it from its BundleContext, tests fake it. */
    interface Framework {
        /** Every service registered under {@code className}, whatever its class space. */
        List<Registration> services(String className);

        /** The bundle with this id, or null when it is gone. */
        BundleInfo bundle(long id);
    }

    @Reference
    private ReplicationServices replication;

    private Framework framework;

    /** For Declarative Services. */
    public SlotwayCommands() {}

    /** For tests: wired by hand. */
    SlotwayCommands(ReplicationServices replication, Framework framework) {
        this.replication = replication;
        this.framework = framework;
    }

    @Activate
    void activate(BundleContext context) {
        framework = new ContextFramework(context);
    }

    /** {@code slotway:slots}: every slot as pg_replication_slots shows it, and which plugin bundle serves it. */
    public String slots() {
        TextTable t = new TextTable("slot_name", "plugin", "slot_type", "temporary", "active", "active_pid",
                "restart_lsn", "confirmed_flush_lsn", "served_by");
        for (SlotState s : replication.slots()) {
            t.row(s.name(), s.plugin(), "logical", bool(s.temporary()), bool(s.active()),
                    s.active() ? Integer.toString(s.activePid()) : "", s.restartLsn(), s.confirmedFlush(),
                    servedBy(s.plugin()));
        }
        return t.toString();
    }

    /**
     * {@code slotway:drop-slot NAME}: pg_drop_replication_slot's rules: 42704 when there is no such slot,
     * 55006 {@code replication slot "x" is active for PID n} when a backend uses it (no waiting).
     */
    public String dropSlot(String name) throws CommandException {
        try {
            replication.dropSlot(name, false, SHELL_PID);
        } catch (PgException e) {
            throw new CommandException(e);
        }
        return "dropped replication slot \"" + name + "\"\n";
    }

    /** {@code slotway:plugins}: every registered output plugin, its bundle, the slots using it and their streams. */
    public String plugins() {
        List<SlotState> slots = replication.slots();
        List<StreamState> streams = replication.streams();
        List<Registration> regs = new ArrayList<>(framework.services(OutputPlugin.class.getName()));
        regs.sort(Comparator.comparing((Registration r) -> String.valueOf(r.properties().get(OutputPlugin.PLUGIN_NAME)))
                .thenComparing(r -> r.bundle().id()));
        TextTable t = new TextTable("plugin", "bundle", "version", "serving", "slots", "active_streams");
        for (Registration r : regs) {
            Object nameProperty = r.properties().get(OutputPlugin.PLUGIN_NAME);
            if (nameProperty == null) {
                continue; // core ignores a plugin without a name
            }
            String name = nameProperty.toString();
            Map<String, Object> served = replication.pluginProperties(name);
            boolean serving = served != null
                    && String.valueOf(served.get(Constants.SERVICE_ID)).equals(String.valueOf(r.properties().get(Constants.SERVICE_ID)));
            List<String> using = new ArrayList<>();
            for (SlotState s : slots) {
                if (s.plugin().equals(name)) {
                    using.add(s.name());
                }
            }
            long active = serving ? streams.stream().filter(s -> name.equals(s.plugin())).count() : 0;
            t.row(name, r.bundle().symbolicName(), r.bundle().version(), bool(serving), String.join(",", using), active);
        }
        return t.toString();
    }

    /** {@code slotway:watchers}: every registered schema-change watcher and its bundle. */
    public String watchers() {
        List<Registration> regs = new ArrayList<>(framework.services(WATCHER_SERVICE));
        regs.sort(Comparator.comparing((Registration r) -> String.valueOf(r.properties().get(WATCHER_NAME)))
                .thenComparing(r -> r.bundle().id()));
        TextTable t = new TextTable("watcher", "bundle", "version");
        for (Registration r : regs) {
            Object name = r.properties().get(WATCHER_NAME);
            t.row(name == null ? "" : name, r.bundle().symbolicName(), r.bundle().version());
        }
        return t.toString();
    }

    /**
     * {@code slotway:lag}: for each slot and the stream serving it (if any), the end of durable WAL, the
     * stream's sent position and the write/flush positions its client reported, the slot's
     * confirmed_flush_lsn, and lag_bytes = end of WAL minus confirmed_flush_lsn (what a restart would
     * send again or has still to send).
     */
    public String lag() {
        Lsn current = replication.flushedLsn();
        Map<String, StreamState> bySlot = new HashMap<>();
        for (StreamState s : replication.streams()) {
            if (s.slot() != null) {
                bySlot.put(s.slot(), s);
            }
        }
        TextTable t = new TextTable("slot_name", "pid", "current_lsn", "sent_lsn", "write_lsn", "flush_lsn",
                "confirmed_flush_lsn", "lag_bytes");
        for (SlotState s : replication.slots()) {
            StreamState st = bySlot.get(s.name());
            t.row(s.name(), st == null ? "" : st.pid(), current, st == null ? "" : st.sent(),
                    st == null ? "" : lsn(st.write()), st == null ? "" : lsn(st.flush()), s.confirmedFlush(),
                    Math.max(0, current.value() - s.confirmedFlush().value()));
        }
        return t.toString();
    }

    /**
     * Gogo calls this for a function with no method of its name ({@code drop-slot}), and for a known one
     * given arguments it does not take; {@code argv[0]} is the function.
     */
    public String _main(String... argv) throws CommandException {
        String function = argv.length == 0 ? "" : argv[0];
        String[] args = Arrays.copyOfRange(argv, Math.min(1, argv.length), argv.length);
        switch (function) {
            case "drop-slot":
                if (args.length != 1) {
                    throw new CommandException("usage: slotway:drop-slot NAME");
                }
                return dropSlot(args[0]);
            case "slots":
            case "plugins":
            case "watchers":
            case "lag":
                throw new CommandException("usage: slotway:" + function + " (no arguments)");
            default:
                throw new CommandException("unknown command: slotway:" + function);
        }
    }

    private String servedBy(String plugin) {
        Map<String, Object> served = replication.pluginProperties(plugin);
        Object id = served == null ? null : served.get(Constants.SERVICE_BUNDLEID);
        BundleInfo b = id instanceof Number n ? framework.bundle(n.longValue()) : null;
        return b == null ? MISSING : b.toString();
    }

    private static String bool(boolean b) {
        return b ? "t" : "f";
    }

    /** An LSN a client has not reported yet shows empty, as pg_stat_replication's NULL. */
    private static String lsn(Lsn l) {
        return l.isValid() ? l.toString() : "";
    }

    /** The framework through the component's BundleContext. */
    private static final class ContextFramework implements Framework {
        private final BundleContext context;

        ContextFramework(BundleContext context) {
            this.context = context;
        }

        @Override
        public List<Registration> services(String className) {
            ServiceReference<?>[] refs;
            try {
                refs = context.getAllServiceReferences(className, null);
            } catch (InvalidSyntaxException e) {
                throw new IllegalStateException(e);
            }
            List<Registration> out = new ArrayList<>();
            if (refs == null) {
                return out;
            }
            for (ServiceReference<?> ref : refs) {
                Bundle b = ref.getBundle();
                if (b == null) {
                    continue; // unregistered meanwhile
                }
                Map<String, Object> props = new HashMap<>();
                for (String key : ref.getPropertyKeys()) {
                    props.put(key, ref.getProperty(key));
                }
                out.add(new Registration(props, info(b)));
            }
            return out;
        }

        @Override
        public BundleInfo bundle(long id) {
            Bundle b = context.getBundle(id);
            return b == null ? null : info(b);
        }

        private static BundleInfo info(Bundle b) {
            return new BundleInfo(b.getBundleId(), b.getSymbolicName(), b.getVersion().toString());
        }
    }
}
