package io.slotway.itests.watchers;

import io.slotway.itests.clients.SlotwayProcess;
import io.slotway.testkit.PgOracle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Slotway from a private copy of the distribution (its own {@code deploy/} and {@code conf/}), so a test
 * can drop bundles into {@code deploy/} and configurations into {@code conf/} as a user would, without
 * touching the distribution other suites run.
 */
final class PrivateSlotway implements AutoCloseable {
    final Path home;
    final Path log;
    final int port;
    private final Process process;

    private PrivateSlotway(Path home, Path log, int port, Process process) {
        this.home = home;
        this.log = log;
        this.port = port;
        this.process = process;
    }

    /** A fresh copy of the distribution under {@code work}; {@code prepare} may change it before the start. */
    static PrivateSlotway start(Path work, IoAction prepare) throws IOException {
        Path dist = Paths.get(System.getProperty("slotway.distribution", "../distribution/target/slotway"));
        if (Files.exists(work)) {
            try (var paths = Files.walk(work)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        Path home = work.resolve("slotway");
        try (var paths = Files.walk(dist)) {
            for (Path p : paths.toList()) {
                Path to = home.resolve(dist.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(p, to, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        // deploy/ as shipped: empty (a developer's own run may have left bundles in the build's copy)
        try (var files = Files.list(home.resolve("deploy"))) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        prepare.run(home);
        int port = PgOracle.freePort();
        Path log = work.resolve("slotway.log");
        Process p = new ProcessBuilder(List.of(home.resolve("bin/slotway").toString(), "--listen", "127.0.0.1", "--port",
                Integer.toString(port), "--data", work.resolve("data").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            SlotwayProcess.awaitReady(p, port, log);
        } catch (IOException e) {
            p.destroyForcibly();
            throw e;
        }
        return new PrivateSlotway(home, log, port, p);
    }

    /** The extras/ jar whose file name starts with {@code prefix}. */
    Path extra(String prefix) throws IOException {
        try (var files = Files.list(home.resolve("extras"))) {
            return files.filter(f -> f.getFileName().toString().startsWith(prefix)).findFirst()
                    .orElseThrow(() -> new IOException("no " + prefix + "* in extras/"));
        }
    }

    /** Copies an extras/ bundle into deploy/, as a user installs it. */
    void deploy(String prefix) throws IOException {
        Path jar = extra(prefix);
        Files.copy(jar, home.resolve("deploy").resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
    }

    void undeploy(String prefix) throws IOException {
        Files.deleteIfExists(home.resolve("deploy").resolve(extra(prefix).getFileName()));
    }

    /** Waits, polling with a deadline, until the log has a line {@code until} accepts. */
    void awaitLog(Predicate<String> until, long seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            if (Files.readAllLines(log, StandardCharsets.UTF_8).stream().anyMatch(until)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException("not in the log within " + seconds + " s:\n" + Files.readString(log, StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    interface IoAction {
        void run(Path home) throws IOException;
    }
}
