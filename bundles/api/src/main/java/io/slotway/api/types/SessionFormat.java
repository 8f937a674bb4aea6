package io.slotway.api.types;

import java.time.ZoneId;
import java.util.Objects;

/**
 * The session settings that change how values are written as text, as PostgreSQL's output functions
 * read them: DateStyle, IntervalStyle, TimeZone, extra_float_digits and bytea_output.
 *
 * @param dateStyle      PostgreSQL's DateStyle value, e.g. {@code "ISO, MDY"}
 * @param intervalStyle  {@code postgres}, {@code postgres_verbose}, {@code sql_standard} or {@code iso_8601}
 * @param timeZone       the session's TimeZone
 * @param extraFloatDigits -15..3; 1 or more means shortest-exact output, as in PostgreSQL 12+
 * @param byteaHex       true for {@code bytea_output = hex}, false for {@code escape}
 */
public record SessionFormat(String dateStyle, String intervalStyle, ZoneId timeZone, int extraFloatDigits,
                            boolean byteaHex) {
    /** PostgreSQL's defaults with TimeZone UTC. */
    public static final SessionFormat DEFAULT = new SessionFormat("ISO, MDY", "postgres", ZoneId.of("UTC"), 1, true);

    public SessionFormat {
        Objects.requireNonNull(dateStyle, "dateStyle");
        Objects.requireNonNull(intervalStyle, "intervalStyle");
        Objects.requireNonNull(timeZone, "timeZone");
    }

    public SessionFormat withTimeZone(ZoneId zone) {
        return new SessionFormat(dateStyle, intervalStyle, zone, extraFloatDigits, byteaHex);
    }
}
