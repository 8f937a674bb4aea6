package io.slotway.api.decoding;

import io.slotway.api.PgException;
import io.slotway.api.types.SessionFormat;
import java.util.Map;
import org.osgi.annotation.versioning.ProviderType;

/** What a plugin session may know about the stream it serves. */
@ProviderType
public interface DecodingContext {
    /** The options in the order given; a bare option has a null value. Names as the client spelled them. */
    Map<String, String> options();

    String slotName();

    /** The session settings values are written under (TimeZone, DateStyle, ...). */
    SessionFormat format();

    /** Whether the consumer is a SQL function that needs textual output ({@code pg_logical_slot_get_changes}). */
    boolean textualConsumer();

    /** Sends a NOTICE or WARNING to the client (as plugins do with elog/ereport). */
    void notice(PgException notice);
}
