package io.slotway.api.change;

import java.util.List;

/**
 * A table as it was when a change was written: OID, schema, name, replica identity and columns in
 * attribute-number order (dropped columns left out).
 *
 * @param replicaIdentity PostgreSQL's {@code relreplident}: {@code d} (default: the primary key, if
 *                        any), {@code f} (full), {@code n} (nothing) or {@code i} (an index)
 */
public record Relation(long oid, String schema, String name, char replicaIdentity, List<Column> columns) {
    public Relation {
        columns = List.copyOf(columns);
    }

    /** Whether the relation has key columns an old tuple can be logged with. */
    public boolean hasKey() {
        for (Column c : columns) {
            if (c.key()) {
                return true;
            }
        }
        return false;
    }
}
