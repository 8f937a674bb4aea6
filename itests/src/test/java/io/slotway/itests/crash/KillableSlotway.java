package io.slotway.itests.crash;

import io.slotway.itests.clients.SlotwayProcess;
import io.slotway.testkit.PgOracle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The distribution's {@code bin/slotway} as a child process that can be killed with SIGKILL and
 * started again on the same data directory (which, unlike the clients package's SlotwayProcess, it
 * never wipes on restart). Each start takes a fresh loopback port and logs to {@code slotway-<n>.log}
 * in the work directory, so the logs of every run before a crash are kept.
 *
 * <p>{@code bin/slotway} {@code exec}s java, so the process started here is the JVM itself and
 * {@link Process#destroyForcibly()} (SIGKILL on Linux) kills Slotway with no chance to clean up;
 * {@link #start} checks that the script left no other process behind.
 */
final class KillableSlotway implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path log;

    private KillableSlotway(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Empties {@code work} (a new run starts from nothing); {@link #start} then reuses it. */
    static void wipe(Path work) throws IOException {
        if (Files.exists(work)) {
            try (var paths = Files.walk(work)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Files.createDirectories(work);
    }

    /** Starts Slotway on {@code work/data} as it is (a restart after a crash), run number {@code run} for the log's name. */
    static KillableSlotway start(Path work, int run) throws IOException {
        KillableSlotway slotway = launch(work, Integer.toString(run));
        try {
            slotway.awaitReady();
        } catch (IOException | RuntimeException e) {
            slotway.kill();
            throw e;
        }
        if (slotway.process.descendants().findAny().isPresent()) {
            slotway.kill();
            throw new IOException("bin/slotway left processes besides the JVM (it must exec java): "
                    + slotway.process.descendants().map(h -> h.pid() + " " + h.info().command().orElse("?")).toList());
        }
        return slotway;
    }

    /** Starts the process without waiting for it to accept connections (to kill it while it recovers). */
    static KillableSlotway launch(Path work, String run) throws IOException {
        int port = PgOracle.freePort();
        Files.createDirectories(work);
        Path log = work.resolve("slotway-" + run + ".log");
        return new KillableSlotway(SlotwayProcess.launch(work.resolve("data"), port, log), port, log);
    }

    private void awaitReady() throws IOException {
        SlotwayProcess.awaitReady(process, port, log);
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    static String url(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** A plain (non-replication) connection with short timeouts, so nothing hangs on a dead server. */
    static Connection connect(int port) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("connectTimeout", "5");
        p.setProperty("socketTimeout", "30");
        p.setProperty("ApplicationName", "crash-it");
        return DriverManager.getConnection(url(port), p);
    }

    Connection connect() throws SQLException {
        return connect(port);
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    Path logFile() {
        return log;
    }

    /** SIGKILL, and waits until the process is gone. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("slotway (pid " + process.pid() + ") survived SIGKILL for 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM; the exit code, or -1 if it had to be killed after 30 s. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            kill();
            return -1;
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        }
    }
}
