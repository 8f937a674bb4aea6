package io.slotway.api.catalog;

import io.slotway.api.PgException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A source's schema as PostgreSQL's catalogs would show it, registered as an OSGi service by the
 * source bundle. Core caches the last {@link #snapshot()} and takes a new one when {@link #epoch()}
 * changes, so the epoch must change with every DDL (tables, columns, indexes, constraints, views,
 * sequences, comments, replica identity, publications, functions) once it is committed.
 */
@ConsumerType
public interface CatalogProvider {
    /** A number that changes whenever the catalog does; cheap to call (core calls it per catalog query). */
    long epoch();

    /** The whole catalog now, consistent with the epoch returned just before. */
    CatalogSnapshot snapshot() throws PgException;
}
