package io.slotway.source.h2;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.change.Change;
import io.slotway.api.change.Lsn;
import io.slotway.api.source.ReplicationFunctions;
import io.slotway.api.types.PgType;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.h2.tools.SimpleResultSet;
import org.h2.value.Value;
import org.h2.value.ValueNull;

/**
 * PostgreSQL's WAL and replication functions as H2 aliases in schema {@code slotway_meta}; {@link Rewriter}
 * maps PostgreSQL's names to them (the set-returning ones to the table-function form in FROM, to the
 * record form elsewhere). Each finds its session from the connection H2 passes, so the calling session's
 * transaction and {@code SessionContext} are used. H2 also calls table functions with a column-list
 * connection when it plans a query: then they only describe their columns.
 */
public final class ReplicationSql {
    /** The aliases: H2 name and Java method. */
    static final String[][] ALIASES = {
        {"txid_current", "txidCurrent"},
        {"pg_current_wal_lsn", "currentWalLsn"},
        {"pg_is_in_recovery", "isInRecovery"},
        {"pg_last_wal_receive_lsn", "lastWalReceiveLsn"},
        {"pg_logical_emit_message", "emitMessage"},
        {"create_slot", "createSlot"},
        {"create_slot_record", "createSlotRecord"},
        {"drop_slot", "dropSlot"},
        {"slot_get_changes", "getChanges"},
        {"slot_peek_changes", "peekChanges"},
        {"slot_get_binary_changes", "getBinaryChanges"},
        {"slot_peek_binary_changes", "peekBinaryChanges"},
        {"slot_advance", "advance"},
        {"slot_advance_record", "advanceRecord"},
        {"replication_slots", "slots"},
        // H2 has built-in set_config/current_setting (which do not see Slotway's parameters): other names
        {"sw_set_config", "setConfig"},
        {"sw_current_setting", "currentSetting"},
    };

    /** PostgreSQL function name → the alias it is called as, in FROM (table function) and elsewhere (scalar). */
    static final Map<String, String[]> NAMES = Map.ofEntries(
            Map.entry("txid_current", new String[] {"txid_current", "txid_current"}),
            Map.entry("pg_current_wal_lsn", new String[] {"pg_current_wal_lsn", "pg_current_wal_lsn"}),
            Map.entry("pg_is_in_recovery", new String[] {"pg_is_in_recovery", "pg_is_in_recovery"}),
            Map.entry("pg_last_wal_receive_lsn", new String[] {"pg_last_wal_receive_lsn", "pg_last_wal_receive_lsn"}),
            Map.entry("pg_logical_emit_message", new String[] {"pg_logical_emit_message", "pg_logical_emit_message"}),
            Map.entry("pg_create_logical_replication_slot", new String[] {"create_slot", "create_slot_record"}),
            Map.entry("pg_drop_replication_slot", new String[] {"drop_slot", "drop_slot"}),
            Map.entry("pg_logical_slot_get_changes", new String[] {"slot_get_changes", "slot_get_changes"}),
            Map.entry("pg_logical_slot_peek_changes", new String[] {"slot_peek_changes", "slot_peek_changes"}),
            Map.entry("pg_logical_slot_get_binary_changes", new String[] {"slot_get_binary_changes", "slot_get_binary_changes"}),
            Map.entry("pg_logical_slot_peek_binary_changes", new String[] {"slot_peek_binary_changes", "slot_peek_binary_changes"}),
            Map.entry("pg_replication_slot_advance", new String[] {"slot_advance", "slot_advance_record"}),
            Map.entry("set_config", new String[] {"sw_set_config", "sw_set_config"}),
            Map.entry("current_setting", new String[] {"sw_current_setting", "sw_current_setting"}));

    /** The PostgreSQL type of a scalar call's result, where H2's type is not it. */
    static final Map<String, PgType> SCALAR_TYPES = Map.of(
            "pg_current_wal_lsn", PgType.PG_LSN,
            "pg_last_wal_receive_lsn", PgType.PG_LSN,
            "pg_logical_emit_message", PgType.PG_LSN,
            "pg_create_logical_replication_slot", PgType.RECORD,
            "pg_replication_slot_advance", PgType.RECORD,
            "pg_drop_replication_slot", PgType.VOID);

    /** The functions above that return boolean. */
    static final java.util.Set<String> BOOLEAN_FUNCTIONS = java.util.Set.of("pg_is_in_recovery");

    private static final Map<String, PgType> CHANGE_COLUMNS = Map.of("lsn", PgType.PG_LSN, "xid", PgType.XID, "data", PgType.TEXT);
    private static final Map<String, PgType> BINARY_CHANGE_COLUMNS = Map.of("lsn", PgType.PG_LSN, "xid", PgType.XID, "data", PgType.BYTEA);

    /** The columns of the table functions (and the pg_replication_slots view) with PostgreSQL's types. */
    static final Map<String, Map<String, PgType>> TABLE_COLUMNS = Map.of(
            "pg_create_logical_replication_slot", Map.of("slot_name", PgType.NAME, "lsn", PgType.PG_LSN),
            "pg_replication_slot_advance", Map.of("slot_name", PgType.NAME, "end_lsn", PgType.PG_LSN),
            "pg_logical_slot_get_changes", CHANGE_COLUMNS,
            "pg_logical_slot_peek_changes", CHANGE_COLUMNS,
            "pg_logical_slot_get_binary_changes", BINARY_CHANGE_COLUMNS,
            "pg_logical_slot_peek_binary_changes", BINARY_CHANGE_COLUMNS,
            "pg_replication_slots", Map.ofEntries(Map.entry("slot_name", PgType.NAME), Map.entry("plugin", PgType.NAME),
                    Map.entry("slot_type", PgType.TEXT), Map.entry("datoid", PgType.OID), Map.entry("database", PgType.NAME),
                    Map.entry("temporary", PgType.BOOL), Map.entry("active", PgType.BOOL), Map.entry("active_pid", PgType.INT4),
                    Map.entry("xmin", PgType.XID), Map.entry("catalog_xmin", PgType.XID), Map.entry("restart_lsn", PgType.PG_LSN),
                    Map.entry("confirmed_flush_lsn", PgType.PG_LSN), Map.entry("wal_status", PgType.TEXT),
                    Map.entry("safe_wal_size", PgType.INT8), Map.entry("two_phase", PgType.BOOL)));

    private static final String[] SLOT_COLUMNS = {"slot_name", "plugin", "slot_type", "datoid", "database", "temporary", "active",
        "active_pid", "xmin", "catalog_xmin", "restart_lsn", "confirmed_flush_lsn", "wal_status", "safe_wal_size", "two_phase"};
    private static final int[] SLOT_TYPES = {Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.BIGINT, Types.VARCHAR, Types.BOOLEAN,
        Types.BOOLEAN, Types.INTEGER, Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.BIGINT, Types.VARCHAR, Types.BIGINT, Types.BOOLEAN};

    private ReplicationSql() {}

    private static H2Session session(Connection c) throws SQLException {
        H2Session s = Capture.sessionOf(c);
        if (s == null) {
            throw new SQLException("not called from a Slotway session", SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE);
        }
        return s;
    }

    private static SQLException sql(PgException e) {
        return new SQLException(e.getMessage(), e.sqlState(), e);
    }

    // ------------------------------------------------------------------------------------ parameters

    /**
     * {@code set_config(name, value, is_local)}: SET (SET LOCAL when is_local) through the calling session, in the
     * transaction the statement runs in; a NULL value resets. Returns the value as SHOW then gives it, which is what
     * {@code current_setting()}, SHOW and pg_settings report from then on.
     */
    public static String setConfig(Connection c, String name, String value, Boolean local) throws SQLException {
        if (name == null) {
            throw new SQLException("SET requires parameter name", "22023");
        }
        try {
            return session(c).context().setSetting(name, value, Boolean.TRUE.equals(local));
        } catch (PgException e) {
            throw sql(e);
        }
    }

    /** {@code current_setting(name)}: the calling session's value (42704 for an unknown parameter). */
    public static String currentSetting(Connection c, String name) throws SQLException {
        return currentSetting(c, name, false);
    }

    /** {@code current_setting(name, missing_ok)}. */
    public static String currentSetting(Connection c, String name, Boolean missingOk) throws SQLException {
        if (name == null) {
            return null;
        }
        String v = session(c).context().setting(name);
        if (v == null && !Boolean.TRUE.equals(missingOk)) {
            throw new SQLException("unrecognized configuration parameter \"" + name + "\"", "42704");
        }
        return v;
    }

    // ------------------------------------------------------------------------------------ WAL

    /** {@code txid_current()}: the open transaction's xid, assigning one (the transaction's log begins). */
    public static long txidCurrent(Connection c) throws SQLException {
        try {
            return session(c).capture().xid();
        } catch (PgException e) {
            throw sql(e);
        }
    }

    /** {@code pg_current_wal_lsn()}. */
    public static long currentWalLsn(Connection c) throws SQLException {
        return session(c).source().sink().currentLsn().value();
    }

    /** {@code pg_is_in_recovery()}: Slotway is always a primary (Debezium asks before pg_current_wal_lsn()). */
    public static boolean isInRecovery() {
        return false;
    }

    /** {@code pg_last_wal_receive_lsn()}: NULL, as on a PostgreSQL primary (no WAL is received by streaming). */
    public static Long lastWalReceiveLsn() {
        return null;
    }

    /**
     * {@code pg_logical_emit_message(transactional, prefix, content)}: a transactional message joins the
     * open transaction (and goes if it rolls back); another is written at once. Returns the current LSN for
     * a transactional one (its own LSN is known only at commit), the message's LSN otherwise.
     */
    public static Long emitMessage(Connection c, Boolean transactional, String prefix, Value content) throws SQLException {
        if (transactional == null || prefix == null || content == null || content == ValueNull.INSTANCE) {
            return null;
        }
        // content is text or bytea: H2 passes the value as it is, so its type tells which
        int vt = content.getValueType();
        byte[] bytes = vt == Value.VARBINARY || vt == Value.BINARY || vt == Value.BLOB ? content.getBytes()
                : content.getString().getBytes(StandardCharsets.UTF_8);
        H2Session s = session(c);
        try {
            if (transactional) {
                s.capture().add(new Change.Message(true, prefix, bytes));
                return s.source().sink().currentLsn().value();
            }
            return s.source().sink().message(s.capture().xidIfAssigned(), prefix, bytes).value();
        } catch (PgException e) {
            throw sql(e);
        }
    }

    // ------------------------------------------------------------------------------------ slots

    public static ResultSet createSlot(Connection c, String name, String plugin) throws SQLException {
        return createSlot(c, name, plugin, false, false);
    }

    public static ResultSet createSlot(Connection c, String name, String plugin, Boolean temporary) throws SQLException {
        return createSlot(c, name, plugin, temporary, false);
    }

    /** {@code SELECT * FROM pg_create_logical_replication_slot(...)}: (slot_name name, lsn pg_lsn). */
    public static ResultSet createSlot(Connection c, String name, String plugin, Boolean temporary, Boolean twoPhase) throws SQLException {
        SimpleResultSet rs = new SimpleResultSet();
        rs.addColumn("slot_name", Types.VARCHAR, 63, 0);
        rs.addColumn("lsn", Types.BIGINT, 64, 0);
        if (Capture.columnListOnly(c)) {
            return rs;
        }
        Object[] row = create(c, name, plugin, temporary, twoPhase);
        rs.addRow(row[0], lsn(row[1]));
        return rs;
    }

    public static String createSlotRecord(Connection c, String name, String plugin) throws SQLException {
        return createSlotRecord(c, name, plugin, false, false);
    }

    public static String createSlotRecord(Connection c, String name, String plugin, Boolean temporary) throws SQLException {
        return createSlotRecord(c, name, plugin, temporary, false);
    }

    /** {@code SELECT pg_create_logical_replication_slot(...)}: the record as PostgreSQL prints it, {@code (name,lsn)}. */
    public static String createSlotRecord(Connection c, String name, String plugin, Boolean temporary, Boolean twoPhase) throws SQLException {
        Object[] row = create(c, name, plugin, temporary, twoPhase);
        return record(row[0], row[1]);
    }

    private static Object[] create(Connection c, String name, String plugin, Boolean temporary, Boolean twoPhase) throws SQLException {
        if (name == null || plugin == null) {
            return new Object[] {null, null};
        }
        H2Session s = session(c);
        try {
            return s.source().functions().createLogicalSlot(s.context(), name, plugin, Boolean.TRUE.equals(temporary),
                    Boolean.TRUE.equals(twoPhase));
        } catch (PgException e) {
            throw sql(e);
        }
    }

    /** {@code pg_drop_replication_slot(name)}: void (an empty value, as PostgreSQL's void prints). */
    public static String dropSlot(Connection c, String name) throws SQLException {
        if (name == null) {
            return null;
        }
        H2Session s = session(c);
        try {
            s.source().functions().dropSlot(s.context(), name);
            return "";
        } catch (PgException e) {
            throw sql(e);
        }
    }

    public static ResultSet getChanges(Connection c, String slot, String upto, Integer n, String... options) throws SQLException {
        return changes(c, slot, upto, n, false, false, options);
    }

    public static ResultSet peekChanges(Connection c, String slot, String upto, Integer n, String... options) throws SQLException {
        return changes(c, slot, upto, n, true, false, options);
    }

    public static ResultSet getBinaryChanges(Connection c, String slot, String upto, Integer n, String... options) throws SQLException {
        return changes(c, slot, upto, n, false, true, options);
    }

    public static ResultSet peekBinaryChanges(Connection c, String slot, String upto, Integer n, String... options) throws SQLException {
        return changes(c, slot, upto, n, true, true, options);
    }

    private static ResultSet changes(Connection c, String slot, String upto, Integer n, boolean peek, boolean binary, String[] options)
            throws SQLException {
        SimpleResultSet rs = new SimpleResultSet();
        rs.addColumn("lsn", Types.BIGINT, 64, 0);
        rs.addColumn("xid", Types.BIGINT, 64, 0);
        rs.addColumn("data", binary ? Types.VARBINARY : Types.VARCHAR, Integer.MAX_VALUE, 0);
        if (Capture.columnListOnly(c)) {
            return rs;
        }
        if (slot == null) {
            throw new SQLException("slot name must not be null", SqlState.INVALID_PARAMETER_VALUE);
        }
        if (options != null && options.length % 2 != 0) {
            throw new SQLException("array must have even number of elements", SqlState.INVALID_PARAMETER_VALUE);
        }
        H2Session s = session(c);
        try {
            List<Object[]> rows = s.source().functions().changes(s.context(), slot, upto == null ? null : parseLsn(upto), n, peek,
                    binary, options == null ? List.of() : Arrays.asList(options));
            for (Object[] row : rows) {
                rs.addRow(lsn(row[0]), number(row[1]), row[2]);
            }
            return rs;
        } catch (PgException e) {
            throw sql(e);
        }
    }

    /** {@code SELECT * FROM pg_replication_slot_advance(name, upto)}: (slot_name name, end_lsn pg_lsn). */
    public static ResultSet advance(Connection c, String slot, String upto) throws SQLException {
        SimpleResultSet rs = new SimpleResultSet();
        rs.addColumn("slot_name", Types.VARCHAR, 63, 0);
        rs.addColumn("end_lsn", Types.BIGINT, 64, 0);
        if (Capture.columnListOnly(c)) {
            return rs;
        }
        Object[] row = doAdvance(c, slot, upto);
        rs.addRow(row[0], lsn(row[1]));
        return rs;
    }

    public static String advanceRecord(Connection c, String slot, String upto) throws SQLException {
        Object[] row = doAdvance(c, slot, upto);
        return record(row[0], row[1]);
    }

    private static Object[] doAdvance(Connection c, String slot, String upto) throws SQLException {
        if (slot == null || upto == null) {
            throw new SQLException(slot == null ? "slot name must not be null" : "invalid target WAL LSN", SqlState.INVALID_PARAMETER_VALUE);
        }
        H2Session s = session(c);
        try {
            return s.source().functions().advance(s.context(), slot, parseLsn(upto));
        } catch (PgException e) {
            throw sql(e);
        }
    }

    /** The rows of {@code pg_replication_slots}. */
    public static ResultSet slots(Connection c) throws SQLException {
        SimpleResultSet rs = new SimpleResultSet();
        for (int i = 0; i < SLOT_COLUMNS.length; i++) {
            rs.addColumn(SLOT_COLUMNS[i], SLOT_TYPES[i], SLOT_TYPES[i] == Types.VARCHAR ? 1024 : 64, 0);
        }
        if (Capture.columnListOnly(c)) {
            return rs;
        }
        H2Session s = session(c);
        try {
            for (Object[] row : s.source().functions().slots()) {
                Object[] out = new Object[SLOT_COLUMNS.length];
                for (int i = 0; i < out.length && i < row.length; i++) {
                    out[i] = row[i] instanceof Lsn l ? Long.valueOf(l.value()) : row[i];
                }
                rs.addRow(out);
            }
            return rs;
        } catch (PgException e) {
            throw sql(e);
        }
    }

    // ------------------------------------------------------------------------------------ values

    private static Lsn parseLsn(String text) throws SQLException {
        try {
            return text.indexOf('/') >= 0 ? Lsn.parse(text) : Lsn.of(Long.parseLong(text.trim()));
        } catch (IllegalArgumentException e) {
            throw new SQLException("invalid input syntax for type pg_lsn: \"" + text + "\"", SqlState.INVALID_TEXT_REPRESENTATION);
        }
    }

    private static Long lsn(Object v) {
        if (v == null) {
            return null;
        }
        return v instanceof Lsn l ? l.value() : ((Number) v).longValue();
    }

    private static Long number(Object v) {
        return v == null ? null : ((Number) v).longValue();
    }

    private static String record(Object name, Object lsn) {
        if (name == null && lsn == null) {
            return null;
        }
        String n = name == null ? "" : name.toString();
        if (n.isEmpty() || n.matches(".*[\\s,()\"\\\\].*")) {
            n = "\"" + n.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        return "(" + n + "," + (lsn == null ? "" : Lsn.of(lsn(lsn)).toString()) + ")";
    }
}
