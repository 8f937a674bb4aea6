package io.slotway.decoder.wal2json;

import io.slotway.api.decoding.OutputWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A growing byte buffer, PostgreSQL's {@code StringInfo}: text is appended as UTF-8, JSON strings through
 * {@link #json(String)} (PostgreSQL's {@code escape_json}).
 */
final class Buf {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    Buf add(String s) {
        bytes.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    Buf add(char c) {
        if (c < 0x80) {
            bytes.write(c);
            return this;
        }
        return add(String.valueOf(c));
    }

    Buf add(Buf other) {
        bytes.writeBytes(other.bytes.toByteArray());
        return this;
    }

    boolean isEmpty() {
        return bytes.size() == 0;
    }

    /**
     * PostgreSQL 15's {@code escape_json}: the string in double quotes; {@code "} and {@code \} escaped with a
     * backslash, \b \f \n \r \t by name, other characters below U+0020 as {@code \\u00XX} (lower-case hex),
     * everything else (non-ASCII included) as it is.
     */
    Buf json(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < ' ') {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return add(b.append('"').toString());
    }

    /**
     * {@code escape_json} over raw bytes up to the first NUL, as wal2json writes a message's content (it copies
     * the content into a C string first, so a NUL ends it); bytes that are not valid UTF-8 pass unchanged.
     */
    Buf json(byte[] content) {
        bytes.write('"');
        for (byte x : content) {
            int c = x & 0xFF;
            if (c == 0) {
                break;
            }
            switch (c) {
                case '\b' -> add("\\b");
                case '\f' -> add("\\f");
                case '\n' -> add("\\n");
                case '\r' -> add("\\r");
                case '\t' -> add("\\t");
                case '"' -> add("\\\"");
                case '\\' -> add("\\\\");
                default -> {
                    if (c < ' ') {
                        add(String.format("\\u%04x", c));
                    } else {
                        bytes.write(c);
                    }
                }
            }
        }
        bytes.write('"');
        return this;
    }

    /** Sends the buffer as one output message. */
    void writeTo(OutputWriter out) {
        out.prepareWrite(true);
        out.appendBytes(bytes.toByteArray());
        out.write(true);
    }
}
