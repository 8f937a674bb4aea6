package io.slotway.itests.clients;

import io.slotway.testkit.PgOracle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Slotway as a user runs it: the assembled distribution's {@code bin/slotway}, started as a child
 * process on 127.0.0.1 and a free port with a fresh (emptied) work and data directory, stopped with
 * SIGTERM.
 */
public final class SlotwayProcess implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private SlotwayProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static SlotwayProcess start(Path work, String... extraArgs) throws IOException {
        return start(distribution(), work, extraArgs);
    }

    /** As {@link #start(Path, String...)}, from the distribution directory {@code dist} (e.g. a copy a test changed). */
    static SlotwayProcess start(Path dist, Path work, String... extraArgs) throws IOException {
        int port = PgOracle.freePort();
        if (Files.exists(work)) {
            try (var paths = Files.walk(work)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(work);
        Path log = work.resolve("slotway.log");
        Process p = launch(dist, work.resolve("data"), port, log, extraArgs);
        SlotwayProcess slotway = new SlotwayProcess(p, port, log);
        try {
            awaitReady(p, port, log);
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
        return slotway;
    }

    /** Starts the distribution's bin/slotway on 127.0.0.1:{@code port} with {@code data}, logging to {@code log}. */
    public static Process launch(Path data, int port, Path log, String... extraArgs) throws IOException {
        return launch(distribution(), data, port, log, extraArgs);
    }

    /** The assembled distribution the suites run ({@code -Dslotway.distribution}). */
    public static Path distribution() {
        return Paths.get(System.getProperty("slotway.distribution", "../distribution/target/slotway"));
    }

    /** Starts {@code dist}'s bin/slotway on 127.0.0.1:{@code port} with {@code data}, logging to {@code log}. */
    public static Process launch(Path dist, Path data, int port, Path log, String... extraArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(dist.resolve("bin/slotway").toString(),
                "--listen", "127.0.0.1", "--port", Integer.toString(port), "--data", data.toString()));
        cmd.addAll(List.of(extraArgs));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** Waits, polling with a 90 s deadline, until Slotway on {@code port} accepts a connection. */
    public static void awaitReady(Process process, int port, Path log) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("slotway exited with " + process.exitValue() + ":\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            try (Connection c = connect(port)) {
                return;
            } catch (SQLException e) {
                last = e;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        throw new IOException("slotway did not accept connections within 90 s:\n"
                + Files.readString(log, StandardCharsets.UTF_8), last);
    }

    /** A connection to Slotway's default database as its superuser. */
    public static Connection connect(int port) throws SQLException {
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
    }

    int port() {
        return port;
    }

    Connection connect() throws SQLException {
        return connect(port);
    }

    String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** SIGTERM, then the exit code (-1 if it had to be killed after 30 s). */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            return -1;
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
