package io.slotway.decoder.wal2json;

import io.slotway.api.types.PgValues;
import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * wal2json 2.5's options ({@code JsonDecodingData}), parsed as its {@code pg_decode_startup} parses them: in
 * the order given, names compared case-sensitively, a bare option meaning true, booleans read with
 * PostgreSQL's {@code parse_bool}, the first bad option raising PostgreSQL's error.
 *
 * <p>Quirks kept on purpose, because clients see them: list options ({@code filter-tables},
 * {@code filter-msg-prefixes}, {@code add-msg-prefixes}) accumulate over repeated options and a bare one
 * empties the list; {@code add-tables} always replaces the list, and a bare or empty {@code add-tables}
 * leaves it empty, so no table is decoded at all; {@code actions} given (even empty) starts from no action;
 * list syntax errors are 42602, unknown actions 22023.
 *
 * <p>{@code numeric-data-types-as-string} came in wal2json 2.6; 2.5 (Debian's postgresql-15-wal2json)
 * rejects it as an unknown option, and so does this plugin.
 */
final class Options {
    /** ERRCODE_INVALID_NAME. */
    static final String INVALID_NAME = "42602";
    static final int MAX_FORMAT_VERSION = 2;
    static final int MIN_FORMAT_VERSION = 1;

    boolean includeTransaction = true;
    boolean includeXids;
    boolean includeTimestamp;
    boolean includeOrigin;
    boolean includeSchemas = true;
    boolean includeTypes = true;
    boolean includeTypeOids;
    boolean includeTypmod = true;
    boolean includeDomainDataType;
    boolean includeColumnPositions;
    boolean includeNotNull;
    boolean includeDefault;
    boolean includePk;
    boolean prettyPrint;
    boolean writeInChunks;
    boolean includeLsn;

    boolean actionInsert = true;
    boolean actionUpdate = true;
    boolean actionDelete = true;
    /** wal2json 2.5's default actions include truncate (its WAL2JSON_FORMAT_VERSION is 2). */
    boolean actionTruncate = true;

    List<Long> filterOrigins = new ArrayList<>();
    List<TableSelector> filterTables = new ArrayList<>();
    /** All tables of all schemas unless {@code add-tables} is given. */
    List<TableSelector> addTables = new ArrayList<>(List.of(TableSelector.ALL));
    List<String> filterMsgPrefixes = new ArrayList<>();
    List<String> addMsgPrefixes = new ArrayList<>();

    int formatVersion = 1;

    static Options parse(Map<String, String> options) throws PgException {
        Options o = new Options();
        for (Map.Entry<String, String> option : options.entrySet()) {
            o.set(option.getKey(), option.getValue());
        }
        return o;
    }

    private void set(String name, String value) throws PgException {
        switch (name) {
            case "include-transaction" -> includeTransaction = bool(name, value);
            case "include-xids" -> includeXids = bool(name, value);
            case "include-timestamp" -> includeTimestamp = bool(name, value);
            case "include-pk" -> includePk = bool(name, value);
            case "include-origin" -> includeOrigin = bool(name, value);
            case "include-schemas" -> includeSchemas = bool(name, value);
            case "include-types" -> includeTypes = bool(name, value);
            case "include-type-oids" -> includeTypeOids = bool(name, value);
            case "include-typmod" -> includeTypmod = bool(name, value);
            case "include-domain-data-type" -> includeDomainDataType = bool(name, value);
            case "include-column-positions" -> includeColumnPositions = bool(name, value);
            case "include-not-null" -> includeNotNull = bool(name, value);
            case "include-default" -> includeDefault = bool(name, value);
            case "pretty-print" -> prettyPrint = bool(name, value);
            case "write-in-chunks" -> writeInChunks = bool(name, value);
            case "include-lsn" -> includeLsn = bool(name, value);
            case "include-unchanged-toast" -> throw new PgException(INVALID_NAME,
                    "parameter \"" + name + "\" was deprecated");
            case "actions" -> actions(name, value);
            case "filter-origins" -> {
                if (value == null) {
                    filterOrigins = new ArrayList<>();
                } else {
                    List<String> tokens = Lists.split(value, false);
                    if (tokens == null) {
                        throw listError(name, value);
                    }
                    for (String t : tokens) {
                        filterOrigins.add(Lists.atoi(t) & 0xFFFFFFFFL);
                    }
                }
            }
            case "filter-tables" -> {
                if (value == null) {
                    filterTables = new ArrayList<>();
                } else if (!TableSelector.parseList(value, filterTables)) {
                    throw listError(name, value);
                }
            }
            case "add-tables" -> {
                addTables = new ArrayList<>();
                if (value != null && !TableSelector.parseList(value, addTables)) {
                    throw listError(name, value);
                }
            }
            case "filter-msg-prefixes" -> filterMsgPrefixes = prefixes(name, value, filterMsgPrefixes);
            case "add-msg-prefixes" -> addMsgPrefixes = prefixes(name, value, addMsgPrefixes);
            case "format-version" -> formatVersion(name, value);
            default -> throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                    "option \"" + name + "\" = \"" + (value == null ? "(null)" : value) + "\" is unknown");
        }
    }

    private void actions(String name, String value) throws PgException {
        if (value == null) {
            return; // the defaults stay
        }
        List<String> tokens = Lists.split(value, true);
        if (tokens == null) {
            throw listError(name, value);
        }
        actionInsert = false;
        actionUpdate = false;
        actionDelete = false;
        actionTruncate = false;
        for (String t : tokens) {
            switch (t) {
                case "insert" -> actionInsert = true;
                case "update" -> actionUpdate = true;
                case "delete" -> actionDelete = true;
                case "truncate" -> actionTruncate = true;
                default -> throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                        "could not parse value \"" + t + "\" for parameter \"" + name + "\"");
            }
        }
    }

    private static List<String> prefixes(String name, String value, List<String> current) throws PgException {
        if (value == null) {
            return new ArrayList<>();
        }
        List<String> tokens = Lists.split(value, true);
        if (tokens == null) {
            throw listError(name, value);
        }
        current.addAll(tokens);
        return current;
    }

    private void formatVersion(String name, String value) throws PgException {
        if (value == null) {
            formatVersion = MAX_FORMAT_VERSION;
        } else {
            Integer v = parseInt(value);
            if (v == null) {
                throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                        "could not parse value \"" + value + "\" for parameter \"" + name + "\"");
            }
            formatVersion = v;
        }
        if (formatVersion > MAX_FORMAT_VERSION) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "client sent format_version=" + formatVersion
                    + " but we only support format " + MAX_FORMAT_VERSION + " or lower");
        }
        if (formatVersion < MIN_FORMAT_VERSION) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "client sent format_version=" + formatVersion
                    + " but we only support format " + MIN_FORMAT_VERSION + " or higher");
        }
    }

    private static PgException listError(String name, String value) {
        return new PgException(INVALID_NAME, "could not parse value \"" + value + "\" for parameter \"" + name + "\"");
    }

    private static boolean bool(String name, String value) throws PgException {
        if (value == null) {
            return true;
        }
        Boolean b = PgValues.parseBool(value);
        if (b == null) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                    "could not parse value \"" + value + "\" for parameter \"" + name + "\"");
        }
        return b;
    }

    /**
     * PostgreSQL 15's {@code parse_int} without units: {@code strtol} with base 0 (decimal, 0x hex, 0 octal,
     * leading white space and a sign allowed), re-read as a double when it stops at '.', 'e' or 'E' or
     * overflows, trailing white space allowed, rounded half to even, within int range; null otherwise.
     */
    static Integer parseInt(String value) {
        Lists.Strtol l = Lists.strtol(value, 0);
        double val = l.value();
        int end = l.end();
        if (l.erange() || end < value.length() && (value.charAt(end) == '.' || value.charAt(end) == 'e'
                || value.charAt(end) == 'E')) {
            Lists.Strtod d = Lists.strtod(value);
            if (d.erange()) {
                return null;
            }
            val = d.value();
            end = d.end();
        }
        if (end == 0 || Double.isNaN(val)) {
            return null;
        }
        while (end < value.length() && Lists.isSpace(value.charAt(end))) {
            end++;
        }
        if (end != value.length()) {
            return null;
        }
        val = Math.rint(val);
        if (val > Integer.MAX_VALUE || val < Integer.MIN_VALUE) {
            return null;
        }
        return (int) val;
    }
}
