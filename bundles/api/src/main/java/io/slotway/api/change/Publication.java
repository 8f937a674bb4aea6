package io.slotway.api.change;

import java.util.Set;

/**
 * A publication as it was at some LSN: which relations it publishes and which actions. Sources log each
 * definition with {@link TransactionLog#publicationChanged}, so a stream applies a publication as it was
 * at each change it decodes.
 *
 * @param oid       its {@code pg_publication.oid}
 * @param name      its name
 * @param allTables {@code FOR ALL TABLES}
 * @param tables    the OIDs of the tables listed with {@code FOR TABLE}
 * @param schemas   the schemas listed with {@code FOR TABLES IN SCHEMA}
 * @param insert    {@code pubinsert}
 * @param update    {@code pubupdate}
 * @param delete    {@code pubdelete}
 * @param truncate  {@code pubtruncate}
 * @param viaRoot   {@code pubviaroot} ({@code publish_via_partition_root})
 */
public record Publication(long oid, String name, boolean allTables, Set<Long> tables, Set<String> schemas,
        boolean insert, boolean update, boolean delete, boolean truncate, boolean viaRoot) {
    public Publication {
        tables = Set.copyOf(tables);
        schemas = Set.copyOf(schemas);
    }

    /** Whether {@code relation} is in this publication (whatever the actions). */
    public boolean includes(Relation relation) {
        return allTables || tables.contains(relation.oid()) || schemas.contains(relation.schema());
    }
}
