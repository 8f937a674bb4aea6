package io.slotway.itests;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * How the server ends a logical stream, seen on the wire: pgjdbc reports a FATAL that arrives during
 * COPY as a broken connection (08006) and drops the server's error, so this client speaks the protocol
 * itself: startup as postgres (trust), START_REPLICATION, CopyData ignored, until an ErrorResponse.
 * Completes with {@code "SEVERITY SQLSTATE message"} plus {@code " (then closed)"} when the server
 * closed the connection right after it.
 */
public final class StreamEnd {
    private StreamEnd() {
    }

    /** Starts streaming {@code slot} on a thread of its own; the future says how the stream ended. */
    public static CompletableFuture<String> watch(int port, String slot, String options) throws Exception {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(60_000);
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        DataInputStream in = new DataInputStream(socket.getInputStream());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream b = new DataOutputStream(body);
        b.writeInt(196608);
        for (String s : new String[] {"user", "postgres", "database", "postgres", "replication", "database"}) {
            b.write(s.getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        b.write(0);
        out.writeInt(body.size() + 4);
        out.write(body.toByteArray());
        out.flush();
        String ready = readUntil(in, 'Z');
        if (ready != null) {
            socket.close();
            throw new IOException("startup failed: " + ready);
        }
        byte[] q = ("START_REPLICATION SLOT " + slot + " LOGICAL 0/0" + (options.isEmpty() ? "" : " (" + options + ")"))
                .getBytes(StandardCharsets.UTF_8);
        out.writeByte('Q');
        out.writeInt(q.length + 5);
        out.write(q);
        out.write(0);
        out.flush();
        CompletableFuture<String> end = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try (socket) {
                String error = readUntil(in, (char) 0);
                boolean closed;
                try {
                    closed = in.read() == -1;
                } catch (IOException e) {
                    closed = true;
                }
                end.complete(error + (closed ? " (then closed)" : ""));
            } catch (Throwable e) {
                end.completeExceptionally(e);
            }
        }, "stream-end-" + slot);
        t.setDaemon(true);
        t.start();
        return end;
    }

    /** Reads messages until one of type {@code until} (returns null) or an ErrorResponse (returns it). */
    private static String readUntil(DataInputStream in, char until) throws IOException {
        while (true) {
            int type;
            try {
                type = in.readUnsignedByte();
            } catch (EOFException e) {
                return "EOF";
            }
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            if (type == until) {
                return null;
            }
            if (type == 'E') {
                String severity = "";
                String code = "";
                String message = "";
                int i = 0;
                while (i < body.length && body[i] != 0) {
                    char field = (char) body[i++];
                    int e = i;
                    while (body[e] != 0) {
                        e++;
                    }
                    String v = new String(body, i, e - i, StandardCharsets.UTF_8);
                    switch (field) {
                        case 'V' -> severity = v;
                        case 'C' -> code = v;
                        case 'M' -> message = v;
                        default -> { }
                    }
                    i = e + 1;
                }
                return severity + " " + code + " " + message;
            }
        }
    }
}
