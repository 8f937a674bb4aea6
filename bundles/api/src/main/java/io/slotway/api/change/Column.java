package io.slotway.api.change;

/**
 * A column of a relation as it was at some LSN.
 *
 * @param name     the column name
 * @param typeOid  its PostgreSQL type OID (see {@code io.slotway.api.types.PgType})
 * @param typmod   its type modifier, -1 for none
 * @param key      whether it is part of the replica identity key (primary key or identity index)
 * @param notNull  whether it is declared NOT NULL
 */
public record Column(String name, int typeOid, int typmod, boolean key, boolean notNull) {
}
