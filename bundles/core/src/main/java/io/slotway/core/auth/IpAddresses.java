package io.slotway.core.auth;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Numeric IP addresses: parsed without any name lookup, and printed the way PostgreSQL prints them. */
final class IpAddresses {
    private IpAddresses() {}

    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    /**
     * The raw bytes (4 or 16) of a numeric IPv4 or IPv6 literal, or {@code null} if {@code text} is not
     * one. Never performs a DNS lookup; an IPv4-mapped IPv6 literal stays 16 bytes long.
     */
    static byte[] parseLiteral(String text) {
        boolean v4 = IPV4.matcher(text).matches();
        if (!v4 && !IPV6.matcher(text).matches()) {
            return null;
        }
        if (v4) {
            byte[] out = new byte[4];
            String[] parts = text.split("\\.");
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                out[i] = (byte) v;
            }
            return out;
        }
        try {
            // Only characters of a numeric literal reach here, so no lookup happens.
            InetAddress a = InetAddress.getByName(text);
            byte[] raw = a.getAddress();
            if (raw.length == 4) { // Java folds ::ffff:a.b.c.d to IPv4; keep the IPv6 form that was written
                byte[] mapped = new byte[16];
                mapped[10] = (byte) 0xff;
                mapped[11] = (byte) 0xff;
                System.arraycopy(raw, 0, mapped, 12, 4);
                return mapped;
            }
            return raw;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /**
     * The client's address as PostgreSQL prints it in connection errors (getnameinfo with
     * NI_NUMERICHOST): dotted IPv4, and IPv6 in glibc's inet_ntop form ({@code ::1},
     * {@code fe80::1%eth0}, {@code ::ffff:10.0.0.1}).
     */
    static String format(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] words = new int[8];
        for (int i = 0; i < 8; i++) {
            words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        // Longest run of zero words, at least two long, first one wins on ties.
        int bestBase = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (words[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && words[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestBase = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestBase = -1;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (bestBase >= 0 && i >= bestBase && i < bestBase + bestLen) {
                if (i == bestBase) {
                    sb.append(':');
                }
                continue;
            }
            if (i != 0) {
                sb.append(':');
            }
            // Embedded IPv4: ::a.b.c.d and ::ffff:a.b.c.d
            if (i == 6 && bestBase == 0 && (bestLen == 6 || (bestLen == 5 && words[5] == 0xffff))) {
                sb.append(b[12] & 0xff).append('.').append(b[13] & 0xff).append('.')
                        .append(b[14] & 0xff).append('.').append(b[15] & 0xff);
                break;
            }
            sb.append(Integer.toHexString(words[i]));
        }
        if (bestBase >= 0 && bestBase + bestLen == 8) {
            sb.append(':');
        }
        if (address instanceof Inet6Address) {
            Inet6Address v6 = (Inet6Address) address;
            NetworkInterface nif = v6.getScopedInterface();
            if (nif != null) {
                sb.append('%').append(nif.getName());
            } else if (v6.getScopeId() != 0) {
                sb.append('%').append(v6.getScopeId());
            }
        }
        return sb.toString();
    }
}
