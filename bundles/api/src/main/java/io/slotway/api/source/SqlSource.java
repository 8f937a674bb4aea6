package io.slotway.api.source;

import io.slotway.api.PgException;
import org.osgi.annotation.versioning.ConsumerType;

/**
 * A source database that runs clients' SQL, registered as an OSGi service by a source bundle. Core
 * uses the service with the highest ranking.
 */
@ConsumerType
public interface SqlSource {
    /** Service property naming the source, e.g. {@code h2}. */
    String SOURCE_NAME = "source.name";

    /** Opens a session for one client connection; the session is used by one thread at a time. */
    SqlSession openSession(SessionContext context) throws PgException;
}
