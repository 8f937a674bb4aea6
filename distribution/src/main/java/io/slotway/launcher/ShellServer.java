package io.slotway.launcher;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Semaphore;

/**
 * The command port {@code bin/slotway shell} talks to: a server socket on the loopback address only,
 * one thread per connection, each connection one shell session (so variables set by one command are
 * seen by the next). The port and a random token go to {@code <data>/shell.access} (owner-only); a
 * client that cannot show the token is refused. See {@link ShellProtocol}.
 */
final class ShellServer implements AutoCloseable {
    /** A shell session: runs one command line and says what it printed, or why it failed. */
    interface Session extends AutoCloseable {
        Result execute(String command);

        @Override
        void close();
    }

    /** What a command printed (its output and its formatted result) and, when it failed, the error. */
    record Result(String output, String error) {}

    /** Opens a session per connection (Gogo's CommandProcessor in Slotway; a fake in tests). */
    interface Sessions {
        Session open() throws Exception;
    }

    static final int MAX_CONNECTIONS = 8;
    static final int TOKEN_TIMEOUT_MS = 10_000;

    private final ServerSocket socket;
    private final Path accessFile;
    private final byte[] token;
    private final Sessions sessions;
    private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
    private volatile boolean closed;

    private ShellServer(ServerSocket socket, Path accessFile, byte[] token, Sessions sessions) {
        this.socket = socket;
        this.accessFile = accessFile;
        this.token = token;
        this.sessions = sessions;
    }

    /** Listens on 127.0.0.1:{@code port} (0 = any free port) and writes {@code accessFile}. */
    static ShellServer start(int port, Path accessFile, Sessions sessions) throws IOException {
        ServerSocket socket = new ServerSocket(port, 16, InetAddress.getLoopbackAddress());
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        ShellServer server = new ShellServer(socket, accessFile, token.getBytes(StandardCharsets.UTF_8), sessions);
        try {
            new ShellProtocol.Access(socket.getLocalPort(), token).write(accessFile);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        Thread t = new Thread(server::acceptLoop, "slotway-shell-port");
        t.setDaemon(true);
        t.start();
        return server;
    }

    int port() {
        return socket.getLocalPort();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = socket.accept();
            } catch (IOException e) {
                if (!closed) {
                    Main.log("shell port: " + e.getMessage());
                }
                return;
            }
            if (!slots.tryAcquire()) {
                closeQuietly(s); // too many shells at once
                continue;
            }
            Thread t = new Thread(() -> {
                try {
                    serve(s);
                } finally {
                    slots.release();
                }
            }, "slotway-shell-" + s.getPort());
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(TOKEN_TIMEOUT_MS);
            DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream()));
            ShellProtocol.Frame first = ShellProtocol.read(in);
            if (first == null || first.kind() != ShellProtocol.TOKEN || !MessageDigest.isEqual(first.data(), token)) {
                ShellProtocol.write(out, ShellProtocol.REFUSED, "wrong token: read it from " + accessFile);
                out.flush();
                return;
            }
            s.setSoTimeout(0); // an interactive shell may sit idle
            ShellProtocol.write(out, ShellProtocol.READY, new byte[0]);
            out.flush();
            try (Session session = sessions.open()) {
                ShellProtocol.Frame f;
                while ((f = ShellProtocol.read(in)) != null) {
                    if (f.kind() != ShellProtocol.COMMAND) {
                        return;
                    }
                    Result r = session.execute(f.text());
                    if (!r.output().isEmpty()) {
                        ShellProtocol.write(out, ShellProtocol.OUTPUT, r.output());
                    }
                    if (r.error() != null) {
                        ShellProtocol.write(out, ShellProtocol.ERROR, r.error());
                    }
                    ShellProtocol.done(out, r.error() == null ? 0 : 1);
                }
            } catch (Exception e) {
                ShellProtocol.write(out, ShellProtocol.ERROR, "shell unavailable: " + e.getMessage());
                ShellProtocol.done(out, 1);
            }
        } catch (SocketTimeoutException e) {
            // no token in time
        } catch (IOException e) {
            // the client went away
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(socket);
        try {
            Files.deleteIfExists(accessFile);
        } catch (IOException e) {
            Main.log("cannot remove " + accessFile + ": " + e.getMessage());
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
