package io.slotway.core.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.slotway.api.PgException;
import io.slotway.api.SqlState;
import io.slotway.api.source.SessionContext;
import io.slotway.api.source.SqlSession;
import io.slotway.api.source.SqlSource;
import io.slotway.api.types.SessionFormat;
import io.slotway.core.auth.HbaRule;
import io.slotway.core.auth.HbaRules;
import io.slotway.core.auth.ScramServer;
import io.slotway.core.pgwire.BackendMessage;
import io.slotway.core.pgwire.FrontendMessage;
import io.slotway.core.replication.ReplicationContext;
import io.slotway.core.replication.ReplicationServices;
import io.slotway.core.session.Output;
import io.slotway.core.session.Session;
import io.slotway.core.session.Settings;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: the startup phase (encryption requests, StartupMessage, authentication,
 * CancelRequest) on the event loop, then a {@link Session} that runs each message in order on a
 * backend thread. Its {@link Output} side applies backpressure: a session writing faster than the
 * client reads waits.
 */
final class PgConnectionHandler extends ChannelInboundHandlerAdapter implements Output {
    private static final Logger LOG = LoggerFactory.getLogger(PgConnectionHandler.class);
    private static final int PAUSE_READING_AT = 256;
    private static final int RESUME_READING_AT = 32;

    enum Phase { STARTUP, SASL_INITIAL, SASL_FIRST, SASL_CONTINUE, OPENING, READY, CLOSED }

    private final ServerOptions options;
    private final SqlSource source;
    private final ReplicationServices replicationServices;
    private Replication replicationMode = Replication.NONE;
    private final BackendRegistry registry;
    private final SerialExecutor backend;
    private Channel channel;
    private Phase phase = Phase.STARTUP;
    private String user;
    private String database;
    private Map<String, String> startupParameters;
    private ScramServer scram;
    private volatile Session session;
    private java.time.Instant backendStart = java.time.Instant.now();
    private volatile Settings sessionSettings;
    private int pid;
    private final Object writability = new Object();
    private final java.util.function.Supplier<io.slotway.core.catalog.CatalogEngine> catalog;

    PgConnectionHandler(ServerOptions options, SqlSource source, ReplicationServices replicationServices,
                        BackendRegistry registry, Executor pool) {
        this(options, source, replicationServices, registry, pool, () -> null);
    }

    PgConnectionHandler(ServerOptions options, SqlSource source, ReplicationServices replicationServices,
                        BackendRegistry registry, Executor pool,
                        java.util.function.Supplier<io.slotway.core.catalog.CatalogEngine> catalog) {
        this.catalog = catalog;
        this.options = options;
        this.source = source;
        this.replicationServices = replicationServices;
        this.registry = registry;
        this.backend = new SerialExecutor(pool);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        backendStart = java.time.Instant.now();
        LOG.debug("connection received: host={}", channel.remoteAddress());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        FrontendMessage m = (FrontendMessage) msg;
        try {
            switch (phase) {
                case STARTUP -> startup(m);
                case SASL_INITIAL -> saslInitial(m);
                case SASL_FIRST, SASL_CONTINUE -> saslContinue(m);
                case READY -> toSession(m);
                case OPENING -> {
                    // Messages sent before ReadyForQuery (pipelining) wait their turn on the backend.
                    toSession(m);
                }
                case CLOSED -> { }
            }
        } catch (PgException e) {
            fatal(e.withSeverity(PgException.Severity.FATAL));
        }
    }

    // ---------------------------------------------------------------- startup

    private void startup(FrontendMessage m) throws PgException {
        if (m instanceof FrontendMessage.SslRequest || m instanceof FrontendMessage.GssEncRequest) {
            channel.writeAndFlush(new BackendMessage.EncryptionResponse((byte) 'N'));
        } else if (m instanceof FrontendMessage.CancelRequest c) {
            registry.cancel(c.processId(), c.secretKey());
            close();
        } else if (m instanceof FrontendMessage.Startup s) {
            startupMessage(s);
        } else if (m instanceof FrontendMessage.Invalid invalid) {
            if (invalid.silent()) {
                LOG.debug("{} from {}", invalid.error().getMessage(), channel.remoteAddress());
                close();
                return;
            }
            throw invalid.error();
        } else {
            throw PgException.fatal(SqlState.PROTOCOL_VIOLATION, "invalid startup packet");
        }
    }

    private void startupMessage(FrontendMessage.Startup s) throws PgException {
        if (s.major() != 3) {
            PgException e = PgException.fatal(SqlState.FEATURE_NOT_SUPPORTED, String.format(
                    "unsupported frontend protocol %d.%d: server supports 3.0 to 3.0", s.major(), s.minor()));
            if (s.major() < 3) {
                phase = Phase.CLOSED;
                channel.writeAndFlush(new BackendMessage.ErrorResponseV2(e)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            throw e;
        }
        Map<String, String> params = new LinkedHashMap<>(s.parameters());
        List<String> unrecognized = new ArrayList<>();
        params.keySet().removeIf(k -> {
            if (k.startsWith("_pq_.")) {
                unrecognized.add(k);
                return true;
            }
            return false;
        });
        if (s.minor() > 0 || !unrecognized.isEmpty()) {
            channel.write(new BackendMessage.NegotiateProtocolVersion(0, unrecognized));
        }
        user = params.get("user");
        if (user == null || user.isEmpty()) {
            throw PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION,
                    "no PostgreSQL user name specified in startup packet");
        }
        database = params.getOrDefault("database", "");
        if (database.isEmpty()) {
            database = user;
        }
        replicationMode = replicationMode(params.get("replication"));
        boolean physical = replicationMode == Replication.PHYSICAL;
        startupParameters = params;
        InetAddress client = ((InetSocketAddress) channel.remoteAddress()).getAddress();
        Optional<HbaRule> rule = options.hba().match(client, user, database, physical);
        if (rule.isEmpty()) {
            throw HbaRules.noEntryError(client, user, database, physical);
        }
        switch (rule.get().method()) {
            case TRUST -> authenticated();
            case REJECT -> throw HbaRules.rejectError(client, user, database, physical);
            default -> {
                phase = Phase.SASL_INITIAL;
                channel.writeAndFlush(new BackendMessage.AuthenticationSasl(ScramServer.MECHANISMS));
            }
        }
    }

    enum Replication { NONE, LOGICAL, PHYSICAL }

    private static Replication replicationMode(String value) throws PgException {
        if (value == null) {
            return Replication.NONE;
        }
        switch (value.toLowerCase(Locale.ROOT)) {
            case "database":
                return Replication.LOGICAL;
            case "true": case "on": case "yes": case "1":
                return Replication.PHYSICAL;
            case "false": case "off": case "no": case "0":
                return Replication.NONE;
            default:
                throw PgException.fatal(SqlState.INVALID_PARAMETER_VALUE,
                        "invalid value for parameter \"replication\": \"" + value + "\"")
                        .withHint("Valid values are: \"false\", 0, \"true\", 1, \"database\".");
        }
    }

    private void saslInitial(FrontendMessage m) throws PgException {
        byte[] body = password(m);
        ByteBuf buf = Unpooled.wrappedBuffer(body);
        int nul = buf.indexOf(0, buf.writerIndex(), (byte) 0);
        if (nul < 0 || buf.writerIndex() < nul + 5) {
            throw PgException.fatal(SqlState.PROTOCOL_VIOLATION, "malformed SASLInitialResponse message");
        }
        String mechanism = buf.toString(0, nul, StandardCharsets.UTF_8);
        buf.readerIndex(nul + 1);
        int len = buf.readInt();
        if (len < -1 || len != -1 && len != buf.readableBytes() || len == -1 && buf.isReadable()) {
            throw PgException.fatal(SqlState.PROTOCOL_VIOLATION, "malformed SASLInitialResponse message");
        }
        byte[] data = null;
        if (len >= 0) {
            data = new byte[len];
            buf.readBytes(data);
        }
        ScramServer.checkMechanism(mechanism);
        scram = new ScramServer(user, options.users());
        saslFirst(data);
    }

    /**
     * The client-first message: in SASLInitialResponse, or, when that carried no data (length -1), in
     * the SASLResponse that answers the empty challenge.
     */
    private void saslFirst(byte[] data) throws PgException {
        byte[] reply = scram.handleClientFirst(data);
        phase = data == null ? Phase.SASL_FIRST : Phase.SASL_CONTINUE;
        channel.writeAndFlush(new BackendMessage.AuthenticationSaslContinue(reply));
    }

    private void saslContinue(FrontendMessage m) throws PgException {
        if (phase == Phase.SASL_FIRST) {
            saslFirst(password(m));
            return;
        }
        byte[] reply = scram.handleClientFinal(password(m));
        channel.write(new BackendMessage.AuthenticationSaslFinal(reply));
        authenticated();
    }

    private static byte[] password(FrontendMessage m) throws PgException {
        if (m instanceof FrontendMessage.Password p) {
            return p.body();
        }
        if (m instanceof FrontendMessage.Invalid invalid) {
            throw invalid.error();
        }
        throw PgException.fatal(SqlState.PROTOCOL_VIOLATION, "expected SASL response, got another message");
    }

    /** Authentication passed: check role and database, then open the session on the backend thread. */
    private void authenticated() throws PgException {
        if (!user.equals(options.superuser()) && !options.users().users().contains(user)) {
            throw PgException.fatal(SqlState.INVALID_AUTHORIZATION_SPECIFICATION, "role \"" + user + "\" does not exist");
        }
        if (!database.equals(options.database())) {
            throw PgException.fatal(SqlState.INVALID_CATALOG_NAME, "database \"" + database + "\" does not exist");
        }
        if (registry.size() >= options.maxConnections()) {
            throw PgException.fatal(SqlState.TOO_MANY_CONNECTIONS, "sorry, too many clients already");
        }
        phase = Phase.OPENING;
        int[] key = registry.register(this::cancel, this::activity);
        pid = key[0];
        backend.execute(() -> open(key[0], key[1]));
    }

    private void open(int processId, int secretKey) {
        try {
            Settings settings = new Settings(options.settings());
            sessionSettings = settings;
            settings.setInternal("session_authorization", user);
            settings.setInternal("is_superuser", user.equals(options.superuser()) ? "on" : "off");
            applyStartupSettings(settings);
            settings.startupDone();
            SqlSession sql = source.openSession(new Context(settings, processId));
            ReplicationContext replication = null;
            if (replicationMode != Replication.NONE) {
                if (replicationServices == null) {
                    sql.close();
                    throw PgException.fatal(SqlState.FEATURE_NOT_SUPPORTED, "replication is not available on this server");
                }
                replication = new ReplicationContext(replicationMode == Replication.PHYSICAL, processId, database,
                        replicationServices);
            }
            Session s = new Session(sql, settings, this, replication, registry.snapshots());
            s.catalog(catalog.get(), new io.slotway.core.catalog.CatalogEngine.Client(user, database, processId,
                    options.superuser(), settings::get, settings::pgSettings));
            send(new BackendMessage.AuthenticationOk());
            for (Map.Entry<String, String> e : settings.drainReports().entrySet()) {
                send(new BackendMessage.ParameterStatus(e.getKey(), e.getValue()));
            }
            send(new BackendMessage.BackendKeyData(processId, secretKey));
            send(new BackendMessage.ReadyForQuery(s.transactionStatus()));
            flush();
            session = s;
            channel.eventLoop().execute(() -> {
                if (phase == Phase.OPENING) {
                    phase = Phase.READY;
                }
            });
            LOG.debug("connection authorized: user={} database={} pid={}", user, database, processId);
        } catch (PgException e) {
            fatal(e.withSeverity(PgException.Severity.FATAL));
        } catch (RuntimeException e) {
            LOG.error("cannot open a session", e);
            fatal(PgException.fatal(SqlState.INTERNAL_ERROR, String.valueOf(e.getMessage())));
        }
    }

    private void applyStartupSettings(Settings settings) throws PgException {
        for (Map.Entry<String, String> e : startupParameters.entrySet()) {
            switch (e.getKey()) {
                case "user", "database", "replication" -> { }
                case "options" -> {
                    for (String[] nv : CommandLineOptions.parse(e.getValue())) {
                        settings.set(nv[0], nv[1], false, false);
                    }
                }
                default -> settings.set(e.getKey(), e.getValue(), false, false);
            }
        }
    }

    /** What the source may ask about this session. */
    private final class Context implements SessionContext {
        private final Settings settings;
        private final int processId;

        Context(Settings settings, int processId) {
            this.settings = settings;
            this.processId = processId;
        }

        @Override public String user() { return user; }
        @Override public String database() { return database; }
        @Override public int backendPid() { return processId; }
        @Override public String setting(String name) { return settings.get(name); }

        @Override
        public String setSetting(String name, String value, boolean local) throws PgException {
            Session s = session;
            return s != null ? s.setConfig(name, value, local) : settings.show(name);
        }
        @Override public SessionFormat format() { return settings.format(); }

        @Override
        public String currentQuery() {
            Session s = session;
            return s != null ? s.currentQuery() : null;
        }

        @Override
        public void notice(PgException notice) {
            Session s = session;
            if (s != null) {
                s.notice(notice);
            } else {
                send(new BackendMessage.NoticeResponse(notice));
            }
        }
    }

    // ---------------------------------------------------------------- after startup

    private void toSession(FrontendMessage m) {
        Session running = session;
        if (running != null && (m instanceof FrontendMessage.CopyData || m instanceof FrontendMessage.CopyDone
                || m instanceof FrontendMessage.CopyFail || m instanceof FrontendMessage.Terminate)
                && running.offerToStream(m) && !(m instanceof FrontendMessage.Terminate)) {
            return; // a replication stream is running on the backend thread and reads these itself
        }
        if (m instanceof FrontendMessage.Invalid invalid && invalid.fatal()) {
            phase = Phase.CLOSED;
            if (invalid.silent()) {
                LOG.debug("{} from {}", invalid.error().getMessage(), channel.remoteAddress());
                backend.execute(this::close);
            } else {
                backend.execute(() -> fatal(invalid.error()));
            }
            return;
        }
        backend.execute(() -> {
            Session s = session;
            if (s == null || !channel.isActive()) {
                return;
            }
            if (!s.handle(m)) {
                close();
            }
            if (backend.pending() <= RESUME_READING_AT && !channel.config().isAutoRead()) {
                channel.config().setAutoRead(true);
            }
        });
        if (backend.pending() >= PAUSE_READING_AT) {
            channel.config().setAutoRead(false);
        }
    }

    /** This connection as pg_stat_activity shows it. */
    private io.slotway.core.catalog.BackendActivity activity() {
        Session s = session;
        Settings settings = sessionSettings;
        Session.Activity a = s == null ? null : s.activity();
        String addr = null;
        int port = -1;
        if (channel != null && channel.remoteAddress() instanceof InetSocketAddress isa) {
            addr = io.slotway.api.types.PgValues.inetText(isa.getAddress());
            port = isa.getPort();
        }
        return new io.slotway.core.catalog.BackendActivity(pid, user, database,
                settings == null ? "" : settings.get("application_name"), addr, port, backendStart,
                a == null ? null : a.xactStart(), a == null ? null : a.queryStart(), a == null ? null : a.stateChange(),
                a == null ? null : a.state(), a == null ? "" : a.query() == null ? "" : a.query(),
                replicationMode != Replication.NONE, a != null && a.streaming());
    }

    private void cancel() {
        Session s = session;
        if (s != null) {
            s.cancel();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        phase = Phase.CLOSED;
        synchronized (writability) {
            writability.notifyAll();
        }
        cancel();
        Session running = session;
        if (running != null) {
            running.offerToStream(new FrontendMessage.Terminate()); // ends a replication stream
        }
        backend.execute(() -> {
            Session s = session;
            session = null;
            if (s != null) {
                try {
                    s.close();
                } catch (RuntimeException e) {
                    LOG.warn("error closing session", e);
                }
            }
            if (pid != 0) {
                registry.unregister(pid);
                if (replicationServices != null) {
                    replicationServices.backendEnded(pid);
                }
            }
        });
        LOG.debug("disconnection: user={} database={}", user, database);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        synchronized (writability) {
            writability.notifyAll();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection error: {}", cause.toString());
        close();
    }

    // ---------------------------------------------------------------- Output

    @Override
    public void send(BackendMessage message) {
        channel.write(message);
        if (!channel.isWritable()) {
            channel.flush();
            synchronized (writability) {
                while (!channel.isWritable() && channel.isActive()) {
                    try {
                        writability.wait(TimeUnit.SECONDS.toMillis(1));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
        }
    }

    @Override
    public void flush() {
        channel.flush();
    }

    private void fatal(PgException e) {
        phase = Phase.CLOSED;
        LOG.debug("FATAL {}: {}", e.sqlState(), e.getMessage());
        channel.writeAndFlush(new BackendMessage.ErrorResponse(e)).addListener(ChannelFutureListener.CLOSE);
    }

    private void close() {
        phase = Phase.CLOSED;
        channel.flush();
        channel.close();
    }
}
