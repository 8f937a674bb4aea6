package io.slotway.api.types;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.util.Locale;
import java.util.UUID;

/** Text input and output functions. Package-private: reached through {@link PgValues}. */
final class PgTextCodec {
    private PgTextCodec() {}

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    static String output(PgType type, Object value, SessionFormat format) {
        if (value == null) {
            return null;
        }
        if (type.isArray()) {
            return Arrays.output(type.elementType(), (PgArray) value, format);
        }
        switch (type.name()) {
            case "bool":
                return ((Boolean) value) ? "t" : "f";
            case "int2": case "int4": case "int8":
            case "oid": case "xid": case "regclass": case "regtype": case "regproc": case "regnamespace":
                return value.toString();
            case "float4":
                return Floats.output4((Float) value, format.extraFloatDigits());
            case "float8":
                return Floats.output8((Double) value, format.extraFloatDigits());
            case "numeric":
                return Numerics.output(value);
            case "bytea":
                return format.byteaHex() ? byteaHex((byte[]) value) : byteaEscape((byte[]) value);
            case "uuid":
                return value.toString().toLowerCase(Locale.ROOT);
            case "date":
                return DateTimes.formatDate((LocalDate) value, format);
            case "time":
                return DateTimes.formatTime((LocalTime) value);
            case "timetz":
                return DateTimes.formatTimetz((OffsetTime) value);
            case "timestamp":
                return DateTimes.formatTimestamp((LocalDateTime) value, format);
            case "timestamptz":
                return DateTimes.formatTimestamptz((Instant) value, format);
            case "interval":
                return Intervals.output((PgInterval) value, format.intervalStyle());
            case "pg_lsn":
                return lsn((Long) value);
            default:
                // text, varchar, bpchar, name, char, json, jsonb (already normalised), unknown
                return value.toString();
        }
    }

    static Object input(PgType type, int typmod, String text, SessionFormat format) throws PgException {
        if (text == null) {
            return null;
        }
        if (type.isArray()) {
            return Arrays.input(type, typmod, text, format);
        }
        switch (type.name()) {
            case "bool":
                return bool(text);
            case "int2":
                return (short) integer(text, Short.MIN_VALUE, Short.MAX_VALUE, "smallint");
            case "int4":
                return (int) integer(text, Integer.MIN_VALUE, Integer.MAX_VALUE, "integer");
            case "int8":
                return integer(text, Long.MIN_VALUE, Long.MAX_VALUE, "bigint");
            case "oid": case "xid": case "regclass": case "regtype": case "regproc": case "regnamespace":
                return unsigned32(text, type.name());
            case "float4":
                return Floats.input4(text);
            case "float8":
                return Floats.input8(text);
            case "numeric":
                return Numerics.input(text, typmod);
            case "varchar":
                return varchar(text, typmod);
            case "bpchar":
                return bpchar(text, typmod);
            case "name":
                return name(text);
            case "char":
                return charType(text);
            case "bytea":
                return bytea(text);
            case "uuid":
                return uuid(text);
            case "date":
                return DateTimes.parseDate(text, format);
            case "time":
                return DateTimes.parseTime(text, typmod);
            case "timetz":
                return DateTimes.parseTimetz(text, typmod, format);
            case "timestamp":
                return DateTimes.parseTimestamp(text, typmod, format);
            case "timestamptz":
                return DateTimes.parseTimestamptz(text, typmod, format);
            case "interval":
                return Intervals.input(text, typmod, format.intervalStyle());
            case "json":
                Jsons.validate(text);
                return text;
            case "jsonb":
                return Jsons.normalise(text);
            case "pg_lsn":
                return parseLsn(text);
            default:
                return text;
        }
    }

    // ---- bool ----

    static Boolean bool(String text) throws PgException {
        String s = text.strip().toLowerCase(Locale.ROOT);
        int n = s.length();
        if (n > 0) {
            switch (s.charAt(0)) {
                case 't': if ("true".startsWith(s)) return Boolean.TRUE; break;
                case 'f': if ("false".startsWith(s)) return Boolean.FALSE; break;
                case 'y': if ("yes".startsWith(s)) return Boolean.TRUE; break;
                case 'n': if ("no".startsWith(s)) return Boolean.FALSE; break;
                case 'o':
                    if (n >= 2 && "on".startsWith(s)) return Boolean.TRUE;
                    if (n >= 2 && "off".startsWith(s)) return Boolean.FALSE;
                    break;
                case '1': if (n == 1) return Boolean.TRUE; break;
                case '0': if (n == 1) return Boolean.FALSE; break;
                default: break;
            }
        }
        throw syntax("boolean", text);
    }

    // ---- integers ----

    /** PostgreSQL 15's pg_strtoint: optional blanks, sign, decimal digits, optional blanks. */
    static long integer(String text, long min, long max, String typeName) throws PgException {
        int i = 0;
        int n = text.length();
        while (i < n && isSpace(text.charAt(i))) i++;
        boolean neg = false;
        if (i < n && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
            neg = text.charAt(i) == '-';
            i++;
        }
        int start = i;
        long acc = 0; // accumulate negatively to reach MIN_VALUE
        boolean overflow = false;
        while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            int d = text.charAt(i) - '0';
            if (acc < (Long.MIN_VALUE + d) / 10) {
                overflow = true;
            } else {
                acc = acc * 10 - d;
            }
            i++;
        }
        if (i == start) throw syntax(typeName, text);
        while (i < n && isSpace(text.charAt(i))) i++;
        if (i != n) throw syntax(typeName, text);
        if (!overflow && !neg && acc == Long.MIN_VALUE) overflow = true;
        long v = neg ? acc : -acc;
        if (overflow || v < min || v > max) {
            throw new PgException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
                    "value \"" + text + "\" is out of range for type " + typeName);
        }
        return v;
    }

    /** oidin/xidin: strtoul semantics (a minus sign wraps), range-checked to 32 bits. */
    static Long unsigned32(String text, String typeName) throws PgException {
        String s = text.strip();
        if (typeName.equals("xid")) {
            // xidin accepts whatever strtoul accepts and truncates; keep to the common decimal form
            try {
                return Long.parseLong(s) & 0xFFFFFFFFL;
            } catch (NumberFormatException e) {
                throw syntax(typeName, text);
            }
        }
        long v;
        try {
            v = integer(text, Long.MIN_VALUE, Long.MAX_VALUE, typeName);
        } catch (PgException e) {
            if (e.sqlState().equals(SqlState.NUMERIC_VALUE_OUT_OF_RANGE)) {
                throw new PgException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
                        "value \"" + text + "\" is out of range for type " + typeName);
            }
            throw e;
        }
        if (v > 0xFFFFFFFFL || v < -0xFFFFFFFFL || (v < 0 && v < Integer.MIN_VALUE)) {
            throw new PgException(SqlState.NUMERIC_VALUE_OUT_OF_RANGE,
                    "value \"" + text + "\" is out of range for type " + typeName);
        }
        return v & 0xFFFFFFFFL;
    }

    // ---- character types ----

    static String varchar(String text, int typmod) throws PgException {
        if (typmod < 4) return text;
        int max = typmod - 4;
        int len = text.codePointCount(0, text.length());
        if (len <= max) return text;
        int cut = text.offsetByCodePoints(0, max);
        for (int i = cut; i < text.length(); i++) {
            if (text.charAt(i) != ' ') {
                throw new PgException(SqlState.STRING_DATA_RIGHT_TRUNCATION,
                        "value too long for type character varying(" + max + ")");
            }
        }
        return text.substring(0, cut);
    }

    static String bpchar(String text, int typmod) throws PgException {
        if (typmod < 4) return text;
        int max = typmod - 4;
        int len = text.codePointCount(0, text.length());
        if (len > max) {
            int cut = text.offsetByCodePoints(0, max);
            for (int i = cut; i < text.length(); i++) {
                if (text.charAt(i) != ' ') {
                    throw new PgException(SqlState.STRING_DATA_RIGHT_TRUNCATION,
                            "value too long for type character(" + max + ")");
                }
            }
            return text.substring(0, cut);
        }
        return text + " ".repeat(max - len);
    }

    /** name: truncated to 63 bytes at a character boundary. */
    static String name(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        if (b.length <= 63) return text;
        int bytes = 0;
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            int w = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + w > 63) break;
            bytes += w;
            i += Character.charCount(cp);
        }
        return text.substring(0, i);
    }

    /** "char": the first byte (here: the first character). */
    static String charType(String text) {
        if (text.isEmpty()) return "";
        return text.substring(0, Character.charCount(text.codePointAt(0)));
    }

    // ---- bytea ----

    static String byteaHex(byte[] b) {
        char[] out = new char[2 + b.length * 2];
        out[0] = '\\';
        out[1] = 'x';
        for (int i = 0; i < b.length; i++) {
            out[2 + 2 * i] = HEX[(b[i] >> 4) & 0xF];
            out[3 + 2 * i] = HEX[b[i] & 0xF];
        }
        return new String(out);
    }

    static String byteaEscape(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        for (byte x : b) {
            int c = x & 0xFF;
            if (c == '\\') {
                sb.append("\\\\");
            } else if (c < 0x20 || c > 0x7e) {
                sb.append('\\').append((char) ('0' + (c >> 6))).append((char) ('0' + ((c >> 3) & 7))).append((char) ('0' + (c & 7)));
            } else {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    static byte[] bytea(String text) throws PgException {
        if (text.length() >= 2 && text.charAt(0) == '\\' && text.charAt(1) == 'x') {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length() / 2);
            int i = 2;
            int n = text.length();
            while (i < n) {
                char c = text.charAt(i);
                if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
                    i++;
                    continue;
                }
                int hi = hexDigit(c, text, i);
                if (i + 1 >= n) {
                    throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "invalid hexadecimal data: odd number of digits");
                }
                int lo = hexDigit(text.charAt(i + 1), text, i + 1);
                out.write((hi << 4) | lo);
                i += 2;
            }
            return out.toByteArray();
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
        byte[] src = text.getBytes(StandardCharsets.UTF_8);
        int i = 0;
        while (i < src.length) {
            if (src[i] != '\\') {
                out.write(src[i++]);
            } else if (i + 1 < src.length && src[i + 1] == '\\') {
                out.write('\\');
                i += 2;
            } else if (i + 3 < src.length && src[i + 1] >= '0' && src[i + 1] <= '3' && isOct(src[i + 2]) && isOct(src[i + 3])) {
                out.write(((src[i + 1] - '0') << 6) | ((src[i + 2] - '0') << 3) | (src[i + 3] - '0'));
                i += 4;
            } else {
                throw new PgException(SqlState.INVALID_TEXT_REPRESENTATION, "invalid input syntax for type bytea");
            }
        }
        return out.toByteArray();
    }

    private static boolean isOct(byte b) {
        return b >= '0' && b <= '7';
    }

    private static int hexDigit(char c, String text, int at) throws PgException {
        int d = Character.digit(c, 16);
        if (d < 0 || c > 'f') {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE,
                    "invalid hexadecimal digit: \"" + new String(Character.toChars(text.codePointAt(at))) + "\"");
        }
        return d;
    }

    // ---- uuid ----

    static UUID uuid(String text) throws PgException {
        int i = 0;
        int n = text.length();
        boolean braces = n > 0 && text.charAt(0) == '{';
        if (braces) i++;
        long hi = 0;
        long lo = 0;
        for (int k = 0; k < 16; k++) {
            if (i + 1 >= n) throw syntax("uuid", text);
            int a = Character.digit(text.charAt(i), 16);
            int b = Character.digit(text.charAt(i + 1), 16);
            if (a < 0 || b < 0 || text.charAt(i) > 'f' || text.charAt(i + 1) > 'f') throw syntax("uuid", text);
            int v = (a << 4) | b;
            if (k < 8) hi = (hi << 8) | v; else lo = (lo << 8) | v;
            i += 2;
            if (k % 2 == 1 && k < 15 && i < n && text.charAt(i) == '-') i++;
        }
        if (braces) {
            if (i >= n || text.charAt(i) != '}') throw syntax("uuid", text);
            i++;
        }
        if (i != n) throw syntax("uuid", text);
        return new UUID(hi, lo);
    }

    // ---- pg_lsn ----

    static String lsn(long v) {
        return Long.toHexString(v >>> 32).toUpperCase(Locale.ROOT) + "/" + Long.toHexString(v & 0xFFFFFFFFL).toUpperCase(Locale.ROOT);
    }

    static Long parseLsn(String text) throws PgException {
        int slash = text.indexOf('/');
        if (slash < 1 || slash > 8 || text.length() - slash - 1 < 1 || text.length() - slash - 1 > 8) {
            throw syntax("pg_lsn", text);
        }
        String a = text.substring(0, slash);
        String b = text.substring(slash + 1);
        if (!a.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c <= 'f')
                || !b.chars().allMatch(c -> Character.digit(c, 16) >= 0 && c <= 'f')) {
            throw syntax("pg_lsn", text);
        }
        return (Long.parseLong(a, 16) << 32) | Long.parseLong(b, 16);
    }

    // ---- shared ----

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
    }

    static PgException syntax(String typeName, String text) {
        return new PgException(SqlState.INVALID_TEXT_REPRESENTATION,
                "invalid input syntax for type " + typeName + ": \"" + text + "\"");
    }

}
