package io.slotway.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL 15, the oracle Slotway is compared with: a fresh cluster in a temporary directory,
 * listening on 127.0.0.1 on a free port, with {@code wal_level = logical}. One per JVM, started on first
 * use and stopped (and deleted) when the JVM exits.
 *
 * <p>The binaries come from {@code -Dslotway.pg.bindir} (default {@code /usr/lib/postgresql/15/bin});
 * the README's test command installs them. PostgreSQL refuses to run as root, so when the tests run as
 * root (CI containers) the cluster belongs to, and runs as, the {@code postgres} OS user that the
 * Debian package creates.
 */
public final class PgOracle {
    private static PgOracle instance;

    private final Path bindir;
    private final Path dir;
    private final int port;
    private Process server;

    private PgOracle(Path bindir) throws IOException {
        this.bindir = bindir;
        this.dir = Files.createTempDirectory("slotway-pg-oracle");
        this.port = freePort();
    }

    /** The JVM's oracle, started if it is not yet running. */
    public static synchronized PgOracle get() {
        if (instance == null) {
            try {
                PgOracle oracle = new PgOracle(Paths.get(System.getProperty("slotway.pg.bindir", "/usr/lib/postgresql/15/bin")));
                oracle.start();
                Runtime.getRuntime().addShutdownHook(new Thread(oracle::stop, "pg-oracle-stop"));
                instance = oracle;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start PostgreSQL 15 (is postgresql-15 installed?)", e);
            }
        }
        return instance;
    }

    /** Whether the PostgreSQL 15 binaries are present. */
    public static boolean available() {
        return Files.isExecutable(Paths.get(System.getProperty("slotway.pg.bindir", "/usr/lib/postgresql/15/bin"), "postgres"));
    }

    public int port() { return port; }
    public String host() { return "127.0.0.1"; }
    public Path binDir() { return bindir; }
    public String user() { return "postgres"; }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    /** A connection to {@code database} as the superuser {@code postgres}. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), "postgres", "");
    }

    /** Creates a fresh, empty database and returns its name. */
    public String createDatabase(String prefix) throws SQLException {
        String name = prefix + "_" + Long.toHexString(System.nanoTime());
        try (Connection c = connect("postgres")) {
            c.createStatement().execute("CREATE DATABASE " + name);
        }
        return name;
    }

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    /** The command, run as the {@code postgres} OS user when this JVM runs as root. */
    private static List<String> asServerUser(List<String> command) {
        if (!ROOT) {
            return command;
        }
        List<String> out = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        out.addAll(command);
        return out;
    }

    private void start() throws IOException {
        Path data = dir.resolve("data");
        if (ROOT) {
            run(List.of("chown", "postgres", dir.toString()), Duration.ofSeconds(30));
        }
        run(asServerUser(List.of(bindir.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")), Duration.ofMinutes(2));
        Path conf = dir.resolve("slotway-oracle.conf");
        Files.writeString(conf, String.join("\n",
                "port = " + port,
                "listen_addresses = '127.0.0.1'",
                "unix_socket_directories = '" + dir + "'",
                "wal_level = logical",
                "max_replication_slots = 20",
                "max_wal_senders = 20",
                "fsync = off",
                "timezone = 'UTC'",
                knowsSetting("output_plugin_libraries")
                        ? "output_plugin_libraries = 'pgoutput, test_decoding, wal2json, decoderbufs'" : "",
                ""), StandardCharsets.UTF_8);
        // postgresql.conf belongs to the server user: include our settings rather than edit it as root.
        run(asServerUser(List.of("sh", "-c", "echo \"include '" + conf + "'\" >> '" + data.resolve("postgresql.conf") + "'")),
                Duration.ofSeconds(30));
        List<String> cmd = asServerUser(List.of(bindir.resolve("postgres").toString(), "-D", data.toString()));
        Path log = dir.resolve("server.log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        server = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IOException("postgres exited: " + Files.readString(log));
            }
            try (Connection c = connect("postgres")) {
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
        throw new IOException("postgres did not accept connections within 60 s", last);
    }

    /**
     * Whether this PostgreSQL build has a setting: some Debian builds add {@code output_plugin_libraries}
     * (see shared/pg-reference/README.md), which must then list wal2json and decoderbufs.
     */
    private boolean knowsSetting(String name) throws IOException {
        Process p = new ProcessBuilder(bindir.resolve("postgres").toString(), "--describe-config")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            p.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out.lines().anyMatch(line -> line.startsWith(name + "\t"));
    }

    /** Stops the server and deletes its directory. */
    public synchronized void stop() {
        if (server != null) {
            server.destroy(); // SIGTERM: smart shutdown
            try {
                if (!server.waitFor(20, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            } catch (InterruptedException e) {
                server.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            server = null;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException ignored) {
            // best effort: a temp directory
        }
    }

    private static void run(List<String> command, Duration timeout) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
                throw new IOException(command.get(0) + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** A TCP port that was free on 127.0.0.1 a moment ago. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
