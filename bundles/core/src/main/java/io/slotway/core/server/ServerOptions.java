package io.slotway.core.server;

import io.slotway.core.auth.HbaRules;
import io.slotway.core.auth.UserStore;
import java.util.List;
import java.util.Map;

/**
 * What a {@link PgServer} needs to run: where to listen, the one database it serves, who may connect,
 * limits, and the defaults of run-time parameters.
 *
 * @param listen         addresses to listen on ({@code *} = all)
 * @param port           TCP port, 0 for any free port
 * @param database       the database name clients connect to
 * @param superuser      the role that always exists, without a password of its own
 * @param hba            connection rules
 * @param users          roles with password verifiers
 * @param maxConnections PostgreSQL's max_connections
 * @param maxMessageSize the largest Query/Parse/Bind/CopyData body accepted, in bytes
 * @param settings       defaults of run-time parameters (e.g. TimeZone)
 */
public record ServerOptions(List<String> listen, int port, String database, String superuser, HbaRules hba,
                            UserStore users, int maxConnections, int maxMessageSize, Map<String, String> settings) {

    /** Loopback, any free port, database and superuser {@code postgres}, trust on loopback. */
    public static ServerOptions forTests() {
        return new ServerOptions(List.of("127.0.0.1"), 0, "postgres", "postgres", HbaRules.defaults(),
                UserStore.empty(), 100, 64 << 20, Map.of());
    }

    public ServerOptions withAuth(HbaRules newHba, UserStore newUsers) {
        return new ServerOptions(listen, port, database, superuser, newHba, newUsers, maxConnections, maxMessageSize, settings);
    }

    public ServerOptions withMaxConnections(int n) {
        return new ServerOptions(listen, port, database, superuser, hba, users, n, maxMessageSize, settings);
    }

    public ServerOptions withMaxMessageSize(int n) {
        return new ServerOptions(listen, port, database, superuser, hba, users, maxConnections, n, settings);
    }
}
