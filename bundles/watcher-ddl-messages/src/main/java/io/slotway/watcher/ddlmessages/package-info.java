/** Schema changes as logical decoding messages (private: nothing exported). */
package io.slotway.watcher.ddlmessages;
