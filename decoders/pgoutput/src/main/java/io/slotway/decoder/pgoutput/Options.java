package io.slotway.decoder.pgoutput;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * pgoutput's options as PostgreSQL 15 reads them ({@code parse_output_parameters} and the checks of
 * {@code pgoutput_startup}), with its error texts and SQLSTATEs. PostgreSQL 15 knows {@code proto_version},
 * {@code publication_names}, {@code binary}, {@code messages}, {@code streaming} and {@code two_phase};
 * {@code origin} arrived in PostgreSQL 16 and is rejected here as PostgreSQL 15 rejects it.
 */
final class Options {
    /** {@code LOGICALREP_PROTO_MIN_VERSION_NUM}. */
    static final int MIN_VERSION = 1;
    /** {@code LOGICALREP_PROTO_STREAM_VERSION_NUM}. */
    static final int STREAM_VERSION = 2;
    /** {@code LOGICALREP_PROTO_TWOPHASE_VERSION_NUM}, also PostgreSQL 15's maximum. */
    static final int TWOPHASE_VERSION = 3;
    static final int MAX_VERSION = TWOPHASE_VERSION;

    /** {@code ERRCODE_INVALID_NAME}. */
    private static final String INVALID_NAME = "42602";
    /** {@code NAMEDATALEN - 1}: identifiers are cut to this many bytes. */
    private static final int MAX_IDENTIFIER_BYTES = 63;
    private static final BigInteger ULONG_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final long UINT32_MAX = 0xFFFFFFFFL;

    /** The requested protocol version, as PostgreSQL prints it ({@code %d} of a uint32). */
    final int protoVersion;
    final List<String> publicationNames;
    final boolean binary;
    final boolean messages;
    final boolean streaming;
    final boolean twoPhase;

    private Options(int protoVersion, List<String> publicationNames, boolean binary, boolean messages,
                    boolean streaming, boolean twoPhase) {
        this.protoVersion = protoVersion;
        this.publicationNames = List.copyOf(publicationNames);
        this.binary = binary;
        this.messages = messages;
        this.streaming = streaming;
        this.twoPhase = twoPhase;
    }

    /** Parses the options in the order given (repeats included); a null value is a bare option. */
    static Options parse(List<Map.Entry<String, String>> options) throws PgException {
        Long protoVersion = null;
        List<String> publicationNames = null;
        Boolean binary = null;
        Boolean messages = null;
        Boolean streaming = null;
        Boolean twoPhase = null;
        for (Map.Entry<String, String> o : options) {
            String name = o.getKey();
            String value = o.getValue();
            switch (name) {
                case "proto_version" -> {
                    once(protoVersion);
                    protoVersion = protoVersion(value);
                }
                case "publication_names" -> {
                    once(publicationNames);
                    publicationNames = value == null ? null : splitIdentifiers(value);
                    if (publicationNames == null) {
                        throw new PgException(INVALID_NAME, "invalid publication_names syntax");
                    }
                }
                case "binary" -> {
                    once(binary);
                    binary = bool(name, value);
                }
                case "messages" -> {
                    once(messages);
                    messages = bool(name, value);
                }
                case "streaming" -> {
                    once(streaming);
                    streaming = bool(name, value);
                }
                case "two_phase" -> {
                    once(twoPhase);
                    twoPhase = bool(name, value);
                }
                // PostgreSQL raises this one with elog, hence XX000
                default -> throw new PgException(SqlState.INTERNAL_ERROR, "unrecognized pgoutput option: " + name);
            }
        }
        int version = protoVersion == null ? 0 : (int) protoVersion.longValue();
        if (Integer.compareUnsigned(version, MAX_VERSION) > 0) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "client sent proto_version=" + version
                    + " but we only support protocol " + MAX_VERSION + " or lower");
        }
        if (Integer.compareUnsigned(version, MIN_VERSION) < 0) {
            throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "client sent proto_version=" + version
                    + " but we only support protocol " + MIN_VERSION + " or higher");
        }
        if (publicationNames == null || publicationNames.isEmpty()) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "publication_names parameter missing");
        }
        boolean stream = Boolean.TRUE.equals(streaming);
        if (stream && version < STREAM_VERSION) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "requested proto_version=" + version
                    + " does not support streaming, need " + STREAM_VERSION + " or higher");
        }
        boolean twoPhaseOn = Boolean.TRUE.equals(twoPhase);
        if (twoPhaseOn && version < TWOPHASE_VERSION) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "requested proto_version=" + version
                    + " does not support two-phase commit, need " + TWOPHASE_VERSION + " or higher");
        }
        return new Options(version, publicationNames, Boolean.TRUE.equals(binary), Boolean.TRUE.equals(messages),
                stream, twoPhaseOn);
    }

    private static void once(Object seen) throws PgException {
        if (seen != null) {
            throw new PgException(SqlState.SYNTAX_ERROR, "conflicting or redundant options");
        }
    }

    /**
     * {@code strtoul(value, &end, 10)} with PostgreSQL's checks: any trailing character or an overflow of
     * unsigned long is "invalid", a value above 2^32-1 (a negative one wraps around) "out of range". A bare
     * option (a null value, which PostgreSQL 15 does not guard against) counts as invalid.
     */
    private static long protoVersion(String value) throws PgException {
        PgException invalid = new PgException(SqlState.INVALID_PARAMETER_VALUE, "invalid proto_version");
        if (value == null) {
            throw invalid;
        }
        int i = 0;
        while (i < value.length() && isCSpace(value.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < value.length() && (value.charAt(i) == '+' || value.charAt(i) == '-')) {
            negative = value.charAt(i) == '-';
            i++;
        }
        int digits = i;
        while (i < value.length() && value.charAt(i) >= '0' && value.charAt(i) <= '9') {
            i++;
        }
        BigInteger parsed;
        if (i == digits) {
            // no conversion: strtoul returns 0 and points end at the start of the string
            if (!value.isEmpty()) {
                throw invalid;
            }
            parsed = BigInteger.ZERO;
        } else {
            if (i != value.length()) {
                throw invalid;
            }
            parsed = new BigInteger(value.substring(digits, i));
            if (parsed.compareTo(ULONG_MAX) > 0) {
                throw invalid;
            }
            if (negative) {
                parsed = parsed.negate().and(ULONG_MAX);
            }
        }
        if (parsed.compareTo(BigInteger.valueOf(UINT32_MAX)) > 0) {
            throw new PgException(SqlState.INVALID_PARAMETER_VALUE, "proto_version \"" + value + "\" out of range");
        }
        return parsed.longValue();
    }

    private static boolean isCSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
    }

    /** {@code defGetBoolean}: bare means true; otherwise only true, false, on, off in any ASCII case. */
    private static boolean bool(String name, String value) throws PgException {
        if (value == null) {
            return true;
        }
        if (asciiEqualsIgnoreCase(value, "true") || asciiEqualsIgnoreCase(value, "on")) {
            return true;
        }
        if (asciiEqualsIgnoreCase(value, "false") || asciiEqualsIgnoreCase(value, "off")) {
            return false;
        }
        throw new PgException(SqlState.SYNTAX_ERROR, name + " requires a Boolean value");
    }

    private static boolean asciiEqualsIgnoreCase(String value, String lower) {
        if (value.length() != lower.length()) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c >= 'A' && c <= 'Z' ? (char) (c + 32) : c) != lower.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code SplitIdentifierString(value, ',')}: names separated by commas, white space around them ignored,
     * unquoted names down-cased (ASCII), {@code ""} inside quotes a quote, each cut to 63 bytes. Returns
     * null for bad syntax, an empty list for an empty or blank string.
     */
    static List<String> splitIdentifiers(String value) {
        List<String> names = new ArrayList<>();
        int i = 0;
        int n = value.length();
        while (i < n && isScannerSpace(value.charAt(i))) {
            i++;
        }
        if (i == n) {
            return names;
        }
        while (true) {
            String name;
            if (i < n && value.charAt(i) == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (true) {
                    int quote = value.indexOf('"', i);
                    if (quote < 0) {
                        return null;
                    }
                    b.append(value, i, quote);
                    i = quote + 1;
                    if (i < n && value.charAt(i) == '"') {
                        b.append('"');
                        i++;
                    } else {
                        break;
                    }
                }
                name = b.toString();
            } else {
                int start = i;
                while (i < n && value.charAt(i) != ',' && !isScannerSpace(value.charAt(i))) {
                    i++;
                }
                if (start == i) {
                    return null;
                }
                name = downcase(value.substring(start, i));
            }
            while (i < n && isScannerSpace(value.charAt(i))) {
                i++;
            }
            names.add(truncate(name));
            if (i == n) {
                return names;
            }
            if (value.charAt(i) != ',') {
                return null;
            }
            i++;
            while (i < n && isScannerSpace(value.charAt(i))) {
                i++;
            }
        }
    }

    /** {@code scanner_isspace} of PostgreSQL 15 (no vertical tab). */
    private static boolean isScannerSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    /** {@code downcase_truncate_identifier} in a UTF-8 database: only ASCII letters change. */
    private static String downcase(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 'A' && c <= 'Z' ? (char) (c + 32) : c);
        }
        return b.toString();
    }

    /** {@code truncate_identifier}: at most 63 bytes, never splitting a character. */
    private static String truncate(String s) {
        if (s.getBytes(StandardCharsets.UTF_8).length <= MAX_IDENTIFIER_BYTES) {
            return s;
        }
        int bytes = 0;
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            int len = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + len > MAX_IDENTIFIER_BYTES) {
                break;
            }
            bytes += len;
            i += Character.charCount(cp);
        }
        return s.substring(0, i);
    }
}
