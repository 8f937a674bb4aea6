package io.slotway.itests.clients;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A protocol-level client for comparing what two servers answer, message by message. */
final class RawClient implements AutoCloseable {
    /** One server message: its type and, for errors and notices, the fields by code. */
    record Message(char type, byte[] body) {
        Map<Character, String> fields() {
            Map<Character, String> out = new LinkedHashMap<>();
            int i = 0;
            while (i < body.length && body[i] != 0) {
                char code = (char) body[i++];
                int end = i;
                while (body[end] != 0) {
                    end++;
                }
                out.put(code, new String(body, i, end - i, StandardCharsets.UTF_8));
                i = end + 1;
            }
            return out;
        }

        /** ParameterStatus: name and value. */
        String[] parameter() {
            String s = new String(body, StandardCharsets.UTF_8);
            String[] parts = s.split("\0", -1);
            return new String[] {parts[0], parts[1]};
        }
    }

    private final Socket socket;
    private final DataOutputStream out;
    private final DataInputStream in;

    RawClient(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(15_000);
        out = new DataOutputStream(socket.getOutputStream());
        in = new DataInputStream(socket.getInputStream());
    }

    /** Sends a StartupMessage with this protocol version and these parameters. */
    void startup(int version, Map<String, String> parameters) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream b = new DataOutputStream(body);
        b.writeInt(version);
        for (Map.Entry<String, String> e : parameters.entrySet()) {
            b.write(e.getKey().getBytes(StandardCharsets.UTF_8));
            b.write(0);
            b.write(e.getValue().getBytes(StandardCharsets.UTF_8));
            b.write(0);
        }
        b.write(0);
        out.writeInt(body.size() + 4);
        out.write(body.toByteArray());
        out.flush();
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Sends a typed message. */
    void send(char type, byte[] body) throws IOException {
        out.writeByte(type);
        out.writeInt(body.length + 4);
        out.write(body);
        out.flush();
    }

    /** Messages up to and including ReadyForQuery or an ErrorResponse with severity FATAL, or EOF. */
    List<Message> readUntilReadyOrFatal() throws IOException {
        List<Message> messages = new ArrayList<>();
        while (true) {
            int type;
            try {
                type = in.readUnsignedByte();
            } catch (EOFException e) {
                return messages;
            }
            int len = in.readInt();
            byte[] body = new byte[len - 4];
            in.readFully(body);
            Message m = new Message((char) type, body);
            messages.add(m);
            if (type == 'Z' || (type == 'E' && "FATAL".equals(m.fields().get('V')))) {
                return messages;
            }
        }
    }

    /** Whether the server has closed the connection. */
    boolean closedByServer() throws IOException {
        try {
            return in.read() == -1;
        } catch (java.net.SocketException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
