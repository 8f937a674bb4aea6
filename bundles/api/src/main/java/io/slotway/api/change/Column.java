package io.slotway.api.change;

/**
 * A column of a relation as it was at some LSN.
 *
 * @param name        the column name
 * @param typeOid     its PostgreSQL type OID (see {@code io.slotway.api.types.PgType})
 * @param typmod      its type modifier, -1 for none
 * @param key         whether it is part of the replica identity key (primary key or identity index)
 * @param notNull     whether it is declared NOT NULL
 * @param defaultExpr its default as PostgreSQL prints it back ({@code pg_get_expr(adbin, adrelid)}, e.g.
 *                    {@code 'x'::text}, {@code nextval('t_id_seq'::regclass)}), or null for none
 * @param primaryKey  whether it is part of the primary key (whatever the replica identity)
 */
public record Column(String name, int typeOid, int typmod, boolean key, boolean notNull, String defaultExpr,
        boolean primaryKey) {

    /** A column without a default whose primary-key membership is its replica-identity key membership. */
    public Column(String name, int typeOid, int typmod, boolean key, boolean notNull) {
        this(name, typeOid, typmod, key, notNull, null, key);
    }
}
