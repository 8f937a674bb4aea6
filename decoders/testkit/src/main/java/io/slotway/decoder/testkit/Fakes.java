package io.slotway.decoder.testkit;

import io.slotway.api.PgException;
import io.slotway.api.decoding.DecodingContext;
import io.slotway.api.decoding.OutputWriter;
import io.slotway.api.types.SessionFormat;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A fake decoding context and an output writer that keeps each message, as core would send them. */
public final class Fakes {
    private Fakes() {}

    public record Context(Map<String, String> options, SessionFormat format, List<PgException> notices) implements DecodingContext {
        public Context(Map<String, String> options) {
            this(options, SessionFormat.DEFAULT, new ArrayList<>());
        }

        @Override
        public String slotName() {
            return "slot";
        }

        @Override
        public boolean textualConsumer() {
            return false;
        }

        @Override
        public void notice(PgException notice) {
            notices.add(notice);
        }
    }

    /** Options in order, from name/value pairs (a null value is a bare option). */
    public static Map<String, String> options(String... nameValue) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < nameValue.length; i += 2) {
            m.put(nameValue[i], nameValue[i + 1]);
        }
        return m;
    }

    /** Collects messages; fails on a write without prepareWrite or a prepareWrite inside a message. */
    public static final class Writer implements OutputWriter {
        public final List<byte[]> messages = new ArrayList<>();
        public final List<Boolean> lastFlags = new ArrayList<>();
        private ByteArrayOutputStream current;

        @Override
        public void prepareWrite(boolean last) {
            if (current != null) {
                throw new IllegalStateException("prepareWrite inside a message");
            }
            current = new ByteArrayOutputStream();
        }

        @Override
        public OutputWriter append(CharSequence text) {
            return appendBytes(text.toString().getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public OutputWriter append(char c) {
            return append(String.valueOf(c));
        }

        @Override
        public OutputWriter appendBytes(byte[] bytes) {
            open().writeBytes(bytes);
            return this;
        }

        @Override
        public OutputWriter appendByte(int b) {
            open().write(b);
            return this;
        }

        @Override
        public OutputWriter appendInt16(int v) {
            return appendBytes(ByteBuffer.allocate(2).putShort((short) v).array());
        }

        @Override
        public OutputWriter appendInt32(int v) {
            return appendBytes(ByteBuffer.allocate(4).putInt(v).array());
        }

        @Override
        public OutputWriter appendInt64(long v) {
            return appendBytes(ByteBuffer.allocate(8).putLong(v).array());
        }

        @Override
        public void write(boolean last) {
            messages.add(open().toByteArray());
            lastFlags.add(last);
            current = null;
        }

        private ByteArrayOutputStream open() {
            if (current == null) {
                throw new IllegalStateException("no message started");
            }
            return current;
        }

        /** The messages as {@code pg_recvlogical -f} writes them: each followed by a newline. */
        public byte[] asRecvlogicalFile() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] m : messages) {
                out.writeBytes(m);
                out.write('\n');
            }
            return out.toByteArray();
        }

        public List<String> lines() {
            List<String> out = new ArrayList<>();
            for (byte[] m : messages) {
                out.add(new String(m, StandardCharsets.UTF_8));
            }
            return out;
        }
    }
}
