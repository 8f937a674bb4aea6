package io.slotway.core.pgwire;

/**
 * The bytes of PostgreSQL's protocol 3.0, named and split by direction: the same byte means different
 * things each way ('D' is Describe from the client and DataRow from the server).
 */
public final class Protocol {
    private Protocol() {}

    /** Protocol 3.0 as a StartupMessage version number. */
    public static final int PROTOCOL_3_0 = 196608;
    public static final int SSL_REQUEST_CODE = 80877103;
    public static final int GSSENC_REQUEST_CODE = 80877104;
    public static final int CANCEL_REQUEST_CODE = 80877102;

    /** PostgreSQL's MAX_STARTUP_PACKET_LENGTH. */
    public static final int MAX_STARTUP_PACKET_LENGTH = 10000;
    /** Messages other than Query, Parse, Bind, CopyData and FunctionCall are small in PostgreSQL. */
    public static final int SMALL_MESSAGE_LIMIT = 10000;

    /** Message types sent by the client. */
    public static final class Frontend {
        private Frontend() {}

        public static final byte BIND = 'B';
        public static final byte CLOSE = 'C';
        public static final byte COPY_DATA = 'd';
        public static final byte COPY_DONE = 'c';
        public static final byte COPY_FAIL = 'f';
        public static final byte DESCRIBE = 'D';
        public static final byte EXECUTE = 'E';
        public static final byte FLUSH = 'H';
        public static final byte FUNCTION_CALL = 'F';
        public static final byte PARSE = 'P';
        /** PasswordMessage, SASLInitialResponse, SASLResponse and GSSResponse share this byte. */
        public static final byte PASSWORD = 'p';
        public static final byte QUERY = 'Q';
        public static final byte SYNC = 'S';
        public static final byte TERMINATE = 'X';

        /** Whether PostgreSQL allows this message type to be large (up to its 1 GB limit). */
        public static boolean isLarge(byte type) {
            return type == QUERY || type == PARSE || type == BIND || type == COPY_DATA || type == FUNCTION_CALL
                    || type == PASSWORD;
        }
    }

    /** Message types sent by the server. */
    public static final class Backend {
        private Backend() {}

        public static final byte AUTHENTICATION = 'R';
        public static final byte BACKEND_KEY_DATA = 'K';
        public static final byte BIND_COMPLETE = '2';
        public static final byte CLOSE_COMPLETE = '3';
        public static final byte COMMAND_COMPLETE = 'C';
        public static final byte COPY_BOTH_RESPONSE = 'W';
        public static final byte COPY_DATA = 'd';
        public static final byte COPY_DONE = 'c';
        public static final byte COPY_IN_RESPONSE = 'G';
        public static final byte COPY_OUT_RESPONSE = 'H';
        public static final byte DATA_ROW = 'D';
        public static final byte EMPTY_QUERY_RESPONSE = 'I';
        public static final byte ERROR_RESPONSE = 'E';
        public static final byte NEGOTIATE_PROTOCOL_VERSION = 'v';
        public static final byte NO_DATA = 'n';
        public static final byte NOTICE_RESPONSE = 'N';
        public static final byte NOTIFICATION_RESPONSE = 'A';
        public static final byte PARAMETER_DESCRIPTION = 't';
        public static final byte PARAMETER_STATUS = 'S';
        public static final byte PARSE_COMPLETE = '1';
        public static final byte PORTAL_SUSPENDED = 's';
        public static final byte READY_FOR_QUERY = 'Z';
        public static final byte ROW_DESCRIPTION = 'T';

        public static final int AUTH_OK = 0;
        public static final int AUTH_CLEARTEXT_PASSWORD = 3;
        public static final int AUTH_SASL = 10;
        public static final int AUTH_SASL_CONTINUE = 11;
        public static final int AUTH_SASL_FINAL = 12;
    }
}
