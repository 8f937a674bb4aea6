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
        define("wal_sender_timeout", "1min", false, Context.SIGHUP, "Sets the maximum time to wait for WAL replication.");
        define("logical_decoding_work_mem", "64MB", false, Context.USER, "Sets the maximum memory to be used for logical decoding.");
        define("max_slot_wal_keep_size", "-1", false, Context.SIGHUP, "Sets the maximum WAL size that can be reserved by replication slots.");
        define("track_commit_timestamp", "off", false, Context.POSTMASTER, "Collects transaction commit time.");
        define("hot_standby", "on", false, Context.POSTMASTER, "Allows connections and queries during recovery.");
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

    public Settings(Map<String, String> serverDefaults) {
        for (Map.Entry<String, Definition> e : DEFINITIONS.entrySet()) {
            values.put(e.getKey(), e.getValue().defaultValue());
        }
        for (Map.Entry<String, String> e : serverDefaults.entrySet()) {
            values.put(e.getKey().toLowerCase(Locale.ROOT), e.getValue());
        }
        format = computeFormat();
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
            rows.add(new String[] {d.name(), values.get(d.name().toLowerCase(Locale.ROOT)), d.description()});
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
        String v = value == null ? d.defaultValue() : normalise(d, name, value);
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
            default:
                return v;
        }
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
