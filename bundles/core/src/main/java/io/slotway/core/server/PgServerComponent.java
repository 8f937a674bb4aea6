package io.slotway.core.server;

import io.slotway.api.source.SqlSource;
import io.slotway.core.auth.HbaRules;
import io.slotway.core.auth.UserStore;
import io.slotway.core.replication.ReplicationServices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol server as a Declarative Services component, configured through ConfigAdmin with PID
 * {@value #PID}. It runs on the source service with the highest ranking.
 */
@Component(name = PgServerComponent.PID, configurationPid = PgServerComponent.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL, immediate = true, service = {})
@Designate(ocd = PgServerComponent.Config.class)
public final class PgServerComponent {
    public static final String PID = "io.slotway.server";
    private static final Logger LOG = LoggerFactory.getLogger(PgServerComponent.class);

    static final String DEFAULT_LISTEN = "127.0.0.1";
    static final int DEFAULT_PORT = 5433;
    static final String DEFAULT_DATABASE = "postgres";
    static final String DEFAULT_SUPERUSER = "postgres";
    static final int DEFAULT_MAX_CONNECTIONS = 100;
    static final int DEFAULT_MAX_MESSAGE_SIZE = 64 << 20;
    static final String DEFAULT_TIMEZONE = "UTC";

    @ObjectClassDefinition(name = "Slotway protocol server",
            description = "Where Slotway listens for PostgreSQL clients, and who may connect.")
    public @interface Config {
        @AttributeDefinition(name = "Listen addresses", description = "Comma-separated addresses to listen on; * for all.")
        String listen() default DEFAULT_LISTEN;

        @AttributeDefinition(name = "Port", description = "TCP port for PostgreSQL clients.")
        int port() default DEFAULT_PORT;

        @AttributeDefinition(name = "Database", description = "The database name clients connect to.")
        String database() default DEFAULT_DATABASE;

        @AttributeDefinition(name = "Superuser", description = "The role that always exists (bootstrap superuser).")
        String superuser() default DEFAULT_SUPERUSER;

        @AttributeDefinition(name = "Connection rules file",
                description = "pg_hba.conf-style rules; when missing, trust on loopback only.")
        String hba_file() default "";

        @AttributeDefinition(name = "Users file",
                description = "Users and SCRAM-SHA-256 verifiers, one 'name:verifier' per line.")
        String users_file() default "";

        @AttributeDefinition(name = "Maximum connections", description = "PostgreSQL's max_connections.")
        int max_connections() default DEFAULT_MAX_CONNECTIONS;

        @AttributeDefinition(name = "Maximum message size",
                description = "Largest Query/Parse/Bind/CopyData message accepted, in bytes.")
        int max_message_size() default DEFAULT_MAX_MESSAGE_SIZE;

        @AttributeDefinition(name = "Time zone", description = "Default TimeZone of new sessions.")
        String timezone() default DEFAULT_TIMEZONE;
    }

    @Reference
    private SqlSource source;

    @Reference
    private ReplicationServices replication;

    /** The source's catalog model, for pg_catalog queries (optional: without it only built-in rows are there). */
    @Reference(cardinality = org.osgi.service.component.annotations.ReferenceCardinality.OPTIONAL,
            policy = org.osgi.service.component.annotations.ReferencePolicy.DYNAMIC)
    private volatile io.slotway.api.catalog.CatalogProvider catalogProvider;

    private PgServer server;
    private io.slotway.core.catalog.CatalogEngine catalog;

    @Activate
    void activate(Config config) throws IOException, InterruptedException {
        HbaRules hba = config.hba_file().isEmpty() || !Files.exists(Paths.get(config.hba_file()))
                ? HbaRules.defaults() : HbaRules.load(Paths.get(config.hba_file()));
        UserStore users = config.users_file().isEmpty() ? UserStore.empty() : UserStore.load(Path.of(config.users_file()));
        List<String> listen = Arrays.stream(config.listen().split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        ServerOptions options = new ServerOptions(listen, config.port(), config.database(), config.superuser(), hba, users,
                config.max_connections(), config.max_message_size(), Map.of("TimeZone", config.timezone()));
        server = PgServer.start(options, source, replication);
        List<String> roles = new java.util.ArrayList<>(List.of(config.superuser()));
        users.users().stream().filter(u -> !u.equals(config.superuser())).sorted().forEach(roles::add);
        try {
            catalog = new io.slotway.core.catalog.CatalogEngine(() -> catalogProvider, replication, config.database(), roles);
            server.catalog(catalog);
        } catch (io.slotway.api.PgException e) {
            LOG.error("no catalog engine: pg_catalog queries go to the source", e);
        }
        LOG.info("Slotway accepts PostgreSQL clients on {} port {} (database \"{}\")", listen, server.port(), config.database());
    }

    @Deactivate
    void deactivate() {
        if (catalog != null) {
            catalog.close();
            catalog = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The bound port, for tests. */
    int port() {
        return server.port();
    }
}
