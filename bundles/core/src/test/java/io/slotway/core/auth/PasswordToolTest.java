package io.slotway.core.auth;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PasswordToolTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) throws Exception {
        return PasswordTool.run(args, new ByteArrayInputStream(stdin.getBytes(UTF_8)),
                new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8), null);
    }

    @Test
    void passwdPrintsAUsersFileLineThatAuthenticatesThePassword() throws Exception {
        assertThat(run("s3cret\nignored\n", "passwd", "alice")).isZero();
        String line = out.toString(UTF_8);
        assertThat(line).startsWith("alice:SCRAM-SHA-256$4096:").doesNotContain("s3cret").endsWith(System.lineSeparator());
        Path file = dir.resolve("users");
        Files.writeString(file, line);
        UserStore store = UserStore.load(file);
        assertThat(store.users()).containsExactly("alice");
        ScramServer server = new ScramServer("alice", store);
        var client = com.ongres.scram.client.ScramClient.builder().advertisedMechanisms(ScramServer.MECHANISMS)
                .username("*").password("s3cret".toCharArray()).build();
        client.serverFirstMessage(new String(server.handleClientFirst(client.clientFirstMessage().toString().getBytes(UTF_8)), UTF_8));
        client.serverFinalMessage(new String(server.handleClientFinal(client.clientFinalMessage().toString().getBytes(UTF_8)), UTF_8));
        assertThat(server.isAuthenticated()).isTrue();
    }

    @Test
    void usageErrorExitsWithTwo() throws Exception {
        assertThat(run("", "passwd")).isEqualTo(2);
        assertThat(run("", "frobnicate", "alice")).isEqualTo(2);
        assertThat(err.toString(UTF_8)).contains("usage: slotway passwd USER");
        assertThat(out.toString(UTF_8)).isEmpty();
    }

    @Test
    void emptyPasswordExitsWithOne() throws Exception {
        assertThat(run("\n", "passwd", "alice")).isEqualTo(1);
        assertThat(run("", "passwd", "alice")).isEqualTo(1);
        assertThat(out.toString(UTF_8)).isEmpty();
    }

    @Test
    void userNamesThatCannotBeStoredAreRefused() throws Exception {
        assertThat(run("pw\n", "passwd", "#alice")).isEqualTo(2);
        assertThat(run("pw\n", "passwd", " alice")).isEqualTo(2);
        assertThat(out.toString(UTF_8)).isEmpty();
    }
}
