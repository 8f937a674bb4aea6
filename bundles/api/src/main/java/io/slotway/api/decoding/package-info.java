/**
 * The output-plugin SPI: a logical decoding output plugin is an OSGi service implementing
 * {@link io.slotway.api.decoding.OutputPlugin} with service property {@code plugin.name}; for each
 * replication stream or {@code pg_logical_slot_*_changes} call core starts a
 * {@link io.slotway.api.decoding.PluginSession} and feeds it committed transactions in commit order,
 * as PostgreSQL calls an output plugin's callbacks.
 */
@Export
@Version("1.1.0")
package io.slotway.api.decoding;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
