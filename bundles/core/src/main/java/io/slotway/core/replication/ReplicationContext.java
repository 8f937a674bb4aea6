package io.slotway.core.replication;

/**
 * What a replication connection is: {@code replication=database} (logical: replication commands and
 * SQL) or {@code replication=true} (physical: replication commands only), its backend pid, and the
 * services it uses.
 */
public record ReplicationContext(boolean physical, int pid, String database, ReplicationServices services) {
}
