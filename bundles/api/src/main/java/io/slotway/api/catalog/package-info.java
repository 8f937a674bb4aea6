/**
 * The catalog model: what a source tells core about its schema (namespaces, relations with their
 * columns, constraints and indexes, sequences, views, publications, functions, comments), as PostgreSQL's
 * catalogs describe it, so core can answer {@code pg_catalog} and {@code information_schema} queries.
 * The source registers a {@link io.slotway.api.catalog.CatalogProvider}; core caches a
 * {@link io.slotway.api.catalog.CatalogSnapshot} until the provider's epoch changes.
 */
@Export
@Version("1.1.0")
package io.slotway.api.catalog;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
