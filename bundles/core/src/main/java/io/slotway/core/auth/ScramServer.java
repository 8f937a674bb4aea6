package io.slotway.core.auth;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Objects;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802, RFC 7677) as PostgreSQL runs it: no
 * channel binding (no TLS, so no {@code -PLUS}), the user name inside the SCRAM messages is ignored in
 * favour of the startup packet's, and every failure is an ErrorResponse rather than a SCRAM
 * {@code e=} attribute. One instance per connection; not thread-safe.
 *
 * <p>The startup phase drives it like this:
 * <pre>
 * send AuthenticationSASL(ScramServer.MECHANISMS)
 * SASLInitialResponse(mechanism, data):
 *     ScramServer.checkMechanism(mechanism)
 *     scram = new ScramServer(user, userStore)
 *     send AuthenticationSASLContinue(scram.handleClientFirst(data))   // data == null: see below
 * SASLResponse(data):
 *     send AuthenticationSASLFinal(scram.handleClientFinal(data)), then AuthenticationOk
 * </pre>
 * Any {@link PgException} thrown is FATAL and ends the connection. A wrong password, an unknown user
 * and a user without a verifier all end the same way (28P01, after a full mock exchange, as PostgreSQL
 * does), so a client cannot tell them apart.
 */
public final class ScramServer {
    /** The only mechanism offered in AuthenticationSASL. */
    public static final String MECHANISM = "SCRAM-SHA-256";
    /** The mechanism list for AuthenticationSASL. */
    public static final List<String> MECHANISMS = List.of(MECHANISM);

    private static final int NONCE_BYTES = 18;
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum State { INIT, SALT_SENT, FINISHED, FAILED }

    private final String user;
    private final int iterations;
    private final String saltBase64;
    private final byte[] storedKey;
    private final byte[] serverKey;
    /** No usable verifier: go through the motions, then fail as for a wrong password. */
    private final boolean doomed;

    private State state = State.INIT;
    private char cbindFlag;
    private String clientFirstBare;
    private String clientNonce;
    private String serverNonce;
    private String serverFirst;

    /**
     * An exchange for {@code user} (the name from the startup packet) with that user's verifier from
     * {@code users}; a user with no verifier gets a mock exchange that always fails.
     */
    public ScramServer(String user, UserStore users) {
        this.user = Objects.requireNonNull(user, "user");
        ScramVerifier v = users.verifier(user).orElse(null);
        if (v != null) {
            iterations = v.iterations;
            saltBase64 = v.saltBase64;
            storedKey = v.storedKey();
            serverKey = v.serverKey();
            doomed = false;
        } else {
            iterations = ScramVerifier.DEFAULT_ITERATIONS;
            saltBase64 = Base64.getEncoder().encodeToString(UserStore.mockSalt(user));
            storedKey = new byte[ScramVerifier.KEY_LENGTH];
            serverKey = new byte[ScramVerifier.KEY_LENGTH];
            doomed = true;
        }
    }

    /**
     * Checks the mechanism a SASLInitialResponse names.
     *
     * @throws PgException FATAL 08P01 {@code client selected an invalid SASL authentication mechanism}
     *     for anything but {@code SCRAM-SHA-256} (including {@code SCRAM-SHA-256-PLUS}, never offered)
     */
    public static void checkMechanism(String mechanism) throws PgException {
        if (!MECHANISM.equals(mechanism)) {
            throw PgException.fatal(SqlState.PROTOCOL_VIOLATION, "client selected an invalid SASL authentication mechanism");
        }
    }

    /**
     * Takes the client-first-message and returns the server-first-message
     * ({@code r=<nonce>,s=<salt>,i=<iterations>}) for AuthenticationSASLContinue.
     *
     * <p>{@code null} means the SASLInitialResponse had no initial response (length -1): the result is
     * then an empty challenge, and the client's next SASLResponse is passed to this method again.
     *
     * @throws PgException FATAL 08P01 {@code malformed SCRAM message} (with PostgreSQL's detail) for bad
     *     syntax or channel-binding flag {@code p}; 0A000 for an authzid or a mandatory extension
     * @throws IllegalStateException called after the first message was already handled, or after a failure
     */
    public byte[] handleClientFirst(byte[] saslInitialResponse) throws PgException {
        if (state != State.INIT) {
            throw new IllegalStateException("SCRAM exchange is " + state + ", not expecting a client-first-message");
        }
        if (saslInitialResponse == null) {
            return new byte[0];
        }
        state = State.FAILED; // until this message has been accepted
        String in = checkInput(saslInitialResponse);
        Cursor p = new Cursor(in);

        cbindFlag = p.peek();
        switch (cbindFlag) {
            case 'n':
            case 'y':
                // 'y': the client could bind but thinks we cannot; right, we offer no TLS.
                p.pos++;
                if (p.peek() != ',') {
                    throw malformed("Comma expected, but found character \"" + sanitize(p.peek()) + "\".");
                }
                p.pos++;
                break;
            case 'p':
                throw malformed("The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message"
                        + " includes channel binding data.");
            default:
                throw malformed("Unexpected channel-binding flag \"" + sanitize(cbindFlag) + "\".");
        }
        if (p.peek() == 'a') {
            throw PgException.fatal(SqlState.FEATURE_NOT_SUPPORTED,
                    "client uses authorization identity, but it is not supported");
        }
        if (p.peek() != ',') {
            throw malformed("Unexpected attribute \"" + sanitize(p.peek()) + "\" in client-first-message.");
        }
        p.pos++;
        clientFirstBare = in.substring(p.pos);
        if (p.peek() == 'm') {
            throw PgException.fatal(SqlState.FEATURE_NOT_SUPPORTED, "client requires an unsupported SCRAM extension");
        }
        p.attribute('n'); // ignored: the startup packet's user name counts
        clientNonce = p.attribute('r');
        if (!clientNonce.chars().allMatch(c -> c >= 0x21 && c <= 0x7E && c != ',')) {
            throw PgException.fatal(SqlState.PROTOCOL_VIOLATION, "non-printable characters in SCRAM nonce");
        }
        while (!p.atEnd()) {
            p.anyAttribute(); // optional extensions: none supported, so ignored
        }

        byte[] raw = new byte[NONCE_BYTES];
        RANDOM.nextBytes(raw);
        serverNonce = Base64.getEncoder().encodeToString(raw);
        serverFirst = "r=" + clientNonce + serverNonce + ",s=" + saltBase64 + ",i=" + iterations;
        state = State.SALT_SENT;
        return serverFirst.getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Takes the client-final-message, checks the nonce and the proof, and returns the
     * server-final-message ({@code v=<ServerSignature>}) for AuthenticationSASLFinal. Returning normally
     * means the user is authenticated.
     *
     * @throws PgException FATAL 28P01 {@code password authentication failed for user "..."} for a wrong
     *     proof, an unknown user or a user without a verifier; FATAL 08P01 for a malformed message, a
     *     changed channel-binding attribute, or a nonce that is not the one from this exchange
     * @throws IllegalStateException not after a successful {@link #handleClientFirst}
     */
    public byte[] handleClientFinal(byte[] saslResponse) throws PgException {
        if (state != State.SALT_SENT) {
            throw new IllegalStateException("SCRAM exchange is " + state + ", not expecting a client-final-message");
        }
        state = State.FAILED;
        String in = checkInput(Objects.requireNonNull(saslResponse, "saslResponse"));
        Cursor p = new Cursor(in);

        String channelBinding = p.attribute('c');
        // Without channel binding the attribute is the base64 of the gs2 header: "n,," or "y,,",
        // and must repeat the flag of the first message.
        if (!(channelBinding.equals("biws") && cbindFlag == 'n') && !(channelBinding.equals("eSws") && cbindFlag == 'y')) {
            throw PgException.fatal(SqlState.PROTOCOL_VIOLATION,
                    "unexpected SCRAM channel-binding attribute in client-final-message");
        }
        String finalNonce = p.attribute('r');
        int proofStart;
        char attr;
        String value;
        do {
            proofStart = p.pos - 1;
            attr = p.peek();
            value = p.anyAttribute();
        } while (attr != 'p');
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            proof = null;
        }
        if (proof == null || proof.length != ScramVerifier.KEY_LENGTH) {
            throw malformed("Malformed proof in client-final-message.");
        }
        if (!p.atEnd()) {
            throw malformed("Garbage found at the end of client-final-message.");
        }
        String withoutProof = in.substring(0, proofStart);

        if (!finalNonce.equals(clientNonce + serverNonce)) {
            throw PgException.fatal(SqlState.PROTOCOL_VIOLATION, "invalid SCRAM response")
                    .withDetail("Nonce does not match.");
        }

        // Computed even in a mock exchange, so that timing does not tell whether the user exists.
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof)
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] clientSignature = ScramVerifier.hmac(storedKey, authMessage);
        byte[] clientKey = new byte[ScramVerifier.KEY_LENGTH];
        for (int i = 0; i < clientKey.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ clientSignature[i]);
        }
        boolean proofOk = MessageDigest.isEqual(ScramVerifier.sha256(clientKey), storedKey);
        if (!proofOk || doomed) {
            throw PgException.fatal(SqlState.INVALID_PASSWORD,
                    "password authentication failed for user \"" + user + "\"");
        }
        String serverFinal = "v=" + Base64.getEncoder().encodeToString(ScramVerifier.hmac(serverKey, authMessage));
        state = State.FINISHED;
        return serverFinal.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Whether {@link #handleClientFinal} succeeded: the client proved it knows the password. */
    public boolean isAuthenticated() {
        return state == State.FINISHED;
    }

    /** The message as one char per byte, so every byte survives into the signatures unchanged. */
    private static String checkInput(byte[] message) throws PgException {
        if (message.length == 0) {
            throw malformed("The message is empty.");
        }
        for (byte b : message) {
            if (b == 0) {
                throw malformed("Message length does not match input length.");
            }
        }
        return new String(message, StandardCharsets.ISO_8859_1);
    }

    private static PgException malformed(String detail) {
        return PgException.fatal(SqlState.PROTOCOL_VIOLATION, "malformed SCRAM message").withDetail(detail);
    }

    /** A character for an error detail: {@code 'x'} when printable, else {@code 0x..}; end of input is 0x00. */
    private static String sanitize(char c) {
        return c >= 0x21 && c <= 0x7E ? "'" + c + "'" : String.format("0x%02x", (int) c & 0xff);
    }

    /** Reads {@code x=value} attributes separated by commas. */
    private static final class Cursor {
        final String s;
        int pos;

        Cursor(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        char peek() {
            return atEnd() ? '\0' : s.charAt(pos);
        }

        /** The value of attribute {@code name}, which must come next. */
        String attribute(char name) throws PgException {
            if (peek() != name) {
                throw malformed("Expected attribute \"" + name + "\" but found \"" + sanitize(peek()) + "\".");
            }
            pos++;
            return value(name);
        }

        /** The value of whatever attribute comes next. */
        String anyAttribute() throws PgException {
            char name = peek();
            if (name == '\0') {
                throw malformed("Attribute expected, but found end of string.");
            }
            if (!((name >= 'A' && name <= 'Z') || (name >= 'a' && name <= 'z'))) {
                throw malformed("Attribute expected, but found invalid character \"" + sanitize(name) + "\".");
            }
            pos++;
            return value(name);
        }

        private String value(char name) throws PgException {
            if (peek() != '=') {
                throw malformed("Expected character \"=\" for attribute \"" + name + "\".");
            }
            pos++;
            int end = s.indexOf(',', pos);
            String v;
            if (end < 0) {
                v = s.substring(pos);
                pos = s.length();
            } else {
                v = s.substring(pos, end);
                pos = end + 1;
            }
            return v;
        }
    }
}
