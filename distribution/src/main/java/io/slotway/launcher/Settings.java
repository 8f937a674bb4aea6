package io.slotway.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * What one start of Slotway runs with: the command line over {@code conf/slotway.properties}
 * over the defaults. Relative paths are taken from the current directory.
 */
record Settings(Path home, Path conf, Path data, String listen, int port, boolean shell, int shellPort) {

    static final String DEFAULT_LISTEN = "127.0.0.1";
    static final int DEFAULT_PORT = 5433;
    static final String DEFAULT_DATA = "data";
    static final String PROPERTIES_FILE = "slotway.properties";
    /** The loopback command port for {@code slotway shell}: 0 = any free port, -1 = none. */
    static final int DEFAULT_SHELL_PORT = 0;

    static final String USAGE = """
            Usage: slotway [OPTIONS]
                   slotway shell [--data DIR] [--conf DIR] [COMMAND]
                   slotway passwd USER

            Starts Slotway (Apache Felix) in the foreground; SIGTERM or Ctrl-C stops it cleanly.

            Options (each overrides the same key in <conf>/slotway.properties):
              --listen ADDR   address the PostgreSQL protocol server binds (key: listen; default 127.0.0.1)
              --port N        its TCP port (key: port; default 5433)
              --data DIR      data directory, relative to the current directory (key: data; default ./data)
              --conf DIR      configuration directory (default: the distribution's conf/)
              --shell         interactive Gogo shell on this terminal (without it, no console)
              --shell-port N  loopback (127.0.0.1) port for `slotway shell` (key: shell.port; default 0 = any
                              free port, -1 = none)
              --help          this text

            shell [COMMAND]   runs a Gogo command (e.g. slotway:slots) in the Slotway running on the same
                              data directory, or reads commands from stdin without one
            passwd USER       reads a password and prints a line for <conf>/users.conf
            """;

    /** Thrown for a bad command line; the message is shown with the usage text. */
    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /** Returns null when {@code --help} was asked for. */
    static Settings parse(String[] args, Path home, Path cwd) throws UsageException, IOException {
        String listen = null;
        String port = null;
        String data = null;
        String conf = null;
        String shellPort = null;
        boolean shell = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String value = null;
            int eq = arg.indexOf('=');
            if (arg.startsWith("--") && eq > 0) {
                value = arg.substring(eq + 1);
                arg = arg.substring(0, eq);
            }
            switch (arg) {
                case "--help", "-h" -> {
                    return null;
                }
                case "--shell" -> shell = true;
                case "--listen", "--port", "--data", "--conf", "--shell-port" -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException(arg + " needs a value");
                        }
                        value = args[++i];
                    }
                    switch (arg) {
                        case "--listen" -> listen = value;
                        case "--port" -> port = value;
                        case "--data" -> data = value;
                        case "--shell-port" -> shellPort = value;
                        default -> conf = value;
                    }
                }
                default -> throw new UsageException("unknown option: " + args[i]);
            }
        }

        Path confDir = conf != null ? cwd.resolve(conf).toAbsolutePath().normalize() : home.resolve("conf");
        Properties file = new Properties();
        Path propertiesFile = confDir.resolve(PROPERTIES_FILE);
        if (Files.isRegularFile(propertiesFile)) {
            try (InputStream in = Files.newInputStream(propertiesFile)) {
                file.load(in);
            }
        }
        listen = firstNonBlank(listen, file.getProperty("listen"), DEFAULT_LISTEN);
        port = firstNonBlank(port, file.getProperty("port"), Integer.toString(DEFAULT_PORT));
        data = firstNonBlank(data, file.getProperty("data"), DEFAULT_DATA);
        shellPort = firstNonBlank(shellPort, file.getProperty("shell.port"), Integer.toString(DEFAULT_SHELL_PORT));

        int portNumber;
        try {
            portNumber = Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("port is not a number: " + port);
        }
        if (portNumber < 0 || portNumber > 65535) {
            throw new UsageException("port out of range: " + port);
        }
        int shellPortNumber;
        try {
            shellPortNumber = Integer.parseInt(shellPort.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("shell port is not a number: " + shellPort);
        }
        if (shellPortNumber < -1 || shellPortNumber > 65535) {
            throw new UsageException("shell port out of range: " + shellPort);
        }
        return new Settings(home, confDir, cwd.resolve(data.trim()).toAbsolutePath().normalize(),
                listen.trim(), portNumber, shell, shellPortNumber);
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        throw new IllegalArgumentException("no value");
    }
}
