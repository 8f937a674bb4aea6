package io.slotway.core.catalog;

import java.time.Instant;

/**
 * One live connection as {@code pg_stat_activity} shows it (and {@code pg_stat_replication} for its client): who,
 * from where, since when, and what it is doing. {@code state} is PostgreSQL's ({@code active}, {@code idle},
 * {@code idle in transaction}, {@code idle in transaction (aborted)}) or null while the connection is starting.
 */
public record BackendActivity(int pid, String user, String database, String applicationName, String clientAddr,
                              int clientPort, Instant backendStart, Instant xactStart, Instant queryStart,
                              Instant stateChange, String state, String query, boolean walsender, boolean streaming) {

    /** An IPv6 address's text as PostgreSQL's inet output writes it: the longest run of two or more zero groups as {@code ::}. */
    public static String ipv6Text(String full) {
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
}
