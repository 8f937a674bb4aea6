/**
 * The schema-change watcher SPI: a watcher is an OSGi service implementing
 * {@link io.slotway.api.watch.SchemaWatcher} (service property {@code watcher.name}). The source tells
 * every active watcher, in WAL order, of each schema change, inside the change's own transaction, and a
 * watcher may add rows and logical decoding messages to that transaction through its
 * {@link io.slotway.api.watch.WatcherContext}. Watchers come and go at run time; one takes effect for
 * schema changes committed after it became active.
 */
@Export
@Version("1.0.0")
package io.slotway.api.watch;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
