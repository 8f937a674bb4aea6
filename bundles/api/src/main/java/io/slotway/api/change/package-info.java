/**
 * Committed changes as Slotway carries them from a source, through the WAL, to output plugins: log
 * sequence numbers, relations as they were when a change was written, tuples of canonical values
 * (see {@link io.slotway.api.types.PgValues}), and the changes themselves.
 */
@Export
@Version("1.1.0")
package io.slotway.api.change;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
