package io.slotway.api.source;

import io.slotway.api.PgException;
import io.slotway.api.types.SessionFormat;
import org.osgi.annotation.versioning.ProviderType;

/** What core tells a source about the client session a {@link SqlSession} serves. */
@ProviderType
public interface SessionContext {
    String user();

    String database();

    /** PostgreSQL's process id for this session, as reported in BackendKeyData. */
    int backendPid();

    /** The current value of a run-time parameter ({@code search_path}, {@code TimeZone}, ...), or null. */
    String setting(String name);

    /**
     * {@code set_config(name, value, is_local)}: sets a run-time parameter with SET's rules (errors as
     * SET raises them) and returns its new value as SHOW reports it.
     */
    default String setSetting(String name, String value, boolean local) throws PgException {
        throw new PgException(io.slotway.api.SqlState.FEATURE_NOT_SUPPORTED, "set_config is not available here");
    }

    /** The settings that govern how values are written and read as text. */
    SessionFormat format();

    /**
     * The text of the client's current query as it was sent (PostgreSQL's {@code current_query()}: the
     * whole simple-query string, or the prepared statement's text), or null when unknown.
     */
    default String currentQuery() {
        return null;
    }

    /** Sends a NoticeResponse (or a WARNING) to the client after the current message. */
    void notice(PgException notice);
}
