package io.slotway.api.types;

import io.slotway.api.PgException;
import io.slotway.api.SqlState;

/** Binary send and receive functions. Package-private: reached through {@link PgValues}. */
final class PgBinaryCodec {
    private PgBinaryCodec() {}

    static byte[] send(PgType type, Object value) {
        throw new UnsupportedOperationException("binary send of " + type);
    }

    static Object receive(PgType type, int typmod, byte[] data) throws PgException {
        throw new PgException(SqlState.FEATURE_NOT_SUPPORTED, "binary input of type " + type + " is not supported");
    }
}
