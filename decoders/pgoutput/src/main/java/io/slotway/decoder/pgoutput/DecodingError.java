package io.slotway.decoder.pgoutput;

import io.slotway.api.PgException;

/**
 * A PostgreSQL error raised inside a decoding callback, which the SPI's callbacks cannot declare: the
 * {@link PgException} is the cause, for core to report as PostgreSQL reports an ERROR in a plugin callback
 * (e.g. {@code 42704 publication "p" does not exist} in the change callback).
 */
final class DecodingError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DecodingError(PgException error) {
        super(error.getMessage(), error);
    }

    PgException error() {
        return (PgException) getCause();
    }
}
