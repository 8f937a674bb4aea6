package io.slotway.core.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ongres.scram.client.ScramClient;
import com.ongres.scram.common.exception.ScramInvalidServerSignatureException;

import io.slotway.api.PgException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server against ongres scram-client 3.1, the SCRAM implementation pgjdbc 42.7.4 runs. */
class ScramServerTest {
    @TempDir
    Path dir;

    private UserStore users;

    @BeforeEach
    void users() throws Exception {
        Path file = dir.resolve("users");
        Files.write(file, List.of(
                "# test users",
                "alice:" + UserStore.createVerifier("s3cret".toCharArray())));
        users = UserStore.load(file);
    }

    private static ScramClient client(String password) {
        return ScramClient.builder()
                .advertisedMechanisms(ScramServer.MECHANISMS)
                .username("*") // ignored by the server, as by PostgreSQL
                .password(password.toCharArray())
                .build();
    }

    /** Runs a full exchange; returns the server-final-message after the client has checked it. */
    private String exchange(String user, String password) throws Exception {
        ScramServer server = new ScramServer(user, users);
        ScramClient client = client(password);
        byte[] serverFirst = server.handleClientFirst(client.clientFirstMessage().toString().getBytes(UTF_8));
        client.serverFirstMessage(new String(serverFirst, UTF_8));
        byte[] serverFinal = server.handleClientFinal(client.clientFinalMessage().toString().getBytes(UTF_8));
        client.serverFinalMessage(new String(serverFinal, UTF_8)); // throws unless the signature is right
        assertThat(server.isAuthenticated()).isTrue();
        return new String(serverFinal, UTF_8);
    }

    private static void assertFatal(ThrowingCallable call, String sqlState, String message, String detail) {
        assertThatThrownBy(call).isInstanceOfSatisfying(PgException.class, e -> {
            assertThat(e.severity()).isEqualTo(PgException.Severity.FATAL);
            assertThat(e.sqlState()).isEqualTo(sqlState);
            assertThat(e.getMessage()).isEqualTo(message);
            assertThat(e.detail()).isEqualTo(detail);
        });
    }

    @Test
    void realClientWithTheRightPasswordIsAuthenticatedAndAcceptsTheServerSignature() throws Exception {
        assertThat(exchange("alice", "s3cret")).startsWith("v=");
    }

    @Test
    void offersOnlyScramSha256WithoutPlus() {
        assertThat(ScramServer.MECHANISMS).containsExactly("SCRAM-SHA-256");
    }

    @Test
    void serverFirstMessageExtendsTheClientNonceAndCarriesSaltAndIterations() throws Exception {
        ScramServer server = new ScramServer("alice", users);
        String first = new String(server.handleClientFirst("n,,n=,r=abc".getBytes(UTF_8)), UTF_8);
        assertThat(first).matches("r=abc[A-Za-z0-9+/=]{24},s=[A-Za-z0-9+/=]+,i=4096");
    }

    @Test
    void wrongPasswordFailsWithPostgresInvalidPasswordError() {
        assertFatal(() -> exchange("alice", "wrong"), "28P01", "password authentication failed for user \"alice\"", null);
    }

    @Test
    void unknownUserRunsAMockExchangeAndFailsExactlyLikeAWrongPassword() throws Exception {
        ScramServer server = new ScramServer("bob", users);
        ScramClient client = client("anything");
        String first = new String(server.handleClientFirst(client.clientFirstMessage().toString().getBytes(UTF_8)), UTF_8);
        assertThat(first).contains(",i=4096");
        client.serverFirstMessage(first);
        byte[] clientFinal = client.clientFinalMessage().toString().getBytes(UTF_8);
        assertFatal(() -> server.handleClientFinal(clientFinal), "28P01", "password authentication failed for user \"bob\"", null);
        assertThat(server.isAuthenticated()).isFalse();
    }

    @Test
    void unknownUserGetsTheSameSaltEveryTimeSoItCannotBeToldApartFromAWrongPassword() throws Exception {
        String salt1 = salt(new ScramServer("bob", users));
        String salt2 = salt(new ScramServer("bob", UserStore.empty()));
        assertThat(salt1).isEqualTo(salt2);
        assertThat(salt(new ScramServer("carol", users))).isNotEqualTo(salt1);
        assertThat(salt(new ScramServer("alice", users))).isEqualTo(salt(new ScramServer("alice", users)));
    }

    private static String salt(ScramServer server) throws PgException {
        String first = new String(server.handleClientFirst("n,,n=,r=abc".getBytes(UTF_8)), UTF_8);
        return first.replaceAll(".*,s=([^,]*),.*", "$1");
    }

    @Test
    void emptyUserStoreFailsEveryoneWithTheWrongPasswordError() {
        users = UserStore.empty();
        assertFatal(() -> exchange("alice", "s3cret"), "28P01", "password authentication failed for user \"alice\"", null);
    }

    @Test
    void tamperedProofFailsAsAWrongPassword() throws Exception {
        ScramServer server = new ScramServer("alice", users);
        ScramClient client = client("s3cret");
        client.serverFirstMessage(new String(server.handleClientFirst(client.clientFirstMessage().toString().getBytes(UTF_8)), UTF_8));
        String fin = client.clientFinalMessage().toString();
        int p = fin.indexOf(",p=") + 3;
        char flipped = fin.charAt(p) == 'A' ? 'B' : 'A';
        String tampered = fin.substring(0, p) + flipped + fin.substring(p + 1);
        assertFatal(() -> server.handleClientFinal(tampered.getBytes(UTF_8)), "28P01",
                "password authentication failed for user \"alice\"", null);
    }

    @Test
    void tamperedNonceIsAProtocolViolation() throws Exception {
        ScramServer server = new ScramServer("alice", users);
        ScramClient client = client("s3cret");
        client.serverFirstMessage(new String(server.handleClientFirst(client.clientFirstMessage().toString().getBytes(UTF_8)), UTF_8));
        String fin = client.clientFinalMessage().toString();
        String tampered = fin.replaceFirst(",r=", ",r=X");
        assertFatal(() -> server.handleClientFinal(tampered.getBytes(UTF_8)), "08P01", "invalid SCRAM response",
                "Nonce does not match.");
    }

    @Test
    void clientRejectsAForgedServerSignatureSoTheSuccessfulExchangeProvesTheServerSide() throws Exception {
        ScramServer server = new ScramServer("alice", users);
        ScramClient client = client("s3cret");
        client.serverFirstMessage(new String(server.handleClientFirst(client.clientFirstMessage().toString().getBytes(UTF_8)), UTF_8));
        client.clientFinalMessage();
        assertThatThrownBy(() -> client.serverFinalMessage("v=" + "A".repeat(43) + "="))
                .isInstanceOf(ScramInvalidServerSignatureException.class);
    }

    @Test
    void channelBindingFlagYIsAcceptedWhenRepeatedInTheFinalMessage() throws Exception {
        ScramVerifier v = users.verifier("alice").orElseThrow();
        ScramServer server = new ScramServer("alice", users);
        String bare = "n=,r=clientnonce";
        String first = new String(server.handleClientFirst(("y,," + bare).getBytes(UTF_8)), UTF_8);
        String withoutProof = "c=eSws," + first.substring(0, first.indexOf(','));
        String fin = withoutProof + ",p=" + HandProof.proof("s3cret", v, bare, first, withoutProof);
        assertThat(new String(server.handleClientFinal(fin.getBytes(UTF_8)), UTF_8)).startsWith("v=");
    }

    @Test
    void channelBindingAttributeMustRepeatTheFlagOfTheFirstMessage() throws Exception {
        ScramServer server = new ScramServer("alice", users);
        String first = new String(server.handleClientFirst("y,,n=,r=abc".getBytes(UTF_8)), UTF_8);
        String nonce = first.substring(0, first.indexOf(','));
        assertFatal(() -> server.handleClientFinal(("c=biws," + nonce + ",p=" + "A".repeat(43) + "=").getBytes(UTF_8)),
                "08P01", "unexpected SCRAM channel-binding attribute in client-final-message", null);
    }

    @Test
    void channelBindingRequiredByTheClientIsRefusedWithPostgresMessage() {
        ScramServer server = new ScramServer("alice", users);
        assertFatal(() -> server.handleClientFirst("p=tls-server-end-point,,n=,r=abc".getBytes(UTF_8)), "08P01",
                "malformed SCRAM message",
                "The client selected SCRAM-SHA-256 without channel binding, but the SCRAM message includes channel binding data.");
    }

    @Test
    void onlyScramSha256IsAValidMechanism() throws Exception {
        ScramServer.checkMechanism("SCRAM-SHA-256");
        for (String m : List.of("SCRAM-SHA-256-PLUS", "SCRAM-SHA-1", "PLAIN", "")) {
            assertFatal(() -> ScramServer.checkMechanism(m), "08P01",
                    "client selected an invalid SASL authentication mechanism", null);
        }
    }

    private void assertFirstRejected(String message, String sqlState, String text, String detail) {
        ScramServer server = new ScramServer("alice", users);
        assertFatal(() -> server.handleClientFirst(message.getBytes(UTF_8)), sqlState, text, detail);
    }

    @Test
    void malformedClientFirstMessagesGetPostgresErrors() {
        String m = "malformed SCRAM message";
        assertFirstRejected("", "08P01", m, "The message is empty.");
        assertFirstRejected("n,,n=,r=a\0b", "08P01", m, "Message length does not match input length.");
        assertFirstRejected("x,,n=,r=abc", "08P01", m, "Unexpected channel-binding flag \"'x'\".");
        assertFirstRejected("n;,n=,r=abc", "08P01", m, "Comma expected, but found character \"';'\".");
        assertFirstRejected("n", "08P01", m, "Comma expected, but found character \"0x00\".");
        assertFirstRejected("n,a=bob,n=,r=abc", "0A000", "client uses authorization identity, but it is not supported", null);
        assertFirstRejected("n,x,n=,r=abc", "08P01", m, "Unexpected attribute \"'x'\" in client-first-message.");
        assertFirstRejected("n,,m=ext,n=,r=abc", "0A000", "client requires an unsupported SCRAM extension", null);
        assertFirstRejected("n,,r=abc", "08P01", m, "Expected attribute \"n\" but found \"'r'\".");
        assertFirstRejected("n,,n=", "08P01", m, "Expected attribute \"r\" but found \"0x00\".");
        assertFirstRejected("n,,n=,r", "08P01", m, "Expected character \"=\" for attribute \"r\".");
        assertFirstRejected("n,,n=,r=ab c", "08P01", "non-printable characters in SCRAM nonce", null);
        assertFirstRejected("n,,n=,r=abc,1=x", "08P01", m, "Attribute expected, but found invalid character \"'1'\".");
    }

    @Test
    void unknownExtensionsAfterTheNonceAreIgnored() throws Exception {
        ScramServer server = new ScramServer("alice", users);
        assertThat(new String(server.handleClientFirst("n,,n=alice,r=abc,x=1,y=2".getBytes(UTF_8)), UTF_8)).startsWith("r=abc");
    }

    private void assertFinalRejected(String finalMessage, String sqlState, String text, String detail) throws Exception {
        ScramServer server = new ScramServer("alice", users);
        String first = new String(server.handleClientFirst("n,,n=,r=abc".getBytes(UTF_8)), UTF_8);
        String nonce = first.substring(0, first.indexOf(','));
        String msg = finalMessage.replace("NONCE", nonce);
        assertFatal(() -> server.handleClientFinal(msg.getBytes(UTF_8)), sqlState, text, detail);
    }

    @Test
    void malformedClientFinalMessagesGetPostgresErrors() throws Exception {
        String m = "malformed SCRAM message";
        String proof = "p=" + "A".repeat(43) + "=";
        assertFinalRejected("", "08P01", m, "The message is empty.");
        assertFinalRejected("NONCE,c=biws," + proof, "08P01", m, "Expected attribute \"c\" but found \"'r'\".");
        assertFinalRejected("c=biws", "08P01", m, "Expected attribute \"r\" but found \"0x00\".");
        assertFinalRejected("c=biws,NONCE", "08P01", m, "Attribute expected, but found end of string.");
        assertFinalRejected("c=biws,NONCE,p=!!!", "08P01", m, "Malformed proof in client-final-message.");
        assertFinalRejected("c=biws,NONCE,p=AAAA", "08P01", m, "Malformed proof in client-final-message.");
        assertFinalRejected("c=biws,NONCE," + proof + ",x=1", "08P01", m, "Garbage found at the end of client-final-message.");
        assertFinalRejected("c=eSws,NONCE," + proof, "08P01",
                "unexpected SCRAM channel-binding attribute in client-final-message", null);
        assertFinalRejected("c=biws,r=abc," + proof, "08P01", "invalid SCRAM response", "Nonce does not match.");
    }

    @Test
    void noInitialResponseGivesAnEmptyChallengeAndWaitsForTheFirstMessage() throws Exception {
        ScramServer server = new ScramServer("alice", users);
        assertThat(server.handleClientFirst(null)).isEmpty();
        ScramClient client = client("s3cret");
        client.serverFirstMessage(new String(server.handleClientFirst(client.clientFirstMessage().toString().getBytes(UTF_8)), UTF_8));
        client.serverFinalMessage(new String(server.handleClientFinal(client.clientFinalMessage().toString().getBytes(UTF_8)), UTF_8));
        assertThat(server.isAuthenticated()).isTrue();
    }

    @Test
    void messagesOutOfOrderAreAProgrammingError() throws Exception {
        ScramServer server = new ScramServer("alice", users);
        assertThatThrownBy(() -> server.handleClientFinal("c=biws".getBytes(UTF_8))).isInstanceOf(IllegalStateException.class);
        server.handleClientFirst("n,,n=,r=abc".getBytes(UTF_8));
        assertThatThrownBy(() -> server.handleClientFirst("n,,n=,r=abc".getBytes(UTF_8))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void noFurtherStepsAfterAFailure() {
        ScramServer server = new ScramServer("alice", users);
        assertThatThrownBy(() -> server.handleClientFirst("x".getBytes(UTF_8))).isInstanceOf(PgException.class);
        assertThatThrownBy(() -> server.handleClientFinal("c=biws".getBytes(UTF_8))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void nonAsciiPasswordsAgreeWithTheClientsSaslPrep() throws Exception {
        Path file = dir.resolve("users2");
        // U+00A0 no-break space maps to a space, U+FB01 "fi" ligature to "fi" under NFKC, U+00AD vanishes
        Files.write(file, List.of("zoe:" + UserStore.createVerifier("Gr\u00fc\u00dfe\u00a0\ufb01x\u00ad!".toCharArray())), UTF_8);
        users = UserStore.load(file);
        exchange("zoe", "Gr\u00fc\u00dfe \ufb01x!");
        exchange("zoe", "Gr\u00fc\u00dfe fix!");
    }

    /** A client proof computed by hand from RFC 5802, for messages ongres cannot be made to send. */
    static final class HandProof {
        static String proof(String password, ScramVerifier v, String bare, String serverFirst, String withoutProof)
                throws Exception {
            byte[] salt = java.util.Base64.getDecoder().decode(v.saltBase64);
            javax.crypto.SecretKeyFactory f = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
            byte[] salted = f.generateSecret(new javax.crypto.spec.PBEKeySpec(password.toCharArray(), salt, v.iterations, 256))
                    .getEncoded();
            byte[] clientKey = ScramVerifier.hmac(salted, "Client Key");
            byte[] sig = ScramVerifier.hmac(ScramVerifier.sha256(clientKey),
                    (bare + "," + serverFirst + "," + withoutProof).getBytes(UTF_8));
            byte[] proof = new byte[32];
            for (int i = 0; i < 32; i++) {
                proof[i] = (byte) (clientKey[i] ^ sig[i]);
            }
            return java.util.Base64.getEncoder().encodeToString(proof);
        }
    }
}
