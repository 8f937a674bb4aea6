package io.slotway.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real {@code psql} binary against a server and captures what it prints. */
public final class Psql {
    private Psql() {}

    /** The result of one psql run. */
    public record Result(int exitCode, String stdout, String stderr) {}

    /**
     * Runs {@code psql -X -h host -p port -U user -d database} with {@code extraArgs}, feeding
     * {@code stdin} (may be null); fails after 120 s.
     */
    public static Result run(String host, int port, String user, String database, String stdin, String... extraArgs)
            throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                System.getProperty("slotway.pg.bindir", "/usr/lib/postgresql/15/bin") + "/psql",
                "-X", "-h", host, "-p", Integer.toString(port), "-U", user, "-d", database));
        cmd.addAll(List.of(extraArgs));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("PGCONNECT_TIMEOUT", "10");
        pb.environment().put("PGTZ", "UTC");
        pb.environment().remove("PGPASSWORD");
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();
        Thread t1 = new Thread(() -> copy(p.getInputStream(), out));
        Thread t2 = new Thread(() -> copy(p.getErrorStream(), err));
        t1.start();
        t2.start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("psql did not finish within 120 s");
            }
            t1.join();
            t2.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void copy(java.io.InputStream in, java.io.OutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException ignored) {
            // the process ended
        }
    }
}
