package io.slotway.core.copy;

import io.slotway.api.types.PgType;
import io.slotway.api.types.PgValues;
import io.slotway.api.types.SessionFormat;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes COPY TO's data as PostgreSQL 15's copyto.c does: text ({@code CopyAttributeOutText}), CSV
 * ({@code CopyAttributeOutCSV}) and binary (signature, flags, header extension, then per tuple a field
 * count and per field a length and the type's send form, then the -1 trailer). One call per CopyData
 * message PostgreSQL sends: the header line, each row, and in binary mode the trailer; the binary file
 * header travels in front of the first row (or of the trailer when there is none), as in PostgreSQL.
 */
public final class CopyFormatter {
    private static final byte[] BINARY_SIGNATURE = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0};

    private final CopyOptions options;
    private final List<PgType> types;
    /** Per column: FORCE_QUOTE applies. */
    private final boolean[] forceQuote;
    private final SessionFormat format;
    private final char delim;
    private boolean binaryHeaderSent;

    public CopyFormatter(CopyOptions options, List<PgType> types, boolean[] forceQuote, SessionFormat format) {
        this.options = options;
        this.types = types;
        this.forceQuote = forceQuote;
        this.format = format;
        this.delim = options.delimiter().charAt(0);
    }

    /** The header line (text and CSV with HEADER), or null when none is sent. */
    public byte[] header(List<String> names) {
        if (!options.header() || options.binary()) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                b.append(delim);
            }
            if (options.csv()) {
                csv(b, names.get(i), false, names.size() == 1);
            } else {
                text(b, names.get(i));
            }
        }
        b.append('\n');
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** One row of canonical values (null is SQL NULL) as one CopyData payload. */
    public byte[] row(Object[] values) {
        if (options.binary()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            startBinary(out);
            writeShort(out, values.length);
            for (int i = 0; i < values.length; i++) {
                if (values[i] == null) {
                    writeInt(out, -1);
                } else {
                    byte[] data = PgValues.toBinary(types.get(i), values[i]);
                    writeInt(out, data.length);
                    out.writeBytes(data);
                }
            }
            return out.toByteArray();
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            if (i > 0) {
                b.append(delim);
            }
            if (values[i] == null) {
                b.append(options.nullString());
            } else {
                String s = PgValues.toText(types.get(i), values[i], format);
                if (options.csv()) {
                    csv(b, s, forceQuote[i], values.length == 1);
                } else {
                    text(b, s);
                }
            }
        }
        b.append('\n');
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The binary trailer (with the file header if no row carried it), or null in text and CSV. */
    public byte[] trailer() {
        if (!options.binary()) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        startBinary(out);
        writeShort(out, -1);
        return out.toByteArray();
    }

    private void startBinary(ByteArrayOutputStream out) {
        if (!binaryHeaderSent) {
            binaryHeaderSent = true;
            out.writeBytes(BINARY_SIGNATURE);
            writeInt(out, 0); // flags
            writeInt(out, 0); // header extension length
        }
    }

    /** CopyAttributeOutText: backslash, the delimiter and the control characters it names are escaped. */
    private void text(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20) {
                char e = switch (c) {
                    case '\b' -> 'b';
                    case '\f' -> 'f';
                    case '\n' -> 'n';
                    case '\r' -> 'r';
                    case '\t' -> 't';
                    case 0x0b -> 'v';
                    default -> 0;
                };
                if (e != 0) {
                    b.append('\\').append(e);
                } else if (c == delim) {
                    b.append('\\').append(c);
                } else {
                    b.append(c);
                }
            } else if (c == '\\' || c == delim) {
                b.append('\\').append(c);
            } else {
                b.append(c);
            }
        }
    }

    /**
     * CopyAttributeOutCSV: quoted when forced, when equal to the NULL string, when it holds the delimiter,
     * the quote, CR or LF, or when it is {@code \.} alone on a line (a single column); inside quotes the
     * quote and escape characters are preceded by the escape character.
     */
    private void csv(StringBuilder b, String s, boolean useQuote, boolean singleAttr) {
        char quote = options.quote().charAt(0);
        char escape = options.escape().charAt(0);
        if (!useQuote && s.equals(options.nullString())) {
            useQuote = true;
        }
        if (!useQuote) {
            if (singleAttr && s.equals("\\.")) {
                useQuote = true;
            } else {
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (c == delim || c == quote || c == '\n' || c == '\r') {
                        useQuote = true;
                        break;
                    }
                }
            }
        }
        if (!useQuote) {
            b.append(s);
            return;
        }
        b.append(quote);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == quote || c == escape) {
                b.append(escape);
            }
            b.append(c);
        }
        b.append(quote);
    }

    private static void writeShort(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }
}
