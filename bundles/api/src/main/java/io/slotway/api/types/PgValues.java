package io.slotway.api.types;

import io.slotway.api.PgException;

/**
 * PostgreSQL's input, output, send and receive functions for the built-in types.
 *
 * <p>Canonical Java form of a value, by type:
 * <ul>
 *   <li>bool: Boolean; int2: Short; int4: Integer; int8: Long; oid, xid, regclass, regtype, regproc: Long</li>
 *   <li>float4: Float; float8: Double (NaN and infinities included)</li>
 *   <li>numeric: BigDecimal, or a Double that is NaN or infinite for PostgreSQL's special values</li>
 *   <li>text, varchar, bpchar, name, char: String (bpchar already blank-padded to its length)</li>
 *   <li>bytea: byte[]; uuid: java.util.UUID</li>
 *   <li>date: LocalDate; timestamp: LocalDateTime; timestamptz: Instant; time: LocalTime;
 *       timetz: OffsetTime. {@code infinity}/{@code -infinity} are the MAX/MIN of the Java class</li>
 *   <li>interval: {@link PgInterval}</li>
 *   <li>json: String (kept verbatim); jsonb: String in jsonb's normalised text form</li>
 *   <li>pg_lsn: Long; arrays: {@link PgArray} of canonical elements</li>
 * </ul>
 * Unknown types are carried as their text form (String).
 */
public final class PgValues {
    private PgValues() {}

    /** PostgreSQL's text output for {@code value} of {@code type} under the session's settings. */
    public static String toText(PgType type, Object value, SessionFormat format) {
        return PgTextCodec.output(type, value, format);
    }

    /**
     * PostgreSQL's text input: parses {@code text} as a value of {@code type} with type modifier
     * {@code typmod} (-1 for none), raising the error PostgreSQL raises (22P02, 22003, 22007, 22008, ...).
     */
    public static Object fromText(PgType type, int typmod, String text, SessionFormat format) throws PgException {
        return PgTextCodec.input(type, typmod, text, format);
    }

    /** PostgreSQL's binary send format. */
    public static byte[] toBinary(PgType type, Object value) {
        return PgBinaryCodec.send(type, value);
    }

    /** PostgreSQL's binary receive format; malformed input raises 22P03. */
    public static Object fromBinary(PgType type, int typmod, byte[] data) throws PgException {
        return PgBinaryCodec.receive(type, typmod, data);
    }
}
