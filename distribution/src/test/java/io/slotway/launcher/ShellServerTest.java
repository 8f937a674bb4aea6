package io.slotway.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loopback command port and {@code slotway shell}, with a fake shell behind the port. */
class ShellServerTest {
    @TempDir
    Path data;

    private final List<String> executed = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    /** Echoes commands; "fail" fails; "set x" / "get" keep per-session state. */
    private final ShellServer.Sessions fake = () -> new ShellServer.Session() {
        String value = "";

        @Override
        public ShellServer.Result execute(String command) {
            executed.add(command);
            if (command.equals("fail")) {
                return new ShellServer.Result("partial\n", "ERROR:  it failed");
            }
            if (command.startsWith("set ")) {
                value = command.substring(4);
                return new ShellServer.Result("", null);
            }
            if (command.equals("get")) {
                return new ShellServer.Result(value + "\n", null);
            }
            return new ShellServer.Result("ran " + command + "\n", null);
        }

        @Override
        public void close() {
        }
    };

    private int client(String stdin, String... args) {
        return ShellClient.run(args, data, data, new BufferedReader(new StringReader(stdin)), false,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void runsOneCommandJoinedFromItsArguments() throws Exception {
        try (ShellServer server = ShellServer.start(0, data.resolve(ShellProtocol.ACCESS_FILE), fake)) {
            assertThat(client("", "--data", data.toString(), "slotway:drop-slot", "s1")).isZero();
            assertThat(out()).isEqualTo("ran slotway:drop-slot s1\n");
            assertThat(executed).containsExactly("slotway:drop-slot s1");
        }
    }

    @Test
    void aFailedCommandPrintsItsErrorAndExitsOne() throws Exception {
        try (ShellServer server = ShellServer.start(0, data.resolve(ShellProtocol.ACCESS_FILE), fake)) {
            assertThat(client("", "--data=" + data, "fail")).isEqualTo(ShellClient.FAILED);
            assertThat(out()).isEqualTo("partial\n");
            assertThat(err()).isEqualTo("ERROR:  it failed\n");
        }
    }

    @Test
    void withoutACommandReadsLinesInOneSessionUntilExit() throws Exception {
        try (ShellServer server = ShellServer.start(0, data.resolve(ShellProtocol.ACCESS_FILE), fake)) {
            assertThat(client("set 42\n\n# a comment\nget\nexit\nget\n", "--data", data.toString())).isZero();
            assertThat(out()).isEqualTo("42\n");
            assertThat(executed).containsExactly("set 42", "get");
        }
    }

    @Test
    void listensOnLoopbackOnlyAndKeepsTheTokenFromOtherUsers() throws Exception {
        Path access = data.resolve(ShellProtocol.ACCESS_FILE);
        try (ShellServer server = ShellServer.start(0, access, fake)) {
            ShellProtocol.Access a = ShellProtocol.Access.read(access);
            assertThat(a.port()).isEqualTo(server.port());
            assertThat(a.token()).hasSize(64);
            assertThat(Files.getPosixFilePermissions(access)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            try (var sockets = Files.list(data)) {
                assertThat(sockets.map(p -> p.getFileName().toString())).containsExactly(ShellProtocol.ACCESS_FILE);
            }
            // nothing answers on a non-loopback address of this machine
            for (InetAddress address : InetAddress.getAllByName(InetAddress.getLocalHost().getHostName())) {
                if (!address.isLoopbackAddress()) {
                    assertThat(canConnect(address, server.port())).as("%s", address).isFalse();
                }
            }
        }
        assertThat(access).doesNotExist();
    }

    @Test
    void refusesAWrongToken() throws Exception {
        try (ShellServer server = ShellServer.start(0, data.resolve(ShellProtocol.ACCESS_FILE), fake);
             Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            DataOutputStream to = new DataOutputStream(s.getOutputStream());
            ShellProtocol.write(to, ShellProtocol.TOKEN, "guess");
            ShellProtocol.write(to, ShellProtocol.COMMAND, "stop 0");
            to.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertThat(ShellProtocol.read(in).kind()).isEqualTo(ShellProtocol.REFUSED);
            assertThat(ShellProtocol.read(in)).isNull();
        }
        assertThat(executed).isEmpty();
    }

    @Test
    void saysSoWhenNoSlotwayRuns() throws Exception {
        assertThat(client("", "--data", data.toString(), "slotway:slots")).isEqualTo(ShellClient.NOT_RUNNING);
        assertThat(err()).contains("no Slotway is running on " + data);

        // a stale file from a killed run: nothing listens on its port
        int port;
        try (ShellServer server = ShellServer.start(0, data.resolve(ShellProtocol.ACCESS_FILE), fake)) {
            port = server.port();
        }
        new ShellProtocol.Access(port, "x".repeat(64)).write(data.resolve(ShellProtocol.ACCESS_FILE));
        assertThat(client("", "--data", data.toString(), "slotway:slots")).isEqualTo(ShellClient.NOT_RUNNING);
        assertThat(err()).contains("cannot reach Slotway on 127.0.0.1:" + port);
    }

    @Test
    void badOptionsAreUsageErrors() {
        assertThat(client("", "--port", "5")).isEqualTo(ShellClient.USAGE);
        assertThat(client("", "--data")).isEqualTo(ShellClient.USAGE);
    }

    private static boolean canConnect(InetAddress address, int port) {
        try (Socket s = new Socket()) {
            s.connect(new java.net.InetSocketAddress(address, port), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
