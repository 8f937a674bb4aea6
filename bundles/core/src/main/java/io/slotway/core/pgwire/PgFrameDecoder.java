package io.slotway.core.pgwire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.core.pgwire.FrontendMessage.Invalid;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts the client's byte stream into {@link FrontendMessage}s. Lengths are checked before any body is
 * buffered, so an oversized or negative length costs nothing; a broken frame yields one FATAL
 * {@link Invalid} and everything after it is discarded.
 */
public final class PgFrameDecoder extends ByteToMessageDecoder {

    enum State { STARTUP, MESSAGES, BROKEN }

    private final int maxMessageLength;
    private State state = State.STARTUP;

    /** @param maxMessageLength the largest Query/Parse/Bind/CopyData body accepted, in bytes */
    public PgFrameDecoder(int maxMessageLength) {
        this.maxMessageLength = maxMessageLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (state != State.BROKEN) {
            Object message = state == State.STARTUP ? startup(in) : typed(in);
            if (message == null) {
                return;
            }
            out.add(message);
        }
        in.skipBytes(in.readableBytes());
    }

    private Object startup(ByteBuf in) {
        if (in.readableBytes() < 4) {
            return null;
        }
        int length = in.getInt(in.readerIndex());
        if (length < 8 || length > Protocol.MAX_STARTUP_PACKET_LENGTH) {
            return broken(badStartupLength());
        }
        if (in.readableBytes() < length) {
            return null;
        }
        in.skipBytes(4);
        ByteBuf body = in.readSlice(length - 4);
        int code = body.readInt();
        switch (code) {
            case Protocol.SSL_REQUEST_CODE:
                return length == 8 ? new FrontendMessage.SslRequest() : broken(badStartupLength());
            case Protocol.GSSENC_REQUEST_CODE:
                return length == 8 ? new FrontendMessage.GssEncRequest() : broken(badStartupLength());
            case Protocol.CANCEL_REQUEST_CODE:
                if (length != 16) {
                    return broken(badStartupLength());
                }
                state = State.MESSAGES;
                return new FrontendMessage.CancelRequest(body.readInt(), body.readInt());
            default:
                state = State.MESSAGES;
                return startupMessage(code, body);
        }
    }

    /** PostgreSQL logs this and closes the connection without a reply. */
    private static PgException badStartupLength() {
        return logOnly("invalid length of startup packet");
    }

    private static PgException logOnly(String message) {
        return new PgException(PgException.Severity.LOG, SqlState.PROTOCOL_VIOLATION, message, null, null, 0, null);
    }

    private Object startupMessage(int version, ByteBuf body) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if ((version >>> 16) != 3) {
            // Other majors are refused by the caller; their bodies are not read.
            return new FrontendMessage.Startup(version, parameters);
        }
        while (true) {
            String name = cString(body);
            if (name == null) {
                return broken(layoutError());
            }
            if (name.isEmpty()) {
                if (body.isReadable()) {
                    return broken(layoutError());
                }
                return new FrontendMessage.Startup(version, parameters);
            }
            String value = cString(body);
            if (value == null) {
                return broken(layoutError());
            }
            parameters.put(name, value);
        }
    }

    private static PgException layoutError() {
        return PgException.fatal(SqlState.PROTOCOL_VIOLATION,
                "invalid startup packet layout: expected terminator as last byte");
    }

    private Object typed(ByteBuf in) {
        if (in.readableBytes() < 5) {
            return null;
        }
        byte type = in.getByte(in.readerIndex());
        int length = in.getInt(in.readerIndex() + 1);
        int limit = Protocol.Frontend.isLarge(type) ? maxMessageLength : Protocol.SMALL_MESSAGE_LIMIT;
        if (length < 4 || length - 4 > limit) {
            return broken(logOnly("invalid message length"));
        }
        if (in.readableBytes() < length + 1) {
            return null;
        }
        in.skipBytes(5);
        ByteBuf body = in.readSlice(length - 4);
        try {
            Object message = parse(type, body);
            if (message instanceof Invalid invalid && invalid.fatal()) {
                state = State.BROKEN;
            } else if (body.isReadable()) {
                return new Invalid(new PgException(SqlState.PROTOCOL_VIOLATION,
                        "invalid message format"));
            }
            return message;
        } catch (IndexOutOfBoundsException e) {
            return new Invalid(new PgException(SqlState.PROTOCOL_VIOLATION, "insufficient data left in message"));
        } catch (MalformedString e) {
            return new Invalid(new PgException(SqlState.PROTOCOL_VIOLATION, "invalid string in message"));
        }
    }

    private Object parse(byte type, ByteBuf body) {
        switch (type) {
            case Protocol.Frontend.QUERY:
                return new FrontendMessage.Query(string(body));
            case Protocol.Frontend.PARSE: {
                String name = string(body);
                String sql = string(body);
                int n = body.readUnsignedShort();
                int[] types = new int[n];
                for (int i = 0; i < n; i++) {
                    types[i] = body.readInt();
                }
                return new FrontendMessage.Parse(name, sql, types);
            }
            case Protocol.Frontend.BIND:
                return bind(body);
            case Protocol.Frontend.DESCRIBE: {
                byte kind = body.readByte();
                String name = string(body);
                if (kind != 'S' && kind != 'P') {
                    return new Invalid(new PgException(SqlState.PROTOCOL_VIOLATION,
                            "invalid DESCRIBE message subtype " + kind));
                }
                return new FrontendMessage.Describe(kind, name);
            }
            case Protocol.Frontend.EXECUTE:
                return new FrontendMessage.Execute(string(body), body.readInt());
            case Protocol.Frontend.CLOSE: {
                byte kind = body.readByte();
                String name = string(body);
                if (kind != 'S' && kind != 'P') {
                    return new Invalid(new PgException(SqlState.PROTOCOL_VIOLATION,
                            "invalid CLOSE message subtype " + kind));
                }
                return new FrontendMessage.Close(kind, name);
            }
            case Protocol.Frontend.SYNC:
                return new FrontendMessage.Sync();
            case Protocol.Frontend.FLUSH:
                return new FrontendMessage.Flush();
            case Protocol.Frontend.TERMINATE:
                return new FrontendMessage.Terminate();
            case Protocol.Frontend.PASSWORD:
                return new FrontendMessage.Password(bytes(body, body.readableBytes()));
            case Protocol.Frontend.COPY_DATA:
                return new FrontendMessage.CopyData(bytes(body, body.readableBytes()));
            case Protocol.Frontend.COPY_DONE:
                return new FrontendMessage.CopyDone();
            case Protocol.Frontend.COPY_FAIL:
                return new FrontendMessage.CopyFail(string(body));
            case Protocol.Frontend.FUNCTION_CALL: {
                int oid = body.readInt();
                body.skipBytes(body.readableBytes());
                return new FrontendMessage.FunctionCall(oid);
            }
            default:
                return new Invalid(PgException.fatal(SqlState.PROTOCOL_VIOLATION,
                        "invalid frontend message type " + (type & 0xFF)));
        }
    }

    private static FrontendMessage bind(ByteBuf body) {
        String portal = string(body);
        String statement = string(body);
        int nf = body.readUnsignedShort();
        short[] formats = new short[nf];
        for (int i = 0; i < nf; i++) {
            formats[i] = body.readShort();
        }
        int np = body.readUnsignedShort();
        byte[][] values = new byte[np][];
        for (int i = 0; i < np; i++) {
            int len = body.readInt();
            if (len < -1) {
                throw new IndexOutOfBoundsException("negative length");
            }
            values[i] = len == -1 ? null : bytes(body, len);
        }
        int nr = body.readUnsignedShort();
        short[] resultFormats = new short[nr];
        for (int i = 0; i < nr; i++) {
            resultFormats[i] = body.readShort();
        }
        return new FrontendMessage.Bind(portal, statement, formats, values, resultFormats);
    }

    private Invalid broken(PgException error) {
        state = State.BROKEN;
        return new Invalid(error);
    }

    private static byte[] bytes(ByteBuf body, int n) {
        if (n > body.readableBytes()) {
            throw new IndexOutOfBoundsException("short message");
        }
        byte[] b = new byte[n];
        body.readBytes(b);
        return b;
    }

    /** A NUL-terminated UTF-8 string; a missing NUL is "invalid string in message". */
    private static String string(ByteBuf body) {
        String s = cString(body);
        if (s == null) {
            throw new MalformedString();
        }
        return s;
    }

    private static String cString(ByteBuf body) {
        int end = body.indexOf(body.readerIndex(), body.writerIndex(), (byte) 0);
        if (end < 0) {
            return null;
        }
        String s = body.toString(body.readerIndex(), end - body.readerIndex(), StandardCharsets.UTF_8);
        body.readerIndex(end + 1);
        return s;
    }

    private static final class MalformedString extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedString() {
            super(null, null, false, false);
        }
    }
}
