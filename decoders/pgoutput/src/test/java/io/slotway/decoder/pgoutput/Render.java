package io.slotway.decoder.pgoutput;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * pgoutput messages as one line of text each, as {@code golden/normalise.py --pgoutput} renders them:
 * xids and relation OIDs become numbered placeholders ({@code <XID#1>}, {@code <RELOID#1>}), LSNs
 * {@code <LSN>} and commit times {@code <TS>}; with {@code keep} set, LSNs, xids and OIDs are kept.
 * Independent of the plugin's own encoder, so it checks it.
 */
final class Render {
    private final Map<Long, Integer> xids = new HashMap<>();
    private final Map<Long, Integer> rels = new HashMap<>();
    private final boolean keep;

    Render() {
        this(false);
    }

    Render(boolean keep) {
        this.keep = keep;
    }

    /** Renders each message; fails on bytes left over. */
    List<String> all(List<byte[]> messages) {
        List<String> out = new ArrayList<>();
        for (byte[] m : messages) {
            ByteBuffer b = ByteBuffer.wrap(m);
            out.add(message(b));
            if (b.hasRemaining()) {
                throw new IllegalStateException("bytes left over after " + out.get(out.size() - 1));
            }
        }
        return out;
    }

    /** Splits a {@code pg_recvlogical -f} file of pgoutput messages (each followed by a newline) and renders them. */
    List<String> recvlogicalFile(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file);
        List<String> out = new ArrayList<>();
        while (b.hasRemaining()) {
            out.add(message(b));
            if (b.get() != '\n') {
                throw new IllegalStateException("framing lost after " + out.get(out.size() - 1));
            }
        }
        return out;
    }

    private String xid(long x) {
        return keep ? Long.toString(x) : "<XID#" + xids.computeIfAbsent(x, k -> xids.size() + 1) + ">";
    }

    private String rel(long oid) {
        return keep ? Long.toString(oid) : "<RELOID#" + rels.computeIfAbsent(oid, k -> rels.size() + 1) + ">";
    }

    private String lsn(long v) {
        return keep ? String.format("%X/%X", v >>> 32, v & 0xFFFFFFFFL) : "<LSN>";
    }

    private static String str(ByteBuffer b) {
        int start = b.position();
        while (b.get() != 0) {
            // to the terminating zero
        }
        return new String(b.array(), start, b.position() - start - 1, StandardCharsets.UTF_8);
    }

    private static long u32(ByteBuffer b) {
        return b.getInt() & 0xFFFFFFFFL;
    }

    private static byte[] take(ByteBuffer b, int n) {
        byte[] d = new byte[n];
        b.get(d);
        return d;
    }

    private String tuple(ByteBuffer b) {
        int n = b.getShort();
        List<String> cols = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            char k = (char) b.get();
            switch (k) {
                case 'n' -> cols.add("null");
                case 'u' -> cols.add("unchanged-toast");
                case 't' -> cols.add("t:" + new String(take(b, b.getInt()), StandardCharsets.UTF_8));
                case 'b' -> cols.add("b:" + HexFormat.of().formatHex(take(b, b.getInt())));
                default -> throw new IllegalStateException("column kind " + k);
            }
        }
        return "[" + String.join(", ", cols) + "]";
    }

    String message(ByteBuffer b) {
        char t = (char) b.get();
        switch (t) {
            case 'B': {
                long fl = b.getLong();
                b.getLong();
                return "BEGIN final_lsn=" + lsn(fl) + " ts=<TS> xid=" + xid(u32(b));
            }
            case 'C': {
                int f = b.get();
                long cl = b.getLong();
                long el = b.getLong();
                b.getLong();
                return "COMMIT flags=" + f + " commit_lsn=" + lsn(cl) + " end_lsn=" + lsn(el) + " ts=<TS>";
            }
            case 'O': {
                long l = b.getLong();
                return "ORIGIN lsn=" + lsn(l) + " name=" + str(b);
            }
            case 'R': {
                long oid = u32(b);
                String nsp = str(b);
                String name = str(b);
                char ri = (char) b.get();
                int n = b.getShort();
                StringBuilder s = new StringBuilder("RELATION " + rel(oid) + " " + nsp + "." + name + " replident=" + ri + " cols=");
                for (int i = 0; i < n; i++) {
                    int fl = b.get();
                    String cn = str(b);
                    long ty = u32(b);
                    int tm = b.getInt();
                    s.append(i == 0 ? "" : " ").append(cn).append("(flags=").append(fl).append(",type=").append(ty)
                            .append(",typmod=").append(tm).append(')');
                }
                return s.toString();
            }
            case 'Y': {
                long oid = u32(b);
                return "TYPE oid=" + oid + " " + str(b) + "." + str(b);
            }
            case 'I': {
                long oid = u32(b);
                char n = (char) b.get();
                if (n != 'N') {
                    throw new IllegalStateException("INSERT without N: " + n);
                }
                return "INSERT " + rel(oid) + " new=" + tuple(b);
            }
            case 'U': {
                long oid = u32(b);
                char k = (char) b.get();
                String old = "";
                if (k == 'K' || k == 'O') {
                    old = " " + (k == 'K' ? "key" : "old") + "=" + tuple(b);
                    k = (char) b.get();
                }
                if (k != 'N') {
                    throw new IllegalStateException("UPDATE without N: " + k);
                }
                return "UPDATE " + rel(oid) + old + " new=" + tuple(b);
            }
            case 'D': {
                long oid = u32(b);
                char k = (char) b.get();
                if (k != 'K' && k != 'O') {
                    throw new IllegalStateException("DELETE without K or O: " + k);
                }
                return "DELETE " + rel(oid) + " " + (k == 'K' ? "key" : "old") + "=" + tuple(b);
            }
            case 'T': {
                int n = b.getInt();
                int opt = b.get();
                List<String> r = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    r.add(rel(u32(b)));
                }
                return "TRUNCATE options=" + opt + " (1=CASCADE,2=RESTART IDENTITY) rels=" + String.join(",", r);
            }
            case 'M': {
                int fl = b.get();
                long l = b.getLong();
                String prefix = str(b);
                byte[] content = take(b, b.getInt());
                return "MESSAGE transactional=" + (fl & 1) + " lsn=" + lsn(l) + " prefix=" + prefix + " content="
                        + HexFormat.of().formatHex(content);
            }
            default:
                throw new IllegalStateException("unknown message " + t);
        }
    }
}
