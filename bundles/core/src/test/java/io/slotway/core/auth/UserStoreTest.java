package io.slotway.core.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UserStoreTest {
    @TempDir
    Path dir;

    @Test
    void createdVerifierHasPostgresTextFormWithRandomSaltAnd4096Iterations() {
        String v = UserStore.createVerifier("pencil".toCharArray());
        assertThat(v).matches("SCRAM-SHA-256\\$4096:[A-Za-z0-9+/]{22}==\\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=");
        assertThat(Base64.getDecoder().decode(v.substring(19, v.indexOf('$', 19)))).hasSize(16);
        assertThat(UserStore.createVerifier("pencil".toCharArray())).isNotEqualTo(v);
    }

    @Test
    void computesTheRfc7677TestVectorKeys() {
        // RFC 7677 section 3: password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations; the
        // example exchange's client proof must check against StoredKey, and ServerKey must sign it.
        ScramVerifier v = ScramVerifier.compute("pencil".toCharArray(),
                Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
                + "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        assertThat(Base64.getEncoder().encodeToString(ScramVerifier.hmac(v.serverKey(), authMessage)))
                .isEqualTo("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=");
        byte[] proof = Base64.getDecoder().decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        byte[] signature = ScramVerifier.hmac(v.storedKey(), authMessage);
        for (int i = 0; i < proof.length; i++) {
            proof[i] ^= signature[i];
        }
        assertThat(ScramVerifier.sha256(proof)).isEqualTo(v.storedKey());
    }

    @Test
    void loadsUsersAndIgnoresCommentsAndBlankLines() throws Exception {
        String alice = UserStore.createVerifier("a".toCharArray());
        String weird = UserStore.createVerifier("b".toCharArray());
        Path file = dir.resolve("users");
        Files.write(file, List.of("# users", "", "  alice:" + alice + "  ", "db:admin:" + weird));
        UserStore store = UserStore.load(file);
        assertThat(store.users()).containsExactlyInAnyOrder("alice", "db:admin");
        assertThat(store.verifier("alice").orElseThrow().text()).isEqualTo(alice);
        assertThat(store.verifier("db:admin").orElseThrow().text()).isEqualTo(weird);
        assertThat(store.verifier("bob")).isEmpty();
    }

    @Test
    void missingFileMeansNoUsersWithPasswords() throws Exception {
        UserStore store = UserStore.load(dir.resolve("absent"));
        assertThat(store.users()).isEmpty();
    }

    private void assertLoadError(String line, String messagePart) throws Exception {
        Path file = dir.resolve("bad-users");
        Files.write(file, List.of("# header", line));
        assertThatThrownBy(() -> UserStore.load(file)).isInstanceOfSatisfying(AuthFileException.class, e -> {
            assertThat(e.getMessage()).startsWith(file + ":2: ").contains(messagePart);
            assertThat(e.line()).isEqualTo(2);
        });
    }

    @Test
    void malformedLinesAreRefusedWithFileAndLine() throws Exception {
        String good = UserStore.createVerifier("a".toCharArray());
        assertLoadError("alice", "expected name:SCRAM-SHA-256$");
        assertLoadError("alice:md5c3bd0a0d5e4e5c7b7b6bb9d5b0a1e2f3", "only SCRAM-SHA-256 verifiers are supported");
        assertLoadError(":" + good, "empty user name");
        assertLoadError("alice:SCRAM-SHA-256$x:c2FsdA==$AAAA:BBBB", "invalid iteration count \"x\"");
        assertLoadError("alice:SCRAM-SHA-256$0:c2FsdA==$AAAA:BBBB", "invalid iteration count \"0\"");
        assertLoadError("alice:SCRAM-SHA-256$4096:c2FsdA==$AAAA:BBBB", "must be 32 bytes");
        assertLoadError("alice:SCRAM-SHA-256$4096:%%%$AAAA:BBBB", "invalid base64 in the salt");
        assertLoadError("alice:SCRAM-SHA-256$4096", "malformed SCRAM-SHA-256 verifier");
    }

    @Test
    void aUserListedTwiceIsRefused() throws Exception {
        Path file = dir.resolve("dup");
        Files.write(file, List.of("alice:" + UserStore.createVerifier("a".toCharArray()),
                "alice:" + UserStore.createVerifier("b".toCharArray())));
        assertThatThrownBy(() -> UserStore.load(file)).hasMessage(file + ":2: user \"alice\" is listed twice");
    }

    @Test
    void emptyPasswordsAreRefused() {
        assertThatThrownBy(() -> UserStore.createVerifier(new char[0])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void verifierTextRoundTrips() {
        String text = UserStore.createVerifier("x".toCharArray());
        assertThat(ScramVerifier.parse(text).text()).isEqualTo(text);
    }
}
