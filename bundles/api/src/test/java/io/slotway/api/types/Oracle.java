package io.slotway.api.types;

import io.slotway.testkit.PgOracle;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Connections to a real PostgreSQL 15: the test kit's {@link PgOracle}. PostgreSQL refuses to run as
 * root, so when the tests run as root (as in some containers) and the kit cannot start its cluster, a
 * private cluster is started as the {@code postgres} OS user instead. Missing binaries fail loudly.
 */
final class Oracle {
    private Oracle() {}

    private static String url;

    static synchronized Connection connect() throws SQLException {
        if (url == null) {
            if (!PgOracle.available()) {
                throw new IllegalStateException("PostgreSQL 15 binaries are missing (looked in "
                        + System.getProperty("slotway.pg.bindir", "/usr/lib/postgresql/15/bin") + "); install postgresql-15");
            }
            if ("root".equals(System.getProperty("user.name"))) {
                url = startAsPostgresUser();
            } else {
                url = PgOracle.get().jdbcUrl("postgres");
            }
        }
        return DriverManager.getConnection(url, "postgres", "");
    }

    private static String startAsPostgresUser() {
        try {
            Path bin = Paths.get(System.getProperty("slotway.pg.bindir", "/usr/lib/postgresql/15/bin"));
            Path dir = Files.createTempDirectory("slotway-api-pg");
            run(List.of("chown", "postgres", dir.toString()));
            Path data = dir.resolve("data");
            run(List.of("runuser", "-u", "postgres", "--", bin.resolve("initdb").toString(), "-D", data.toString(),
                    "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"));
            int port = PgOracle.freePort();
            Process server = new ProcessBuilder("runuser", "-u", "postgres", "--", bin.resolve("postgres").toString(),
                    "-D", data.toString(), "-p", Integer.toString(port), "-c", "listen_addresses=127.0.0.1",
                    "-c", "unix_socket_directories=" + dir, "-c", "fsync=off", "-c", "timezone=UTC")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("server.log").toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.destroy();
                try {
                    server.waitFor(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                try {
                    run(List.of("rm", "-rf", dir.toString()));
                } catch (IOException ignored) {
                    // best effort
                }
            }, "api-pg-stop"));
            String u = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try (Connection c = DriverManager.getConnection(u, "postgres", "")) {
                    return u;
                } catch (SQLException e) {
                    if (!server.isAlive() || System.nanoTime() > deadline) {
                        throw new IllegalStateException("PostgreSQL 15 did not start: "
                                + Files.readString(dir.resolve("server.log"), StandardCharsets.UTF_8), e);
                    }
                }
                Thread.sleep(100);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }
}
