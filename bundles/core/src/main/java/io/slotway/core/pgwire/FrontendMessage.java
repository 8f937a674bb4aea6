package io.slotway.core.pgwire;

import java.util.Map;

/** Messages from the client, one immutable record each, as {@link PgFrameDecoder} produces them. */
public sealed interface FrontendMessage {

    /** StartupMessage: a protocol version and the parameters in the order the client sent them. */
    record Startup(int protocolVersion, Map<String, String> parameters) implements FrontendMessage {
        public int major() { return protocolVersion >>> 16; }
        public int minor() { return protocolVersion & 0xFFFF; }
    }

    record SslRequest() implements FrontendMessage {}

    record GssEncRequest() implements FrontendMessage {}

    record CancelRequest(int processId, int secretKey) implements FrontendMessage {}

    record Query(String sql) implements FrontendMessage {}

    record Parse(String statement, String sql, int[] parameterTypes) implements FrontendMessage {}

    /** Bind; a null entry in {@code parameters} is SQL NULL. */
    record Bind(String portal, String statement, short[] parameterFormats, byte[][] parameters,
                short[] resultFormats) implements FrontendMessage {}

    /** Describe of a statement ('S') or portal ('P'). */
    record Describe(byte kind, String name) implements FrontendMessage {}

    record Execute(String portal, int maxRows) implements FrontendMessage {}

    /** Close of a statement ('S') or portal ('P'). */
    record Close(byte kind, String name) implements FrontendMessage {}

    record Sync() implements FrontendMessage {}

    record Flush() implements FrontendMessage {}

    record Terminate() implements FrontendMessage {}

    /** A 'p' message; what it holds (password, SASL initial response, SASL response) depends on the phase. */
    record Password(byte[] body) implements FrontendMessage {}

    record CopyData(byte[] data) implements FrontendMessage {}

    record CopyDone() implements FrontendMessage {}

    record CopyFail(String message) implements FrontendMessage {}

    record FunctionCall(int functionOid) implements FrontendMessage {}

    /**
     * A message whose framing was sound but whose content was not (an ERROR, the connection goes on), or
     * a broken frame that ends the connection: with a FATAL sent to the client, or, where PostgreSQL
     * only logs the problem (its COMMERROR: a bad length word), with severity LOG and nothing sent.
     */
    record Invalid(io.slotway.api.PgException error) implements FrontendMessage {
        /** Whether the connection must close. */
        public boolean fatal() {
            return error.severity() == io.slotway.api.PgException.Severity.FATAL || silent();
        }

        /** Whether PostgreSQL closes without telling the client (it only logs). */
        public boolean silent() {
            return error.severity() == io.slotway.api.PgException.Severity.LOG;
        }
    }
}
