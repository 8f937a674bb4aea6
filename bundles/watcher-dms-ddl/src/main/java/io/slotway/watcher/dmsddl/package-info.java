/** AWS DMS's DDL audit trigger, as a schema-change watcher (private: nothing exported). */
package io.slotway.watcher.dmsddl;
