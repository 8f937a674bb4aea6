package io.slotway.api.types;

import io.slotway.api.PgException;

/** Text input and output functions. Package-private: reached through {@link PgValues}. */
final class PgTextCodec {
    private PgTextCodec() {}

    static String output(PgType type, Object value, SessionFormat format) {
        if (value instanceof Boolean b) {
            return b ? "t" : "f";
        }
        return String.valueOf(value);
    }

    static Object input(PgType type, int typmod, String text, SessionFormat format) throws PgException {
        return text;
    }
}
