package io.slotway.api.types;

import io.slotway.api.PgException;

/**
 * PostgreSQL's input, output, send and receive functions for the built-in types.
 *
 * <p>Canonical Java form of a value, by type:
 * <ul>
 *   <li>bool: Boolean; int2: Short; int4: Integer; int8: Long; oid, xid: Long; regclass, regtype, regproc,
 *       regnamespace: Long (output as the number) or {@link PgRegValue} (output as its name, sent as its OID)</li>
 *   <li>int2vector, oidvector: String in the output form ({@code "1 2"}); pg_node_tree, aclitem: String</li>
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

    /** An address as PostgreSQL's {@code inet} output writes it ({@code 127.0.0.1}, {@code ::1}, {@code fe80::1}). */
    public static String inetText(java.net.InetAddress address) {
        String s = address.getHostAddress();
        return address.getAddress().length == 16 ? Inets.compress(s) : s;
    }

    /**
     * PostgreSQL's {@code parse_bool}, as plugins and settings read Boolean options: any prefix of
     * true/false/yes/no (ignoring ASCII case), on, off or its prefix "of", 1 and 0; null for anything
     * else (the empty string included).
     */
    public static Boolean parseBool(String value) {
        if (value.isEmpty()) {
            return null;
        }
        StringBuilder lower = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            lower.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        String v = lower.toString();
        switch (v.charAt(0)) {
            case 't':
                return "true".startsWith(v) ? Boolean.TRUE : null;
            case 'f':
                return "false".startsWith(v) ? Boolean.FALSE : null;
            case 'y':
                return "yes".startsWith(v) ? Boolean.TRUE : null;
            case 'n':
                return "no".startsWith(v) ? Boolean.FALSE : null;
            case 'o':
                // a lone "o" is ambiguous: PostgreSQL compares at least two characters
                if (v.equals("on")) {
                    return Boolean.TRUE;
                }
                return v.length() >= 2 && "off".startsWith(v) ? Boolean.FALSE : null;
            case '1':
                return v.length() == 1 ? Boolean.TRUE : null;
            case '0':
                return v.length() == 1 ? Boolean.FALSE : null;
            default:
                return null;
        }
    }
}
