package io.slotway.api.types;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** {@code inet}'s binary form, as PostgreSQL's inet_send/inet_recv: family, bits, is_cidr, length, address. */
final class Inets {
    private static final byte AF_INET = 2;
    private static final byte AF_INET6 = 3;

    static byte[] send(String text) {
        String addr = text;
        int bits = -1;
        int slash = text.indexOf('/');
        if (slash >= 0) {
            addr = text.substring(0, slash);
            bits = Integer.parseInt(text.substring(slash + 1));
        }
        byte[] a;
        try {
            a = InetAddress.getByName(addr).getAddress();
        } catch (UnknownHostException e) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        ByteBuffer b = ByteBuffer.allocate(4 + a.length);
        b.put(a.length == 4 ? AF_INET : AF_INET6).put((byte) (bits < 0 ? a.length * 8 : bits)).put((byte) 0)
                .put((byte) a.length).put(a);
        return b.array();
    }

    static String receive(ByteBuffer in) {
        in.get(); // family
        int bits = in.get() & 0xff;
        in.get(); // is_cidr
        int n = in.get() & 0xff;
        byte[] a = new byte[n];
        in.get(a);
        String s;
        try {
            s = InetAddress.getByAddress(a).getHostAddress();
        } catch (UnknownHostException e) {
            s = "";
        }
        if (n == 16) {
            s = compress(s);
        }
        return bits == n * 8 ? s : s + "/" + bits;
    }

    /** An IPv6 address's text with its longest run of two or more zero groups as {@code ::}. */
    static String compress(String full) {
        String s = full;
        int pct = s.indexOf('%');
        if (pct >= 0) {
            s = s.substring(0, pct);
        }
        String[] g = s.split(":");
        int best = -1;
        int bestLen = 1;
        for (int i = 0; i < g.length; i++) {
            int j = i;
            while (j < g.length && g[j].matches("0+")) {
                j++;
            }
            if (j - i > bestLen) {
                best = i;
                bestLen = j - i;
            }
        }
        if (best < 0) {
            return s;
        }
        return String.join(":", java.util.Arrays.copyOfRange(g, 0, best)) + "::"
                + String.join(":", java.util.Arrays.copyOfRange(g, best + bestLen, g.length));
    }

    private Inets() {}
}
