package io.slotway.decoder.testdecoding;

import io.slotway.api.types.PgValues;
import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import java.util.Map;

/**
 * test_decoding's options, parsed as PostgreSQL 15's {@code pg_decode_startup} parses them: in the order
 * given, names compared case-sensitively, a bare option (null value) meaning true, values read with
 * {@code parse_bool}, the first bad one raising 22023 with PostgreSQL's own text.
 *
 * <p>Quirks kept on purpose: a bare {@code force-binary}, {@code include-rewrites} or
 * {@code stream-changes} is ignored (PostgreSQL {@code continue}s past them instead of setting true), and
 * PostgreSQL 15's test_decoding has no two-phase option (two-phase decoding is a property of the slot).
 *
 * @param includeXids      {@code include-xids}, default true
 * @param includeTimestamp {@code include-timestamp}, default false
 * @param skipEmptyXacts   {@code skip-empty-xacts}, default false
 * @param onlyLocal        {@code only-local}, default false: skip transactions that carry a replication origin
 * @param forceBinary      {@code force-binary}, default false: the output is declared binary
 * @param includeRewrites  {@code include-rewrites}, default false (Slotway never decodes table rewrites)
 * @param streamChanges    {@code stream-changes}, default false (Slotway only decodes committed transactions)
 */
record Options(boolean includeXids, boolean includeTimestamp, boolean skipEmptyXacts, boolean onlyLocal,
               boolean forceBinary, boolean includeRewrites, boolean streamChanges) {

    static final Options DEFAULT = new Options(true, false, false, false, false, false, false);

    static Options parse(Map<String, String> options) throws PgException {
        boolean includeXids = true;
        boolean includeTimestamp = false;
        boolean skipEmptyXacts = false;
        boolean onlyLocal = false;
        boolean forceBinary = false;
        boolean includeRewrites = false;
        boolean streamChanges = false;
        for (Map.Entry<String, String> option : options.entrySet()) {
            String name = option.getKey();
            String value = option.getValue();
            switch (name) {
                case "include-xids" -> includeXids = value == null || bool(name, value);
                case "include-timestamp" -> includeTimestamp = value == null || bool(name, value);
                case "skip-empty-xacts" -> skipEmptyXacts = value == null || bool(name, value);
                case "only-local" -> onlyLocal = value == null || bool(name, value);
                // PostgreSQL skips these three when they come without a value.
                case "force-binary" -> forceBinary = value == null ? forceBinary : bool(name, value);
                case "include-rewrites" -> includeRewrites = value == null ? includeRewrites : bool(name, value);
                case "stream-changes" -> streamChanges = value == null ? streamChanges : bool(name, value);
                default -> throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                        "option \"" + name + "\" = \"" + (value == null ? "(null)" : value) + "\" is unknown");
            }
        }
        return new Options(includeXids, includeTimestamp, skipEmptyXacts, onlyLocal, forceBinary, includeRewrites,
                streamChanges);
    }

    private static boolean bool(String name, String value) throws PgException {
        Boolean b = PgValues.parseBool(value);
        if (b == null) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                    "could not parse value \"" + value + "\" for parameter \"" + name + "\"");
        }
        return b;
    }

}
