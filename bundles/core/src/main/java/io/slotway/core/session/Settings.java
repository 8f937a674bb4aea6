package io.slotway.core.session;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.types.SessionFormat;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A session's run-time parameters (PostgreSQL's GUCs): their values, which of them are reported to
 * the client in ParameterStatus, which may be changed, and the transactional rules of SET (undone by
 * ROLLBACK) and SET LOCAL (undone at the end of the transaction).
 */
public final class Settings {

    /** How a parameter may be changed, as PostgreSQL's GucContext. */
    enum Context { INTERNAL, POSTMASTER, SIGHUP, SUPERUSER, USER }

    /** A parameter's fixed description. */
    record Definition(String name, String defaultValue, boolean report, Context context, String description) {}

    private static final Map<String, Definition> DEFINITIONS = new LinkedHashMap<>();

    static {
        define("application_name", "", true, Context.USER, "Sets the application name to be reported in statistics and logs.");
        define("client_encoding", "UTF8", true, Context.USER, "Sets the client's character set encoding.");
        define("DateStyle", "ISO, MDY", true, Context.USER, "Sets the display format for date and time values.");
        define("default_transaction_read_only", "off", true, Context.USER, "Sets the default read-only status of new transactions.");
        define("in_hot_standby", "off", true, Context.INTERNAL, "Shows whether hot standby is currently active.");
        define("integer_datetimes", "on", true, Context.INTERNAL, "Shows whether datetimes are integer based.");
        define("IntervalStyle", "postgres", true, Context.USER, "Sets the display format for interval values.");
        define("is_superuser", "on", true, Context.INTERNAL, "Shows whether the current user is a superuser.");
        define("server_encoding", "UTF8", true, Context.INTERNAL, "Shows the server (database) character set encoding.");
        define("server_version", ServerInfo.SERVER_VERSION, true, Context.INTERNAL, "Shows the server version.");
        define("session_authorization", "", true, Context.SUPERUSER, "Sets the session user name.");
        define("standard_conforming_strings", "on", true, Context.USER, "Causes '...' strings to treat backslashes literally.");
        define("TimeZone", "UTC", true, Context.USER, "Sets the time zone for displaying and interpreting time stamps.");

        define("server_version_num", ServerInfo.SERVER_VERSION_NUM, false, Context.INTERNAL, "Shows the server version as an integer.");
        define("search_path", "\"$user\", public", false, Context.USER, "Sets the schema search order for names that are not schema-qualified.");
        define("extra_float_digits", "1", false, Context.USER, "Sets the number of digits displayed for floating-point values.");
        define("bytea_output", "hex", false, Context.USER, "Sets the output format for bytea.");
        define("client_min_messages", "notice", false, Context.USER, "Sets the message levels that are sent to the client.");
        define("statement_timeout", "0", false, Context.USER, "Sets the maximum allowed duration of any statement.");
        define("lock_timeout", "0", false, Context.USER, "Sets the maximum allowed duration of any wait for a lock.");
        define("idle_in_transaction_session_timeout", "0", false, Context.USER, "Sets the maximum allowed idle time between queries, when in a transaction.");
        define("default_transaction_isolation", "read committed", false, Context.USER, "Sets the transaction isolation level of each new transaction.");
        define("transaction_isolation", "read committed", false, Context.USER, "Sets the current transaction's isolation level.");
        define("transaction_read_only", "off", false, Context.USER, "Sets the current transaction's read-only status.");
        define("timezone_abbreviations", "Default", false, Context.USER, "Selects a file of time zone abbreviations.");
        define("lc_messages", "C.UTF-8", false, Context.SUPERUSER, "Sets the language in which messages are displayed.");
        define("lc_monetary", "C.UTF-8", false, Context.USER, "Sets the locale for formatting monetary amounts.");
        define("lc_numeric", "C.UTF-8", false, Context.USER, "Sets the locale for formatting numbers.");
        define("lc_time", "C.UTF-8", false, Context.USER, "Sets the locale for formatting date and time values.");
        define("lc_collate", "C.UTF-8", false, Context.INTERNAL, "Shows the collation order locale.");
        define("lc_ctype", "C.UTF-8", false, Context.INTERNAL, "Shows the character classification and case conversion locale.");
        define("max_connections", "100", false, Context.POSTMASTER, "Sets the maximum number of concurrent connections.");
        define("max_identifier_length", "63", false, Context.INTERNAL, "Shows the maximum identifier length.");
        define("block_size", "8192", false, Context.INTERNAL, "Shows the size of a disk block.");
        define("data_directory_mode", "0700", false, Context.INTERNAL, "Shows the mode of the data directory.");
        define("row_security", "on", false, Context.USER, "Enable row security.");
        define("synchronous_commit", "on", false, Context.USER, "Sets the current transaction's synchronization level.");
        define("jit", "off", false, Context.USER, "Allow JIT compilation.");
        define("work_mem", "4MB", false, Context.USER, "Sets the maximum memory to be used for query workspaces.");
        // What replication clients check (AWS DMS, Debezium): Slotway is always a logical publisher.
        define("wal_level", "logical", false, Context.POSTMASTER, "Sets the level of information written to the WAL.");
        define("max_replication_slots", "10", false, Context.POSTMASTER, "Sets the maximum number of simultaneously defined replication slots.");
        define("max_wal_senders", "10", false, Context.POSTMASTER, "Sets the maximum number of simultaneously running WAL sender processes.");
        define("wal_sender_timeout", "1min", false, Context.USER, "Sets the maximum time to wait for WAL replication.");
        define("logical_decoding_work_mem", "64MB", false, Context.USER, "Sets the maximum memory to be used for logical decoding.");
        define("max_slot_wal_keep_size", "-1", false, Context.SIGHUP, "Sets the maximum WAL size that can be reserved by replication slots.");
        define("track_commit_timestamp", "off", false, Context.POSTMASTER, "Collects transaction commit time.");
        define("hot_standby", "on", false, Context.POSTMASTER, "Allows connections and queries during recovery.");
        // compile-time constants clients read (pgjdbc's getImportedKeys reads max_index_keys from pg_settings)
        define("max_index_keys", "32", false, Context.INTERNAL, "Shows the maximum number of index keys.");
        define("max_function_args", "100", false, Context.INTERNAL, "Shows the maximum number of function arguments.");
    }

    /**
     * What pg_settings says of a parameter besides its values, as PostgreSQL 15 reports it (generated from a
     * PostgreSQL 15.18 with {@code SELECT name, unit, category, short_desc, extra_desc, context, vartype, min_val,
     * max_val, enumvals FROM pg_settings} for these names). {@code unit} is the unit of pg_settings' numbers
     * ({@code setting}, {@code min_val}, {@code max_val}, {@code boot_val}, {@code reset_val}).
     */
    public record Meta(String unit, String category, String shortDesc, String extraDesc, String context, String vartype,
                       String minVal, String maxVal, List<String> enumvals) {}

    private static final Map<String, Meta> META = new LinkedHashMap<>();

    /** Parameters that neither SHOW ALL nor pg_settings list (PostgreSQL's GUC_NO_SHOW_ALL). */
    private static final java.util.Set<String> NO_SHOW_ALL = java.util.Set.of("is_superuser", "session_authorization");

    private static void meta(String name, String unit, String category, String shortDesc, String extraDesc, String context,
                             String vartype, String min, String max, List<String> enumvals) {
        META.put(name.toLowerCase(Locale.ROOT), new Meta(unit, category, shortDesc, extraDesc, context, vartype, min, max, enumvals));
    }

    static {
        meta("DateStyle", null, "Client Connection Defaults / Locale and Formatting", "Sets the display format for date and time values.", "Also controls interpretation of ambiguous date inputs.", "user", "string", null, null, null);
        meta("IntervalStyle", null, "Client Connection Defaults / Locale and Formatting", "Sets the display format for interval values.", null, "user", "enum", null, null, List.of("postgres", "postgres_verbose", "sql_standard", "iso_8601"));
        meta("TimeZone", null, "Client Connection Defaults / Locale and Formatting", "Sets the time zone for displaying and interpreting time stamps.", null, "user", "string", null, null, null);
        meta("application_name", null, "Reporting and Logging / What to Log", "Sets the application name to be reported in statistics and logs.", null, "user", "string", null, null, null);
        meta("block_size", null, "Preset Options", "Shows the size of a disk block.", null, "internal", "integer", "8192", "8192", null);
        meta("bytea_output", null, "Client Connection Defaults / Statement Behavior", "Sets the output format for bytea.", null, "user", "enum", null, null, List.of("escape", "hex"));
        meta("client_encoding", null, "Client Connection Defaults / Locale and Formatting", "Sets the client's character set encoding.", null, "user", "string", null, null, null);
        meta("client_min_messages", null, "Client Connection Defaults / Statement Behavior", "Sets the message levels that are sent to the client.", "Each level includes all the levels that follow it. The later the level, the fewer messages are sent.", "user", "enum", null, null, List.of("debug5", "debug4", "debug3", "debug2", "debug1", "log", "notice", "warning", "error"));
        meta("data_directory_mode", null, "Preset Options", "Shows the mode of the data directory.", "The parameter value is a numeric mode specification in the form accepted by the chmod and umask system calls. (To use the customary octal format the number must start with a 0 (zero).)", "internal", "integer", "0", "511", null);
        meta("default_transaction_isolation", null, "Client Connection Defaults / Statement Behavior", "Sets the transaction isolation level of each new transaction.", null, "user", "enum", null, null, List.of("serializable", "repeatable read", "read committed", "read uncommitted"));
        meta("default_transaction_read_only", null, "Client Connection Defaults / Statement Behavior", "Sets the default read-only status of new transactions.", null, "user", "bool", null, null, null);
        meta("extra_float_digits", null, "Client Connection Defaults / Locale and Formatting", "Sets the number of digits displayed for floating-point values.", "This affects real, double precision, and geometric data types. A zero or negative parameter value is added to the standard number of digits (FLT_DIG or DBL_DIG as appropriate). Any value greater than zero selects precise output mode.", "user", "integer", "-15", "3", null);
        meta("hot_standby", null, "Replication / Standby Servers", "Allows connections and queries during recovery.", null, "postmaster", "bool", null, null, null);
        meta("idle_in_transaction_session_timeout", "ms", "Client Connection Defaults / Statement Behavior", "Sets the maximum allowed idle time between queries, when in a transaction.", "A value of 0 turns off the timeout.", "user", "integer", "0", "2147483647", null);
        meta("in_hot_standby", null, "Preset Options", "Shows whether hot standby is currently active.", null, "internal", "bool", null, null, null);
        meta("integer_datetimes", null, "Preset Options", "Shows whether datetimes are integer based.", null, "internal", "bool", null, null, null);
        meta("jit", null, "Query Tuning / Other Planner Options", "Allow JIT compilation.", null, "user", "bool", null, null, null);
        meta("lc_collate", null, "Preset Options", "Shows the collation order locale.", null, "internal", "string", null, null, null);
        meta("lc_ctype", null, "Preset Options", "Shows the character classification and case conversion locale.", null, "internal", "string", null, null, null);
        meta("lc_messages", null, "Client Connection Defaults / Locale and Formatting", "Sets the language in which messages are displayed.", null, "superuser", "string", null, null, null);
        meta("lc_monetary", null, "Client Connection Defaults / Locale and Formatting", "Sets the locale for formatting monetary amounts.", null, "user", "string", null, null, null);
        meta("lc_numeric", null, "Client Connection Defaults / Locale and Formatting", "Sets the locale for formatting numbers.", null, "user", "string", null, null, null);
        meta("lc_time", null, "Client Connection Defaults / Locale and Formatting", "Sets the locale for formatting date and time values.", null, "user", "string", null, null, null);
        meta("lock_timeout", "ms", "Client Connection Defaults / Statement Behavior", "Sets the maximum allowed duration of any wait for a lock.", "A value of 0 turns off the timeout.", "user", "integer", "0", "2147483647", null);
        meta("logical_decoding_work_mem", "kB", "Resource Usage / Memory", "Sets the maximum memory to be used for logical decoding.", "This much memory can be used by each internal reorder buffer before spilling to disk.", "user", "integer", "64", "2147483647", null);
        meta("max_connections", null, "Connections and Authentication / Connection Settings", "Sets the maximum number of concurrent connections.", null, "postmaster", "integer", "1", "262143", null);
        meta("max_function_args", null, "Preset Options", "Shows the maximum number of function arguments.", null, "internal", "integer", "100", "100", null);
        meta("max_identifier_length", null, "Preset Options", "Shows the maximum identifier length.", null, "internal", "integer", "63", "63", null);
        meta("max_index_keys", null, "Preset Options", "Shows the maximum number of index keys.", null, "internal", "integer", "32", "32", null);
        meta("max_replication_slots", null, "Replication / Sending Servers", "Sets the maximum number of simultaneously defined replication slots.", null, "postmaster", "integer", "0", "262143", null);
        meta("max_slot_wal_keep_size", "MB", "Replication / Sending Servers", "Sets the maximum WAL size that can be reserved by replication slots.", "Replication slots will be marked as failed, and segments released for deletion or recycling, if this much space is occupied by WAL on disk.", "sighup", "integer", "-1", "2147483647", null);
        meta("max_wal_senders", null, "Replication / Sending Servers", "Sets the maximum number of simultaneously running WAL sender processes.", null, "postmaster", "integer", "0", "262143", null);
        meta("row_security", null, "Client Connection Defaults / Statement Behavior", "Enable row security.", "When enabled, row security will be applied to all users.", "user", "bool", null, null, null);
        meta("search_path", null, "Client Connection Defaults / Statement Behavior", "Sets the schema search order for names that are not schema-qualified.", null, "user", "string", null, null, null);
        meta("server_encoding", null, "Preset Options", "Shows the server (database) character set encoding.", null, "internal", "string", null, null, null);
        meta("server_version", null, "Preset Options", "Shows the server version.", null, "internal", "string", null, null, null);
        meta("server_version_num", null, "Preset Options", "Shows the server version as an integer.", null, "internal", "integer", "150018", "150018", null);
        meta("standard_conforming_strings", null, "Version and Platform Compatibility / Previous PostgreSQL Versions", "Causes '...' strings to treat backslashes literally.", null, "user", "bool", null, null, null);
        meta("statement_timeout", "ms", "Client Connection Defaults / Statement Behavior", "Sets the maximum allowed duration of any statement.", "A value of 0 turns off the timeout.", "user", "integer", "0", "2147483647", null);
        meta("synchronous_commit", null, "Write-Ahead Log / Settings", "Sets the current transaction's synchronization level.", null, "user", "enum", null, null, List.of("local", "remote_write", "remote_apply", "on", "off"));
        meta("timezone_abbreviations", null, "Client Connection Defaults / Locale and Formatting", "Selects a file of time zone abbreviations.", null, "user", "string", null, null, null);
        meta("track_commit_timestamp", null, "Replication / Sending Servers", "Collects transaction commit time.", null, "postmaster", "bool", null, null, null);
        meta("transaction_isolation", null, "Client Connection Defaults / Statement Behavior", "Sets the current transaction's isolation level.", null, "user", "enum", null, null, List.of("serializable", "repeatable read", "read committed", "read uncommitted"));
        meta("transaction_read_only", null, "Client Connection Defaults / Statement Behavior", "Sets the current transaction's read-only status.", null, "user", "bool", null, null, null);
        meta("wal_level", null, "Write-Ahead Log / Settings", "Sets the level of information written to the WAL.", null, "postmaster", "enum", null, null, List.of("minimal", "replica", "logical"));
        meta("wal_sender_timeout", "ms", "Replication / Sending Servers", "Sets the maximum time to wait for WAL replication.", null, "user", "integer", "0", "2147483647", null);
        meta("work_mem", "kB", "Resource Usage / Memory", "Sets the maximum memory to be used for query workspaces.", "This much memory can be used by each internal sort operation and hash table before switching to temporary disk files.", "user", "integer", "64", "2147483647", null);
        // Slotway's own version, not the generating server's
        meta("server_version_num", null, "Preset Options", "Shows the server version as an integer.", null, "internal",
                "integer", ServerInfo.SERVER_VERSION_NUM, ServerInfo.SERVER_VERSION_NUM, null);
    }

    private static void define(String name, String value, boolean report, Context context, String description) {
        DEFINITIONS.put(name.toLowerCase(Locale.ROOT), new Definition(name, value, report, context, description));
    }

    /** Current values, keyed by lower-case name. */
    private final Map<String, String> values = new LinkedHashMap<>();
    /** Values as they were when the transaction began (for ROLLBACK), or null outside a transaction. */
    private Map<String, String> atTransactionStart;
    /** Values to restore at the end of the transaction because of SET LOCAL. */
    private Map<String, String> localOverrides;
    /** Reported parameters (canonical name) and the value the client last saw. */
    private final Map<String, String> lastReported = new LinkedHashMap<>();
    private SessionFormat format;
    /** The parameters the server's configuration sets. */
    private final java.util.Set<String> configured = new java.util.HashSet<>();
    /** Values and sources RESET returns to: those in force when the session started (null until then). */
    private Map<String, String> resetValues;
    private final Map<String, String> resetSources = new LinkedHashMap<>();

    public Settings(Map<String, String> serverDefaults) {
        for (Map.Entry<String, Definition> e : DEFINITIONS.entrySet()) {
            values.put(e.getKey(), e.getValue().defaultValue());
        }
        for (Map.Entry<String, String> e : serverDefaults.entrySet()) {
            values.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
            configured.add(e.getKey().toLowerCase(Locale.ROOT));
        }
        format = computeFormat();
    }

    /**
     * The startup packet has been applied: the values now are what RESET returns to (pg_settings' reset_val), and
     * their source is {@code client} when the startup packet set them, {@code configuration file} when the server's
     * configuration did, {@code default} otherwise ({@code override} for the transaction's own parameters).
     */
    public void startupDone() {
        resetValues = new LinkedHashMap<>(values);
        for (Map.Entry<String, Definition> e : DEFINITIONS.entrySet()) {
            String key = e.getKey();
            String source;
            if (key.equals("transaction_isolation") || key.equals("transaction_read_only")) {
                source = "override";
            } else if (!java.util.Objects.equals(values.get(key), e.getValue().defaultValue()) && !configured.contains(key)) {
                source = "client";
            } else if (configured.contains(key)) {
                source = "configuration file";
            } else {
                source = "default";
            }
            resetSources.put(key, source);
        }
    }

    /**
     * Every parameter as a row of pg_settings with this session's values: name, setting, unit, category, short_desc,
     * extra_desc, context, vartype, source, min_val, max_val, enumvals, boot_val, reset_val, sourcefile, sourceline,
     * pending_restart. Numbers with a unit are in that unit ({@code 1min} is 60000 ms), as PostgreSQL shows them.
     */
    public List<Object[]> pgSettings() {
        List<Object[]> rows = new ArrayList<>();
        for (Definition d : DEFINITIONS.values()) {
            String key = d.name().toLowerCase(Locale.ROOT);
            Meta m = META.get(key);
            if (m == null || NO_SHOW_ALL.contains(key)) {
                continue;
            }
            String value = values.get(key);
            String reset = resetValues == null ? value : resetValues.get(key);
            String source = resetSources.getOrDefault(key, "default");
            if (!java.util.Objects.equals(value, reset)) {
                source = "session";
            }
            rows.add(new Object[] {d.name(), base(m, key, value, false), m.unit(), m.category(), m.shortDesc(), m.extraDesc(),
                    m.context(), m.vartype(), source, m.minVal(), m.maxVal(),
                    m.enumvals() == null ? null : m.enumvals().toArray(new String[0]),
                    base(m, key, d.defaultValue(), true), base(m, key, reset, true), null, null, false});
        }
        rows.sort((a, b) -> ((String) a[0]).compareToIgnoreCase((String) b[0]));
        return rows;
    }

    /**
     * A value as pg_settings writes it: integers and reals with a unit in that unit; {@code boot_val}/{@code reset_val}
     * of an integer shown by a hook in its plain number ({@code data_directory_mode} 0700 is 448).
     */
    static String base(Meta m, String key, String value, boolean raw) {
        if (value == null || m == null || !(m.vartype().equals("integer") || m.vartype().equals("real"))) {
            return value;
        }
        if (key.equals("data_directory_mode")) {
            return raw ? Integer.toString(Integer.parseInt(value, 8)) : value;
        }
        if (m.unit() == null) {
            return value;
        }
        Long n = inUnit(value, m.unit());
        return n == null ? value : Long.toString(n);
    }

    /**
     * A time parameter in milliseconds when this session changed it from the built-in default (startup packet, SET),
     * or null when it keeps the server's.
     */
    public Long sessionMillis(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        Definition d = DEFINITIONS.get(key);
        String v = values.get(key);
        if (d == null || v == null || v.equals(d.defaultValue())) {
            return null;
        }
        return inUnit(v, "ms");
    }

    /** A value with an optional unit ({@code 1min}, {@code 4MB}, {@code 60000}) in {@code unit}, or null if unreadable. */
    static Long inUnit(String value, String unit) {
        java.util.regex.Matcher mt = java.util.regex.Pattern.compile("\\s*(-?\\d+)\\s*([a-zA-Z]*)\\s*").matcher(value);
        if (!mt.matches()) {
            return null;
        }
        long n = Long.parseLong(mt.group(1));
        String u = mt.group(2).isEmpty() ? unit : mt.group(2);
        Long from = unitSize(u);
        Long to = unitSize(unit);
        if (from == null || to == null || (from < 0) != (to < 0)) {
            return null;
        }
        if (n == -1 && mt.group(2).isEmpty()) {
            return -1L;
        }
        return n * Math.abs(from) / Math.abs(to);
    }

    /** A unit's size: memory in bytes (positive), time in microseconds (negative). */
    private static Long unitSize(String u) {
        return switch (u) {
            case "B" -> 1L;
            case "kB" -> 1024L;
            case "8kB" -> 8192L;
            case "MB" -> 1024L * 1024;
            case "GB" -> 1024L * 1024 * 1024;
            case "TB" -> 1024L * 1024 * 1024 * 1024;
            case "us" -> -1L;
            case "ms" -> -1000L;
            case "s" -> -1_000_000L;
            case "min" -> -60_000_000L;
            case "h" -> -3_600_000_000L;
            case "d" -> -86_400_000_000L;
            default -> null;
        };
    }

    /** The canonical name of a known parameter, or null. */
    public static String canonicalName(String name) {
        Definition d = DEFINITIONS.get(name.toLowerCase(Locale.ROOT));
        return d == null ? null : d.name();
    }

    /** The value of {@code name}, or null when no such parameter exists. */
    public String get(String name) {
        return values.get(name.toLowerCase(Locale.ROOT));
    }

    /** SHOW's answer: the value, or 42704 for an unknown parameter. */
    public String show(String name) throws PgException {
        String v = get(name);
        if (v == null) {
            throw unrecognized(name);
        }
        return v;
    }

    /** Every known parameter as (name, setting, description), sorted by name, for SHOW ALL. */
    public List<String[]> all() {
        List<String[]> rows = new ArrayList<>();
        for (Definition d : DEFINITIONS.values()) {
            String key = d.name().toLowerCase(Locale.ROOT);
            if (NO_SHOW_ALL.contains(key)) {
                continue;
            }
            Meta m = META.get(key);
            rows.add(new String[] {d.name(), values.get(key), m != null ? m.shortDesc() : d.description()});
        }
        rows.sort((a, b) -> a[0].compareToIgnoreCase(b[0]));
        return rows;
    }

    /**
     * SET {@code name} TO {@code value} ({@code null} = DEFAULT). {@code local} is SET LOCAL;
     * {@code inTransaction} tells whether a transaction block is open. Startup packets and
     * {@code options} use it too: internal parameters cannot be set there either.
     */
    public void set(String name, String value, boolean local, boolean inTransaction) throws PgException {
        String key = name.toLowerCase(Locale.ROOT);
        Definition d = DEFINITIONS.get(key);
        if (d == null) {
            if (key.indexOf('.') <= 0) {
                throw unrecognized(name);
            }
            // A placeholder for an extension's parameter, as PostgreSQL allows.
            assign(key, value == null ? "" : value, local, inTransaction);
            return;
        }
        switch (d.context()) {
            case INTERNAL -> throw new PgException(SqlState.CANT_CHANGE_RUNTIME_PARAM,
                    "parameter \"" + key + "\" cannot be changed");
            case POSTMASTER -> throw new PgException(SqlState.CANT_CHANGE_RUNTIME_PARAM,
                    "parameter \"" + key + "\" cannot be changed without restarting the server");
            case SIGHUP -> throw new PgException(SqlState.CANT_CHANGE_RUNTIME_PARAM,
                    "parameter \"" + key + "\" cannot be changed now");
            default -> { }
        }
        String v = value == null ? (resetValues != null ? resetValues.get(key) : d.defaultValue()) : normalise(d, name, value);
        assign(key, v, local, inTransaction);
    }

    /** Sets a parameter the server controls (session_authorization, is_superuser) without checks. */
    public void setInternal(String name, String value) {
        String key = name.toLowerCase(Locale.ROOT);
        values.put(key, value);
        format = computeFormat();
    }

    private void assign(String key, String value, boolean local, boolean inTransaction) {
        if (local) {
            if (!inTransaction) {
                return; // PostgreSQL warns and does nothing outside a transaction block; caller warns.
            }
            if (localOverrides == null) {
                localOverrides = new LinkedHashMap<>();
            }
            localOverrides.putIfAbsent(key, values.get(key));
        } else if (localOverrides != null) {
            localOverrides.remove(key);
        }
        values.put(key, value);
        format = computeFormat();
    }

    /** RESET ALL: every user-settable parameter back to its default. */
    public void resetAll(boolean inTransaction) throws PgException {
        for (Definition d : DEFINITIONS.values()) {
            if (d.context() == Context.USER) {
                set(d.name(), null, false, inTransaction);
            }
        }
    }

    /** Called when a transaction block (explicit or implicit) starts. */
    public void beginTransaction() {
        atTransactionStart = new LinkedHashMap<>(values);
        localOverrides = null;
    }

    /** Called when the transaction commits: SET stays, SET LOCAL is undone. */
    public void commitTransaction() {
        if (localOverrides != null) {
            for (Map.Entry<String, String> e : localOverrides.entrySet()) {
                restore(e.getKey(), e.getValue());
            }
        }
        atTransactionStart = null;
        localOverrides = null;
    }

    /** Called when the transaction rolls back: every SET made inside it is undone. */
    public void rollbackTransaction() {
        if (atTransactionStart != null) {
            for (Map.Entry<String, String> e : atTransactionStart.entrySet()) {
                restore(e.getKey(), e.getValue());
            }
            values.keySet().retainAll(atTransactionStart.keySet());
        }
        atTransactionStart = null;
        localOverrides = null;
    }

    private void restore(String key, String value) {
        values.put(key, value);
        format = computeFormat();
    }

    /**
     * Reported parameters whose value differs from what the client last saw, to send as
     * ParameterStatus just before ReadyForQuery (as PostgreSQL 14 and later do); they count as seen.
     */
    public Map<String, String> drainReports() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Definition d : DEFINITIONS.values()) {
            if (d.report()) {
                String now = values.get(d.name().toLowerCase(Locale.ROOT));
                if (!now.equals(lastReported.get(d.name()))) {
                    out.put(d.name(), now);
                    lastReported.put(d.name(), now);
                }
            }
        }
        return out;
    }

    /** The value formatting settings in force now. */
    public SessionFormat format() {
        return format;
    }

    private SessionFormat computeFormat() {
        ZoneId zone;
        try {
            zone = zone(values.get("timezone"));
        } catch (PgException e) {
            zone = ZoneId.of("UTC");
        }
        int efd;
        try {
            efd = Integer.parseInt(values.get("extra_float_digits").trim());
        } catch (NumberFormatException e) {
            efd = 1;
        }
        return new SessionFormat(values.get("datestyle"), values.get("intervalstyle"), zone, efd,
                !"escape".equals(values.get("bytea_output")));
    }

    /**
     * Checks a value and writes it the way SHOW reports it. Like PostgreSQL, errors about the form of
     * an enum, integer or Boolean value name the parameter as the client wrote it ({@code given}: folded
     * to lower case by the SQL parser, verbatim from a startup packet), while values refused by a check
     * (DateStyle, TimeZone, client_encoding) name it canonically.
     */
    private static String normalise(Definition d, String given, String value) throws PgException {
        String v = value.trim();
        switch (d.name()) {
            case "client_encoding": {
                String e = v.toUpperCase(Locale.ROOT).replace("-", "").replace("_", "");
                if (e.equals("UTF8") || e.equals("UNICODE")) {
                    return "UTF8";
                }
                if (e.equals("SQLASCII")) {
                    return "SQL_ASCII";
                }
                throw invalid("client_encoding", value).withDetail("Slotway supports only the UTF8 client encoding.");
            }
            case "DateStyle":
                return dateStyle(given, v);
            case "IntervalStyle": {
                String s = v.toLowerCase(Locale.ROOT);
                if (List.of("postgres", "postgres_verbose", "sql_standard", "iso_8601").contains(s)) {
                    return s;
                }
                throw invalid(given, value).withHint("Available values: postgres, postgres_verbose, sql_standard, iso_8601.");
            }
            case "TimeZone": {
                zone(v);
                return v;
            }
            case "extra_float_digits": {
                try {
                    int n = Integer.parseInt(v);
                    if (n < -15 || n > 3) {
                        throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                                n + " is outside the valid range for parameter \"extra_float_digits\" (-15 .. 3)");
                    }
                    return Integer.toString(n);
                } catch (NumberFormatException e) {
                    throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                            "invalid value for parameter \"" + given + "\": \"" + value + "\"");
                }
            }
            case "bytea_output": {
                String s = v.toLowerCase(Locale.ROOT);
                if (s.equals("hex") || s.equals("escape")) {
                    return s;
                }
                throw invalid(given, value).withHint("Available values: escape, hex.");
            }
            case "standard_conforming_strings":
            case "default_transaction_read_only":
            case "transaction_read_only":
            case "row_security":
            case "jit": {
                String s = bool(given, v);
                if (d.name().equals("standard_conforming_strings") && s.equals("off")) {
                    throw new PgException(SqlState.FEATURE_NOT_SUPPORTED,
                            "standard_conforming_strings = off is not supported");
                }
                return s;
            }
            case "transaction_isolation":
            case "default_transaction_isolation": {
                String s = v.toLowerCase(Locale.ROOT).replaceAll("\\s+", " ");
                if (List.of("serializable", "repeatable read", "read committed", "read uncommitted").contains(s)) {
                    return s;
                }
                throw invalid(given, value).withHint("Available values: serializable, repeatable read, read committed, read uncommitted.");
            }
            case "client_min_messages": {
                String s = v.toLowerCase(Locale.ROOT);
                if (List.of("debug5", "debug4", "debug3", "debug2", "debug1", "log", "notice", "warning", "error").contains(s)) {
                    return s;
                }
                throw invalid(given, value).withHint("Available values: debug5, debug4, debug3, debug2, debug1, log, notice, warning, error.");
            }
            default: {
                Meta m = META.get(d.name().toLowerCase(Locale.ROOT));
                if (m != null && m.vartype().equals("integer") && m.unit() != null) {
                    Long n = inUnit(v, m.unit());
                    if (n == null) {
                        throw invalid(given, value);
                    }
                    if (n < Long.parseLong(m.minVal()) || n > Long.parseLong(m.maxVal())) {
                        throw new PgException(SqlState.INVALID_PARAMETER_VALUE, n + " " + m.unit()
                                + " is outside the valid range for parameter \"" + d.name() + "\" (" + m.minVal() + " .. " + m.maxVal() + ")");
                    }
                    return display(n, m.unit());
                }
                return v;
            }
        }
    }

    /** A number in {@code unit} as SHOW writes it: in the largest unit that divides it ({@code 60000} ms is {@code 1min}). */
    static String display(long n, String unit) {
        if (n <= 0) {
            return Long.toString(n);
        }
        Long base = unitSize(unit);
        List<String> units = base < 0 ? List.of("d", "h", "min", "s", "ms", "us") : List.of("TB", "GB", "MB", "kB", "B");
        long abs = n * Math.abs(base);
        for (String u : units) {
            long size = Math.abs(unitSize(u));
            if (size >= Math.abs(base) && abs % size == 0) {
                return (abs / size) + u;
            }
        }
        return n + unit;
    }

    private static String bool(String given, String v) throws PgException {
        String s = v.toLowerCase(Locale.ROOT);
        if (List.of("on", "true", "yes", "1", "t", "y").contains(s)) {
            return "on";
        }
        if (List.of("off", "false", "no", "0", "f", "n").contains(s)) {
            return "off";
        }
        throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                "parameter \"" + given + "\" requires a Boolean value");
    }

    private static String dateStyle(String given, String value) throws PgException {
        String style = null;
        String order = null;
        for (String part : value.split("[,\\s]+")) {
            String p = part.toLowerCase(Locale.ROOT);
            switch (p) {
                case "iso" -> style = "ISO";
                case "sql" -> style = "SQL";
                case "postgres" -> style = "Postgres";
                case "german" -> style = "German";
                case "mdy", "us", "noneuropean", "nonEuropean" -> order = "MDY";
                case "dmy", "euro", "european" -> order = "DMY";
                case "ymd" -> order = "YMD";
                case "" -> { }
                // A check-hook failure: PostgreSQL names the parameter canonically and lower-cases the word.
                default -> throw invalid("DateStyle", value)
                        .withDetail("Unrecognized key word: \"" + part.toLowerCase(Locale.ROOT) + "\".");
            }
        }
        if (style == null) {
            style = "ISO";
        }
        if (order == null) {
            order = style.equals("German") ? "DMY" : "MDY";
        }
        return style + ", " + order;
    }

    /** A TimeZone value as a ZoneId, accepting what PostgreSQL users commonly set. */
    static ZoneId zone(String value) throws PgException {
        String v = value.trim();
        if (v.equalsIgnoreCase("utc") || v.equalsIgnoreCase("gmt") || v.equalsIgnoreCase("z")
                || v.equalsIgnoreCase("zulu") || v.equalsIgnoreCase("universal")) {
            return ZoneId.of("UTC");
        }
        try {
            if (v.matches("[+-]?\\d{1,2}(:\\d{2})?")) {
                // A bare number is hours east of Greenwich in SET TIME ZONE, but a POSIX-style name like
                // "+02" means hours WEST; PostgreSQL treats a plain TimeZone string as POSIX.
                String sign = v.startsWith("-") ? "+" : "-";
                String digits = v.replaceFirst("^[+-]", "");
                String[] hm = digits.split(":");
                return ZoneId.of(String.format("%s%02d:%s", sign, Integer.parseInt(hm[0]), hm.length > 1 ? hm[1] : "00"));
            }
            return ZoneId.of(v);
        } catch (DateTimeException e) {
            for (String id : ZoneId.getAvailableZoneIds()) {
                if (id.equalsIgnoreCase(v)) {
                    return ZoneId.of(id);
                }
            }
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                    "invalid value for parameter \"TimeZone\": \"" + value + "\"");
        }
    }

    private static PgException invalid(String given, String value) {
        return new PgException(SqlState.INVALID_PARAMETER_VALUE,
                "invalid value for parameter \"" + given + "\": \"" + value + "\"");
    }

    private static PgException unrecognized(String name) {
        return new PgException(SqlState.UNDEFINED_OBJECT,
                "unrecognized configuration parameter \"" + name.toLowerCase(Locale.ROOT) + "\"");
    }
}
