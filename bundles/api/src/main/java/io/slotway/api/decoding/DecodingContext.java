package io.slotway.api.decoding;

import io.slotway.api.PgException;
import io.slotway.api.change.Publication;
import io.slotway.api.types.SessionFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.annotation.versioning.ProviderType;

/** What a plugin session may know about the stream it serves. */
@ProviderType
public interface DecodingContext {
    /** The options in the order given; a bare option has a null value. Names as the client spelled them. */
    Map<String, String> options();

    /**
     * The options in the order given, repeated ones included (as PostgreSQL passes them to a plugin, which
     * may reject a repeat); a bare option has a null value.
     */
    default List<Map.Entry<String, String>> optionList() {
        return List.copyOf(options().entrySet());
    }

    String slotName();

    /**
     * The publication named {@code name} as it was at the LSN of the record being decoded (the current
     * callback's change or, in {@code startup}, the stream's start), or empty when it did not exist then.
     */
    default Optional<Publication> publication(String name) {
        return Optional.empty();
    }

    /** The session settings values are written under (TimeZone, DateStyle, ...). */
    SessionFormat format();

    /** Whether the consumer is a SQL function that needs textual output ({@code pg_logical_slot_get_changes}). */
    boolean textualConsumer();

    /** Sends a NOTICE or WARNING to the client (as plugins do with elog/ereport). */
    void notice(PgException notice);
}
