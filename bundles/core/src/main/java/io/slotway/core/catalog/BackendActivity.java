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
}
