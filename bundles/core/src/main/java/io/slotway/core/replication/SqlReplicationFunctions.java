package io.slotway.core.replication;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.Lsn;
import io.slotway.api.change.Publication;
import io.slotway.api.decoding.DecodingContext;
import io.slotway.api.decoding.OutputPlugin;
import io.slotway.api.decoding.PluginSession;
import io.slotway.api.source.ReplicationFunctions;
import io.slotway.api.source.SessionContext;
import io.slotway.api.types.SessionFormat;
import io.slotway.core.wal.WalItem;
import io.slotway.core.wal.WalReadException;
import io.slotway.core.wal.WalStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** PostgreSQL's replication SQL functions over the slots, the WAL and the output plugins. */
public final class SqlReplicationFunctions implements ReplicationFunctions {
    /** The OID PostgreSQL gives the {@code postgres} database; Slotway serves one database. */
    private static final long DATABASE_OID = 5;

    private final ReplicationServices services;
    private final String database;

    public SqlReplicationFunctions(ReplicationServices services, String database) {
        this.services = services;
        this.database = database;
    }

    @Override
    public Object[] createLogicalSlot(SessionContext session, String slotName, String plugin, boolean temporary,
                                      boolean twoPhase) throws PgException {
        ReplicationServices.SlotState slot = services.createSlot(slotName, plugin, temporary, twoPhase, session.backendPid());
        return new Object[] {slot.name(), slot.confirmedFlush().value()};
    }

    @Override
    public void dropSlot(SessionContext session, String slotName) throws PgException {
        services.dropSlot(slotName, false, session.backendPid());
    }

    @Override
    public List<Object[]> changes(SessionContext session, String slotName, Lsn uptoLsn, Integer uptoChanges,
                                  boolean peek, boolean binary, List<String> options) throws PgException {
        if (options.size() % 2 != 0) {
            throw new PgException("2202E", "array must have even number of elements");
        }
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 0; i < options.size(); i += 2) {
            if (options.get(i) == null) {
                throw new PgException(SqlState.NULL_VALUE_NOT_ALLOWED, "array must not contain nulls");
            }
            opts.put(options.get(i), options.get(i + 1));
        }
        ReplicationServices.SlotState slot = services.slot(slotName);
        if (slot == null) {
            throw new PgException(SqlState.UNDEFINED_OBJECT, "replication slot \"" + slotName + "\" does not exist");
        }
        OutputPlugin plugin = services.plugin(slot.plugin());
        slot = services.acquire(slotName, session.backendPid());
        List<Object[]> rows = new ArrayList<>();
        try {
            DecodingPosition position = new DecodingPosition(slot.confirmedFlush());
            PluginSession ps = plugin.startup(context(slot.name(), opts, session.format(), !binary, session, position));
            try {
                if (!binary && ps.binaryOutput()) {
                    throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "logical decoding output plugin \""
                            + slot.plugin() + "\" produces binary output, but function \"pg_logical_slot_"
                            + (peek ? "peek" : "get") + "_changes(name,pg_lsn,integer,text[])\" expects textual data");
                }
                Lsn end = services.flushedLsn();
                Lsn confirmTo = slot.confirmedFlush();
                DecodingPump pump = new DecodingPump(ps, slot.confirmedFlush(), position);
                try (WalStream wal = services.stream(slot.confirmedFlush())) {
                    while (true) {
                        WalItem item;
                        try {
                            item = wal.poll(0, TimeUnit.MILLISECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new PgException(SqlState.QUERY_CANCELED, "canceling statement due to user request");
                        }
                        if (item == null || !commitOf(item).isBefore(end)) {
                            confirmTo = Lsn.max(confirmTo, end);
                            break;
                        }
                        if (uptoLsn != null && !commitOf(item).isBefore(uptoLsn)) {
                            break;
                        }
                        pump.feed(item, (lsn, xid, data) -> rows.add(new Object[] {lsn.value(), xid,
                                binary ? data : text(data)}));
                        confirmTo = Lsn.max(confirmTo, DecodingPump.endOf(item));
                        if (uptoChanges != null && uptoChanges > 0 && rows.size() >= uptoChanges) {
                            break;
                        }
                    }
                }
                if (!peek) {
                    services.confirm(slotName, confirmTo);
                }
            } catch (WalReadException e) {
                throw e.error();
            } finally {
                ps.shutdown();
            }
        } finally {
            services.release(slotName, session.backendPid());
        }
        return rows;
    }

    private static Lsn commitOf(WalItem item) {
        return item instanceof WalItem.Committed c ? c.transaction().commitLsn() : ((WalItem.Message) item).lsn();
    }

    @Override
    public Object[] advance(SessionContext session, String slotName, Lsn upto) throws PgException {
        if (upto == null || !upto.isValid()) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "invalid target WAL LSN");
        }
        ReplicationServices.SlotState slot = services.acquire(slotName, session.backendPid());
        try {
            Lsn target = upto.isAfter(services.flushedLsn()) ? services.flushedLsn() : upto;
            if (target.isBefore(slot.confirmedFlush())) {
                throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "cannot advance replication slot to "
                        + target + ", minimum is " + slot.confirmedFlush());
            }
            services.confirm(slotName, target);
            return new Object[] {slotName, target.value()};
        } finally {
            services.release(slotName, session.backendPid());
        }
    }

    @Override
    public List<Object[]> slots() {
        List<Object[]> rows = new ArrayList<>();
        for (ReplicationServices.SlotState s : services.slots()) {
            rows.add(new Object[] {s.name(), s.plugin(), "logical", DATABASE_OID, database, s.temporary(), s.active(),
                    s.active() ? (Object) s.activePid() : null, null, null, s.restartLsn().value(),
                    s.confirmedFlush().value(), "reserved", null, s.twoPhase()});
        }
        return rows;
    }

    private DecodingContext context(String slotName, Map<String, String> options, SessionFormat format,
                                    boolean textual, SessionContext session, DecodingPosition position) {
        Map<String, String> opts = Collections.unmodifiableMap(options);
        return new DecodingContext() {
            @Override public Map<String, String> options() { return opts; }
            @Override public String slotName() { return slotName; }
            @Override public SessionFormat format() { return format; }
            @Override public boolean textualConsumer() { return textual; }
            @Override public void notice(PgException notice) { session.notice(notice); }
            @Override public Optional<Publication> publication(String name) {
                return services.publication(name, position.get());
            }
        };
    }

    /**
     * A change as the {@code text} column of {@code pg_logical_slot_*_changes}. PostgreSQL builds that datum from
     * the plugin's bytes but sends it through text's output function, a C string: the client gets the bytes up
     * to the first NUL (test_decoding's {@code content:} of a bytea message such as {@code '\x00010203ff'}).
     */
    static String text(byte[] data) {
        int n = 0;
        while (n < data.length && data[n] != 0) {
            n++;
        }
        return new String(data, 0, n, StandardCharsets.UTF_8);
    }
}
