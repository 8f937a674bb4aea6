package io.slotway.core.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.core.FakeSource;
import io.slotway.core.auth.HbaRules;
import io.slotway.core.auth.UserStore;
import io.slotway.testkit.Psql;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.util.PSQLException;

/** The server over real sockets, with pgjdbc, psql and raw bytes as clients, on a recording source. */
class PgServerTest {
    private final FakeSource source = new FakeSource();
    private PgServer server;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private PgServer start(ServerOptions options) throws InterruptedException {
        server = PgServer.start(options, source);
        return server;
    }

    private Connection connect(String user, String password, String database) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", user);
        if (password != null) {
            p.setProperty("password", password);
        }
        p.setProperty("connectTimeout", "10");
        p.setProperty("socketTimeout", "30");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port() + "/" + database, p);
    }

    @Test
    void pgjdbcConnectsAndSeesAPostgres15() throws Exception {
        start(ServerOptions.forTests());
        try (Connection c = connect("postgres", null, "postgres")) {
            assertThat(c.getMetaData().getDatabaseMajorVersion()).isEqualTo(15);
            assertThat(c.getMetaData().getDatabaseProductVersion()).startsWith("15.20");
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("rows 3")) {
                int n = 0;
                while (rs.next()) {
                    assertThat(rs.getInt(1)).isEqualTo(++n);
                }
                assertThat(n).isEqualTo(3);
            }
            try (PreparedStatement ps = c.prepareStatement("echo ? ?")) {
                ps.setString(1, "a");
                ps.setInt(2, 7);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getString(1)).isEqualTo("a|7|");
                }
            }
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version_num")) {
                rs.next();
                assertThat(rs.getString(1)).isEqualTo("150020");
            }
        }
    }

    @Test
    void pgjdbcFetchesInBatchesThroughPortalSuspension() throws Exception {
        start(ServerOptions.forTests());
        try (Connection c = connect("postgres", null, "postgres")) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(7);
                try (ResultSet rs = s.executeQuery("rows 100")) {
                    int n = 0;
                    while (rs.next()) {
                        n++;
                    }
                    assertThat(n).isEqualTo(100);
                }
            }
            c.commit();
        }
    }

    @Test
    void psqlRunsStatementsAndReportsErrorsWithTheirPosition() throws Exception {
        start(ServerOptions.forTests());
        Psql.Result r = Psql.run("127.0.0.1", server.port(), "postgres", "postgres", "rows 2;\nfail here;\n");
        assertThat(r.stdout()).contains(" n \n---\n 1\n 2\n(2 rows)");
        assertThat(r.stderr()).contains("ERROR:  syntax error at or near \"fail\"").contains("LINE 1: fail here;");
    }

    @Test
    void authenticatesWithScramAndRejectsAWrongPassword() throws Exception {
        Path hba = Files.writeString(dir.resolve("hba.conf"), "host all all 127.0.0.1/32 scram-sha-256\n");
        Path users = Files.writeString(dir.resolve("users.conf"),
                UserStore.fileLine("alice", "s3cret".toCharArray()) + "\n");
        start(ServerOptions.forTests().withAuth(HbaRules.load(hba), UserStore.load(users)));
        try (Connection c = connect("alice", "s3cret", "postgres")) {
            assertThat(c.isValid(5)).isTrue();
        }
        assertThatThrownBy(() -> connect("alice", "wrong", "postgres"))
                .isInstanceOfSatisfying(PSQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28P01");
                    assertThat(e.getMessage()).contains("password authentication failed for user \"alice\"");
                });
        assertThatThrownBy(() -> connect("mallory", "s3cret", "postgres"))
                .isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("28P01"));
    }

    @Test
    void refusesConnectionsNoRuleAllows() throws Exception {
        Path hba = Files.writeString(dir.resolve("hba.conf"), "host otherdb all 127.0.0.1/32 trust\n");
        start(ServerOptions.forTests().withAuth(HbaRules.load(hba), UserStore.empty()));
        assertThatThrownBy(() -> connect("postgres", null, "postgres"))
                .isInstanceOfSatisfying(PSQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains(
                            "no pg_hba.conf entry for host \"127.0.0.1\", user \"postgres\", database \"postgres\", no encryption");
                });
    }

    @Test
    void refusesUnknownRolesAndDatabases() throws Exception {
        start(ServerOptions.forTests());
        assertThatThrownBy(() -> connect("nobody", null, "postgres"))
                .isInstanceOfSatisfying(PSQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("28000");
                    assertThat(e.getMessage()).contains("role \"nobody\" does not exist");
                });
        assertThatThrownBy(() -> connect("postgres", null, "nodb"))
                .isInstanceOfSatisfying(PSQLException.class, e -> {
                    assertThat(e.getSQLState()).isEqualTo("3D000");
                    assertThat(e.getMessage()).contains("database \"nodb\" does not exist");
                });
    }

    @Test
    void appliesStartupOptionsAndRefusesUnknownParameters() throws Exception {
        start(ServerOptions.forTests());
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("options", "-c TimeZone=Europe/Berlin -c extra_float_digits=2");
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres", p);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW extra_float_digits")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("2");
        }
        p.setProperty("options", "-c no_such_setting=1");
        assertThatThrownBy(() -> DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres", p))
                .isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42704"));
    }

    @Test
    void enforcesMaxConnections() throws Exception {
        start(ServerOptions.forTests().withMaxConnections(1));
        try (Connection first = connect("postgres", null, "postgres")) {
            assertThatThrownBy(() -> connect("postgres", null, "postgres"))
                    .isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("53300"));
        }
    }

    @Test
    void cancelRequestStopsTheRunningStatementOfTheRightBackend() throws Exception {
        start(ServerOptions.forTests());
        try (Connection c = connect("postgres", null, "postgres"); Statement s = c.createStatement()) {
            CompletableFuture<Void> canceller = CompletableFuture.runAsync(() -> {
                try {
                    assertThat(source.sleeping.await(20, TimeUnit.SECONDS)).isTrue();
                    s.cancel();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            assertThatThrownBy(() -> s.execute("sleep"))
                    .isInstanceOfSatisfying(PSQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("57014"));
            canceller.get(20, TimeUnit.SECONDS);
            try (ResultSet rs = s.executeQuery("rows 1")) {
                assertThat(rs.next()).isTrue();
            }
        }
    }

    @Test
    void refusesOtherProtocolVersionsWithPostgresError() throws Exception {
        start(ServerOptions.forTests());
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(8 + 5);
            out.writeInt(2 << 16);
            out.write("user\0".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // A protocol 2 client gets the error in protocol 2's form, as PostgreSQL sends it.
            assertThat(new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .isEqualTo("EFATAL:  unsupported frontend protocol 2.0: server supports 3.0 to 3.0\n\0");
        }
    }

    @Test
    void answersSslAndGssRequestsWithNo() throws Exception {
        start(ServerOptions.forTests());
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(8);
            out.writeInt(80877104);
            out.writeInt(8);
            out.writeInt(80877103);
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(in.read()).isEqualTo('N');
            assertThat(in.read()).isEqualTo('N');
        }
    }

    @Test
    void closesTheConnectionOnABrokenFrameAndKeepsServing() throws Exception {
        start(ServerOptions.forTests());
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            byte[] startup = "\0\3\0\0user\0postgres\0\0".getBytes(StandardCharsets.ISO_8859_1);
            out.writeInt(startup.length + 4);
            out.write(startup);
            out.writeByte('Q');
            out.writeInt(-5);
            out.flush();
            String all = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            // After startup's ReadyForQuery the server closes without a reply, as PostgreSQL does.
            assertThat(all).endsWith("Z\0\0\0\5I");
        }
        try (Connection c = connect("postgres", null, "postgres")) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    @Test
    void survivesRandomBytesForABoundedTime() throws Exception {
        start(ServerOptions.forTests());
        Random random = new Random(7);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        int connections = 0;
        while (System.nanoTime() < deadline && connections < 300) {
            connections++;
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                socket.setSoTimeout(2_000);
                DataOutputStream out = new DataOutputStream(socket.getOutputStream());
                if (connections % 2 == 0) {
                    byte[] startup = "\0\3\0\0user\0postgres\0\0".getBytes(StandardCharsets.ISO_8859_1);
                    out.writeInt(startup.length + 4);
                    out.write(startup);
                }
                byte[] junk = new byte[1 + random.nextInt(200)];
                random.nextBytes(junk);
                out.write(junk);
                out.flush();
                socket.shutdownOutput();
                try {
                    socket.getInputStream().readAllBytes();
                } catch (IOException timeoutOrReset) {
                    // the server may keep a connection open waiting for the rest of a frame
                }
            }
        }
        try (Connection c = connect("postgres", null, "postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("rows 1")) {
            assertThat(rs.next()).isTrue();
        }
    }
}
