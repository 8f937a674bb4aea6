/** Errors shared by every Slotway bundle: {@link io.slotway.api.PgException} and SQLSTATE codes. */
@Export
@Version("1.0.0")
package io.slotway.api;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
