package io.slotway.core.session;

import io.slotway.core.pgwire.BackendMessage;

/** Where a session's messages go: the connection, or a list in tests. */
public interface Output {
    /** Queues a message; may block while the client is not reading (backpressure). */
    void send(BackendMessage message);

    /** Sends what is queued. */
    void flush();
}
