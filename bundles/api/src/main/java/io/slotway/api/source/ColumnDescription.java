package io.slotway.api.source;

import io.slotway.api.types.PgType;

/**
 * One field of a RowDescription: the column's name, where it comes from (table OID and attribute
 * number, or 0), and its type with {@code typmod} (-1 for none).
 */
public record ColumnDescription(String name, int tableOid, short columnNumber, PgType type, int typmod) {
}
