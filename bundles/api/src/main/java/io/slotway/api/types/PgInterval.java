package io.slotway.api.types;

/**
 * A PostgreSQL interval: months, days and microseconds kept apart, as PostgreSQL stores them.
 */
public record PgInterval(int months, int days, long micros) {
}
