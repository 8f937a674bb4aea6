package io.slotway.core.replication;

import io.slotway.api.change.Lsn;

/**
 * The LSN of the WAL record a stream is decoding, shared by its {@link DecodingPump} (which moves it) and
 * its {@code DecodingContext} (which answers catalog questions, such as {@code publication(name)}, as of
 * it): the stream's start during {@code startup}, the transaction's first LSN in {@code begin}, each
 * change's own LSN in {@code change}, the commit LSN in {@code commit}, a message's LSN in {@code message}.
 */
final class DecodingPosition {
    private volatile Lsn lsn;

    DecodingPosition(Lsn start) {
        this.lsn = start;
    }

    Lsn get() {
        return lsn;
    }

    void set(Lsn at) {
        this.lsn = at;
    }
}
