package io.slotway.launcher;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

/**
 * The loopback command port's wire format, shared by {@link ShellServer} and {@link ShellClient}.
 * Both ways it is frames: one kind byte, a big-endian int length, that many bytes (UTF-8 text, or a
 * 4-byte int for {@link #DONE}). The client sends {@link #TOKEN} first, then any number of
 * {@link #COMMAND}s; the server answers the token with {@link #READY} (or {@link #REFUSED} and closes)
 * and each command with {@link #OUTPUT} and/or {@link #ERROR} then {@link #DONE} (0 ok, 1 failed).
 *
 * <p>Where to connect and the token are in {@code <data>/shell.access} (owner-only permissions), so
 * only the OS user who can read Slotway's data directory can run commands, even though any local
 * process can reach 127.0.0.1.
 */
final class ShellProtocol {
    static final String ACCESS_FILE = "shell.access";
    static final int MAX_FRAME = 16 << 20;

    static final byte TOKEN = 'T';
    static final byte COMMAND = 'C';
    static final byte READY = 'Y';
    static final byte REFUSED = 'R';
    static final byte OUTPUT = 'O';
    static final byte ERROR = 'E';
    static final byte DONE = 'D';

    record Frame(byte kind, byte[] data) {
        String text() {
            return new String(data, StandardCharsets.UTF_8);
        }

        int status() {
            return data.length == 4 ? ((data[0] & 0xff) << 24) | ((data[1] & 0xff) << 16) | ((data[2] & 0xff) << 8) | (data[3] & 0xff) : -1;
        }
    }

    /** What {@code shell.access} says: the port on 127.0.0.1 and the token. */
    record Access(int port, String token) {
        static Access read(Path file) throws IOException {
            Properties p = new Properties();
            try (var in = Files.newInputStream(file)) {
                p.load(in);
            }
            String port = p.getProperty("port");
            String token = p.getProperty("token");
            if (port == null || token == null) {
                throw new IOException(file + " has no port or token");
            }
            try {
                return new Access(Integer.parseInt(port.trim()), token.trim());
            } catch (NumberFormatException e) {
                throw new IOException(file + ": bad port " + port);
            }
        }

        /** Written to a temporary file that only the owner may read, then moved into place. */
        void write(Path file) throws IOException {
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                Files.createFile(tmp); // not a POSIX file system: the directory's protection applies
            }
            Files.writeString(tmp, "# the running Slotway's command port (bin/slotway shell); removed at stop\n"
                    + "port=" + port + "\ntoken=" + token + "\n", StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private ShellProtocol() {
    }

    static void write(DataOutputStream out, byte kind, String text) throws IOException {
        write(out, kind, text.getBytes(StandardCharsets.UTF_8));
    }

    static void write(DataOutputStream out, byte kind, byte[] data) throws IOException {
        out.writeByte(kind);
        out.writeInt(data.length);
        out.write(data);
    }

    static void done(DataOutputStream out, int status) throws IOException {
        write(out, DONE, new byte[] {(byte) (status >>> 24), (byte) (status >>> 16), (byte) (status >>> 8), (byte) status});
        out.flush();
    }

    /** The next frame, or null at a clean end of stream. */
    static Frame read(DataInputStream in) throws IOException {
        int kind = in.read();
        if (kind < 0) {
            return null;
        }
        int length;
        try {
            length = in.readInt();
        } catch (EOFException e) {
            throw new IOException("truncated frame");
        }
        if (length < 0 || length > MAX_FRAME) {
            throw new IOException("bad frame length " + length);
        }
        byte[] data = new byte[length];
        in.readFully(data);
        return new Frame((byte) kind, data);
    }
}
