/**
 * The SPI between Slotway's core and a source database: core speaks PostgreSQL to clients and hands
 * each statement on user objects to the {@link io.slotway.api.source.SqlSource} service, which runs it
 * on the source and returns rows as canonical values (see {@link io.slotway.api.types.PgValues}).
 */
@Export
@Version("1.1.0")
package io.slotway.api.source;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
