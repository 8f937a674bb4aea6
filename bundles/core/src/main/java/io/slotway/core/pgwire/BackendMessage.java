package io.slotway.core.pgwire;

import io.netty.buffer.ByteBuf;
import io.slotway.api.PgException;
import io.slotway.core.pgwire.Protocol.Backend;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Messages to the client, one immutable record each. Each knows its type byte and writes its own body;
 * {@link BackendEncoder} adds the framing.
 */
public sealed interface BackendMessage {

    /** The message type byte. */
    byte type();

    /** Writes the body (everything after the length word). */
    void writeBody(ByteBuf out);

    /**
     * About how many bytes the encoded message takes: what the channel counts against its write-buffer
     * water marks while the message waits to be encoded, so a slow client stops a sender before large
     * messages (a wal2json format 1 document per transaction) pile up in memory.
     */
    default int sizeEstimate() {
        return 64;
    }

    /** The single untyped byte answering SSLRequest or GSSENCRequest: 'N' while TLS is not offered. */
    record EncryptionResponse(byte answer) implements BackendMessage {
        @Override public byte type() { return 0; }
        @Override public void writeBody(ByteBuf out) { out.writeByte(answer); }
    }

    /**
     * An error in protocol 2.0's form ('E', then "FATAL:  message\n" as a C string, no length word):
     * PostgreSQL answers a client speaking protocol 1 or 2 this way, so the client can read it.
     */
    record ErrorResponseV2(PgException error) implements BackendMessage {
        @Override public byte type() { return 0; }
        @Override public void writeBody(ByteBuf out) {
            out.writeByte(Backend.ERROR_RESPONSE);
            string(out, error.severity().name() + ":  " + error.getMessage() + "\n");
        }
    }

    record AuthenticationOk() implements BackendMessage {
        @Override public byte type() { return Backend.AUTHENTICATION; }
        @Override public void writeBody(ByteBuf out) { out.writeInt(Backend.AUTH_OK); }
    }

    record AuthenticationCleartextPassword() implements BackendMessage {
        @Override public byte type() { return Backend.AUTHENTICATION; }
        @Override public void writeBody(ByteBuf out) { out.writeInt(Backend.AUTH_CLEARTEXT_PASSWORD); }
    }

    record AuthenticationSasl(List<String> mechanisms) implements BackendMessage {
        @Override public byte type() { return Backend.AUTHENTICATION; }
        @Override public void writeBody(ByteBuf out) {
            out.writeInt(Backend.AUTH_SASL);
            for (String mechanism : mechanisms) {
                string(out, mechanism);
            }
            out.writeByte(0);
        }
    }

    record AuthenticationSaslContinue(byte[] data) implements BackendMessage {
        @Override public byte type() { return Backend.AUTHENTICATION; }
        @Override public void writeBody(ByteBuf out) {
            out.writeInt(Backend.AUTH_SASL_CONTINUE);
            out.writeBytes(data);
        }
    }

    record AuthenticationSaslFinal(byte[] data) implements BackendMessage {
        @Override public byte type() { return Backend.AUTHENTICATION; }
        @Override public void writeBody(ByteBuf out) {
            out.writeInt(Backend.AUTH_SASL_FINAL);
            out.writeBytes(data);
        }
    }

    record ParameterStatus(String name, String value) implements BackendMessage {
        @Override public byte type() { return Backend.PARAMETER_STATUS; }
        @Override public void writeBody(ByteBuf out) {
            string(out, name);
            string(out, value);
        }
    }

    record BackendKeyData(int processId, int secretKey) implements BackendMessage {
        @Override public byte type() { return Backend.BACKEND_KEY_DATA; }
        @Override public void writeBody(ByteBuf out) {
            out.writeInt(processId);
            out.writeInt(secretKey);
        }
    }

    /** ReadyForQuery with 'I' (idle), 'T' (in a transaction block) or 'E' (in a failed block). */
    record ReadyForQuery(byte status) implements BackendMessage {
        @Override public byte type() { return Backend.READY_FOR_QUERY; }
        @Override public void writeBody(ByteBuf out) { out.writeByte(status); }
    }

    /** One field of a RowDescription. */
    record Field(String name, int tableOid, short columnNumber, int typeOid, short typeLength, int typmod,
                 short format) {}

    record RowDescription(List<Field> fields) implements BackendMessage {
        @Override public byte type() { return Backend.ROW_DESCRIPTION; }
        @Override public void writeBody(ByteBuf out) {
            out.writeShort(fields.size());
            for (Field f : fields) {
                string(out, f.name());
                out.writeInt(f.tableOid());
                out.writeShort(f.columnNumber());
                out.writeInt(f.typeOid());
                out.writeShort(f.typeLength());
                out.writeInt(f.typmod());
                out.writeShort(f.format());
            }
        }
    }

    /** One row; a null entry is SQL NULL. */
    record DataRow(byte[][] values) implements BackendMessage {
        @Override public byte type() { return Backend.DATA_ROW; }
        @Override public int sizeEstimate() {
            int n = 7;
            for (byte[] v : values) {
                n += 4 + (v == null ? 0 : v.length);
            }
            return n;
        }
        @Override public void writeBody(ByteBuf out) {
            out.writeShort(values.length);
            for (byte[] v : values) {
                if (v == null) {
                    out.writeInt(-1);
                } else {
                    out.writeInt(v.length);
                    out.writeBytes(v);
                }
            }
        }
    }

    record CommandComplete(String tag) implements BackendMessage {
        @Override public byte type() { return Backend.COMMAND_COMPLETE; }
        @Override public void writeBody(ByteBuf out) { string(out, tag); }
    }

    record EmptyQueryResponse() implements BackendMessage {
        @Override public byte type() { return Backend.EMPTY_QUERY_RESPONSE; }
        @Override public void writeBody(ByteBuf out) { }
    }

    record ErrorResponse(PgException error) implements BackendMessage {
        @Override public byte type() { return Backend.ERROR_RESPONSE; }
        @Override public void writeBody(ByteBuf out) { fields(out, error); }
    }

    record NoticeResponse(PgException notice) implements BackendMessage {
        @Override public byte type() { return Backend.NOTICE_RESPONSE; }
        @Override public void writeBody(ByteBuf out) { fields(out, notice); }
    }

    record ParseComplete() implements BackendMessage {
        @Override public byte type() { return Backend.PARSE_COMPLETE; }
        @Override public void writeBody(ByteBuf out) { }
    }

    record BindComplete() implements BackendMessage {
        @Override public byte type() { return Backend.BIND_COMPLETE; }
        @Override public void writeBody(ByteBuf out) { }
    }

    record CloseComplete() implements BackendMessage {
        @Override public byte type() { return Backend.CLOSE_COMPLETE; }
        @Override public void writeBody(ByteBuf out) { }
    }

    record NoData() implements BackendMessage {
        @Override public byte type() { return Backend.NO_DATA; }
        @Override public void writeBody(ByteBuf out) { }
    }

    record ParameterDescription(int[] typeOids) implements BackendMessage {
        @Override public byte type() { return Backend.PARAMETER_DESCRIPTION; }
        @Override public void writeBody(ByteBuf out) {
            out.writeShort(typeOids.length);
            for (int oid : typeOids) {
                out.writeInt(oid);
            }
        }
    }

    record PortalSuspended() implements BackendMessage {
        @Override public byte type() { return Backend.PORTAL_SUSPENDED; }
        @Override public void writeBody(ByteBuf out) { }
    }

    /** CopyBothResponse for a replication stream: text format overall, no columns. */
    record CopyBothResponse() implements BackendMessage {
        @Override public byte type() { return Backend.COPY_BOTH_RESPONSE; }
        @Override public void writeBody(ByteBuf out) {
            out.writeByte(0);
            out.writeShort(0);
        }
    }

    /** CopyOutResponse: the overall format (0 text, 1 binary) and the same format for each of {@code columns}. */
    record CopyOutResponse(int format, int columns) implements BackendMessage {
        @Override public byte type() { return Backend.COPY_OUT_RESPONSE; }
        @Override public void writeBody(ByteBuf out) {
            out.writeByte(format);
            out.writeShort(columns);
            for (int i = 0; i < columns; i++) {
                out.writeShort(format);
            }
        }
    }

    record CopyData(byte[] data) implements BackendMessage {
        @Override public byte type() { return Backend.COPY_DATA; }
        @Override public int sizeEstimate() { return 5 + data.length; }
        @Override public void writeBody(ByteBuf out) { out.writeBytes(data); }
    }

    record CopyDone() implements BackendMessage {
        @Override public byte type() { return Backend.COPY_DONE; }
        @Override public void writeBody(ByteBuf out) { }
    }

    record NegotiateProtocolVersion(int newestMinor, List<String> unrecognizedOptions) implements BackendMessage {
        @Override public byte type() { return Backend.NEGOTIATE_PROTOCOL_VERSION; }
        @Override public void writeBody(ByteBuf out) {
            out.writeInt(Protocol.PROTOCOL_3_0 | newestMinor);
            out.writeInt(unrecognizedOptions.size());
            for (String option : unrecognizedOptions) {
                string(out, option);
            }
        }
    }

    /** The fields of an ErrorResponse or NoticeResponse, in the order PostgreSQL sends them. */
    private static void fields(ByteBuf out, PgException e) {
        field(out, 'S', e.severity().name());
        field(out, 'V', e.severity().name());
        field(out, 'C', e.sqlState());
        field(out, 'M', e.getMessage());
        field(out, 'D', e.detail());
        field(out, 'H', e.hint());
        if (e.position() > 0) {
            field(out, 'P', Integer.toString(e.position()));
        }
        out.writeByte(0);
    }

    private static void field(ByteBuf out, char code, String value) {
        if (value != null) {
            out.writeByte(code);
            string(out, value);
        }
    }

    /** A NUL-terminated UTF-8 string. */
    static void string(ByteBuf out, String s) {
        out.writeCharSequence(s, StandardCharsets.UTF_8);
        out.writeByte(0);
    }
}
