package io.slotway.itests.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.slotway.itests.LogicalStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A decoder deployed into a running Slotway as a user does it: a copy of the distribution without
 * wal2json in {@code bundle/}, started with {@code bin/slotway}; the wal2json jar copied into
 * {@code deploy/}, taken out, put back. {@code bin/slotway shell} shows what is served at each step.
 */
class HotDeployProcessIT {
    private static final long WAIT_SECONDS = 30;

    private static int insert(Connection c, int id) throws SQLException {
        try (Statement s = c.createStatement()) {
            return s.executeUpdate("INSERT INTO hot (id, v) VALUES (" + id + ", 'row " + id + "')");
        }
    }

    @Test
    void aDecoderDroppedIntoDeployServesAtOnceAndItsRemovalStopsOnlyItsStreams() throws Exception {
        Path work = Paths.get(System.getProperty("slotway.itest.work", "target/itest-work")).resolve("hot-deploy-process")
                .toAbsolutePath();
        Path dist = work.resolve("dist");
        Path wal2jsonJar = copyDistributionWithout(SlotwayProcess.distribution(), dist, "io.slotway.decoder.wal2json-");
        Path deployed = dist.resolve("deploy").resolve(wal2jsonJar.getFileName());
        Path run = work.resolve("run");
        Path data = run.resolve("data");

        try (SlotwayProcess slotway = SlotwayProcess.start(dist, run)) {
            Shell plugins = shell(dist, data, "slotway:plugins");
            assertThat(plugins.status).as(plugins.toString()).isZero();
            assertThat(plugins.out).contains("test_decoding").doesNotContain("wal2json");

            try (Connection c = slotway.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE hot (id integer PRIMARY KEY, v text)");
                s.execute("SELECT pg_create_logical_replication_slot('t', 'test_decoding')");
                // PostgreSQL 15 for a plugin it has no library for
                for (String plugin : new String[] {"nope", "wal2json"}) {
                    assertThatThrownBy(() -> s.execute("SELECT pg_create_logical_replication_slot('j', '" + plugin + "')"))
                            .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("58P01"))
                            .hasMessage("ERROR: could not access file \"" + plugin + "\": No such file or directory");
                }

                Files.copy(wal2jsonJar, deployed);
                assertThat(LogicalStream.await(WAIT_SECONDS, () -> {
                    try {
                        s.execute("SELECT pg_create_logical_replication_slot('j', 'wal2json')");
                        return true;
                    } catch (SQLException e) {
                        assertThat(e.getSQLState()).isEqualTo("58P01");
                        return false;
                    }
                })).as("slot j created once wal2json is deployed").isTrue();
                insert(c, 1);
            }

            LogicalStream td = new LogicalStream("127.0.0.1", slotway.port(), "t", false, Map.of());
            LogicalStream js = new LogicalStream("127.0.0.1", slotway.port(), "j", true, Map.of("format-version", "2"));
            td.start();
            js.start();
            try (Connection c = slotway.connect()) {
                assertThat(LogicalStream.await(WAIT_SECONDS, () -> td.maxId() >= 1 && js.maxId() >= 1))
                        .as("both slots stream row 1: %s %s", js.sessions, js.startErrors).isTrue();

                Shell slots = shell(dist, data, "slotway:slots");
                assertThat(slots.out).containsPattern("(?m)^ j +\\| wal2json +\\| logical +\\| f +\\| t .*\\| io\\.slotway\\.decoder\\.wal2json ");
                Shell lag = shell(dist, data, "slotway:lag");
                assertThat(lag.out).containsPattern("(?m)^ j +\\| \\d+ ").containsPattern("(?m)^ t +\\| \\d+ ");

                Files.delete(deployed);
                assertThat(LogicalStream.await(WAIT_SECONDS, () -> js.startErrors.contains(
                        "58P01 ERROR: could not access file \"wal2json\": No such file or directory")))
                        .as("START_REPLICATION on j refused: %s %s", js.sessions, js.startErrors).isTrue();
                assertThat(js.sessions.get(0).endedState).isNotNull();
                assertThat(shell(dist, data, "slotway:slots").out).containsPattern("(?m)^ j .*\\| missing$");

                insert(c, 2);
                assertThat(LogicalStream.await(WAIT_SECONDS, () -> td.maxId() >= 2)).as("test_decoding goes on").isTrue();
                assertThat(js.maxId()).isEqualTo(1);

                Files.copy(wal2jsonJar, deployed);
                assertThat(LogicalStream.await(WAIT_SECONDS, () -> js.maxId() >= 2))
                        .as("j streams again from its slot: %s %s", js.sessions, js.startErrors).isTrue();
                insert(c, 3);
                assertThat(LogicalStream.await(WAIT_SECONDS, () -> td.maxId() >= 3 && js.maxId() >= 3)).isTrue();
            } finally {
                td.stop();
                js.stop();
            }
            assertThat(td.sessions).as("test_decoding was never interrupted").hasSize(1);
            assertThat(td.problems(3)).isEmpty();
            assertThat(td.rows).extracting(LogicalStream.Row::id).containsExactly(1L, 2L, 3L);
            assertThat(js.problems(3)).isEmpty();
            assertThat(js.sessions).hasSizeGreaterThanOrEqualTo(2);

            assertThat(slotway.stop()).as("exit code after SIGTERM").isZero();
        }
    }

    /** Copies {@code from} to {@code to} without its deploy/ content and the bundle/ jar starting with {@code prefix}; returns that jar. */
    private static Path copyDistributionWithout(Path from, Path to, String prefix) throws IOException {
        if (Files.exists(to)) {
            try (var paths = Files.walk(to)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Path left = null;
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path rel = from.relativize(p);
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (rel.startsWith("deploy")) {
                    continue;
                } else if (rel.startsWith("bundle") && p.getFileName().toString().startsWith(prefix)) {
                    left = p;
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        if (left == null) {
            throw new IOException("no " + prefix + "*.jar in " + from.resolve("bundle"));
        }
        return left;
    }

    record Shell(int status, String out, String err) {}

    /** {@code bin/slotway shell --data DATA COMMAND}, as an operator runs it. */
    private static Shell shell(Path dist, Path data, String command) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(dist.resolve("bin/slotway").toString(), "shell", "--data", data.toString(), command));
        Path out = Files.createTempFile("shell", ".out");
        Path err = Files.createTempFile("shell", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("bin/slotway shell " + command + " did not finish in 60 s");
            }
            return new Shell(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
