/**
 * PostgreSQL's built-in types and their values: OIDs, names, and the text and binary forms that
 * PostgreSQL's input, output, send and receive functions produce. Column values travel through Slotway
 * in the canonical Java form documented on {@link io.slotway.api.types.PgValues}.
 */
@Export
@Version("1.2.0")
package io.slotway.api.types;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
