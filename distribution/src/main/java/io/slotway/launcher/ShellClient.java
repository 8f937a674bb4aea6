package io.slotway.launcher;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code bin/slotway shell [--data DIR] [--conf DIR] [COMMAND...]}: runs Gogo commands in the Slotway
 * that runs on the same data directory, through its loopback command port ({@link ShellServer}).
 * With a command: runs it, prints what it printed, exits 0 (or 1 when it failed). Without: reads
 * command lines from stdin (with a {@code slotway> } prompt on a terminal) until EOF, {@code exit} or
 * {@code quit}. Exit 3 when no Slotway answers, 2 for a bad command line.
 */
final class ShellClient {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;
    static final int NOT_RUNNING = 3;
    static final String PROMPT = "slotway> ";
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private ShellClient() {
    }

    static int run(String[] args, Path home, Path cwd, BufferedReader stdin, boolean terminal, PrintStream out,
                   PrintStream err) {
        List<String> settingsArgs = new ArrayList<>();
        List<String> command = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!command.isEmpty()) {
                command.add(a);
            } else if (a.equals("--help") || a.equals("-h")) {
                out.print(Settings.USAGE);
                return OK;
            } else if (a.startsWith("--data=") || a.startsWith("--conf=")) {
                settingsArgs.add(a);
            } else if (a.equals("--data") || a.equals("--conf")) {
                if (i + 1 >= args.length) {
                    err.println("slotway shell: " + a + " needs a value");
                    return USAGE;
                }
                settingsArgs.add(a);
                settingsArgs.add(args[++i]);
            } else if (a.startsWith("--")) {
                err.println("slotway shell: unknown option: " + a);
                return USAGE;
            } else {
                command.add(a);
            }
        }
        Path data;
        try {
            data = Settings.parse(settingsArgs.toArray(new String[0]), home, cwd).data();
        } catch (Settings.UsageException | IOException e) {
            err.println("slotway shell: " + e.getMessage());
            return USAGE;
        }
        Path accessFile = data.resolve(ShellProtocol.ACCESS_FILE);
        ShellProtocol.Access access;
        try {
            access = ShellProtocol.Access.read(accessFile);
        } catch (NoSuchFileException e) {
            err.println("slotway shell: no Slotway is running on " + data + " (no " + accessFile + ")");
            return NOT_RUNNING;
        } catch (IOException e) {
            err.println("slotway shell: cannot read " + accessFile + ": " + e.getMessage());
            return NOT_RUNNING;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), access.port()), CONNECT_TIMEOUT_MS);
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            DataOutputStream to = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
            ShellProtocol.write(to, ShellProtocol.TOKEN, access.token());
            to.flush();
            ShellProtocol.Frame answer = ShellProtocol.read(in);
            if (answer == null || answer.kind() != ShellProtocol.READY) {
                err.println("slotway shell: refused" + (answer == null ? "" : ": " + answer.text()));
                return NOT_RUNNING;
            }
            if (!command.isEmpty()) {
                return execute(String.join(" ", command), in, to, out, err);
            }
            int status = OK;
            while (true) {
                if (terminal) {
                    out.print(PROMPT);
                    out.flush();
                }
                String line = stdin.readLine();
                if (line == null) {
                    break;
                }
                line = line.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                if (line.equals("exit") || line.equals("quit")) {
                    break;
                }
                if (execute(line, in, to, out, err) != OK) {
                    status = FAILED;
                }
            }
            return status;
        } catch (IOException e) {
            err.println("slotway shell: cannot reach Slotway on 127.0.0.1:" + access.port() + " (" + e.getMessage()
                    + "); is it running on " + data + "?");
            return NOT_RUNNING;
        }
    }

    /** Sends one command and prints its answer; returns its status. */
    private static int execute(String command, DataInputStream in, DataOutputStream to, PrintStream out, PrintStream err)
            throws IOException {
        ShellProtocol.write(to, ShellProtocol.COMMAND, command);
        to.flush();
        while (true) {
            ShellProtocol.Frame f = ShellProtocol.read(in);
            if (f == null) {
                throw new IOException("connection closed");
            }
            switch (f.kind()) {
                case ShellProtocol.OUTPUT -> {
                    out.print(f.text());
                    out.flush();
                }
                case ShellProtocol.ERROR -> {
                    err.println(f.text());
                    err.flush();
                }
                case ShellProtocol.DONE -> {
                    return f.status() == 0 ? OK : FAILED;
                }
                default -> throw new IOException("unexpected frame " + (char) f.kind());
            }
        }
    }
}
