package io.slotway.core.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultMessageSizeEstimator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.slotway.api.source.SqlSource;
import io.slotway.core.pgwire.BackendEncoder;
import io.slotway.core.pgwire.BackendMessage;
import io.slotway.core.pgwire.PgFrameDecoder;
import io.slotway.core.replication.ReplicationServices;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL protocol server: Netty event loops for I/O and a pool of backend threads, each
 * connection running its statements in order on one of them at a time.
 */
public final class PgServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PgServer.class);

    private final ServerOptions options;
    private final SqlSource source;
    private final ReplicationServices replication;
    private final BackendRegistry registry = new BackendRegistry();
    private final EventLoopGroup boss = new NioEventLoopGroup(1, new DefaultThreadFactory("slotway-accept", true));
    private final EventLoopGroup io = new NioEventLoopGroup(2, new DefaultThreadFactory("slotway-io", true));
    private final ExecutorService backends = Executors.newCachedThreadPool(new DefaultThreadFactory("slotway-backend", true));
    private final List<Channel> listeners = new ArrayList<>();
    /** Answers catalog queries when set (see {@link io.slotway.core.catalog.CatalogEngine}). */
    private volatile io.slotway.core.catalog.CatalogEngine catalog;

    private PgServer(ServerOptions options, SqlSource source, ReplicationServices replication) {
        this.options = options;
        this.source = source;
        this.replication = replication;
    }

    /** Sets the engine that answers catalog queries on connections opened from now on (null: none). */
    public void catalog(io.slotway.core.catalog.CatalogEngine engine) {
        this.catalog = engine;
        if (engine != null) {
            engine.activity(registry::activity);
        }
    }

    /** Starts listening without replication (replication connections are refused). */
    public static PgServer start(ServerOptions options, SqlSource source) throws InterruptedException {
        return start(options, source, null);
    }

    /** Starts listening; fails if an address cannot be bound. */
    public static PgServer start(ServerOptions options, SqlSource source, ReplicationServices replication)
            throws InterruptedException {
        PgServer server = new PgServer(options, source, replication);
        try {
            server.bind();
        } catch (RuntimeException | InterruptedException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** Netty's estimator, knowing the encoded size of {@link BackendMessage}s. */
    static final MessageSizeEstimator BACKEND_MESSAGE_SIZES = new MessageSizeEstimator() {
        private final MessageSizeEstimator.Handle fallback = DefaultMessageSizeEstimator.DEFAULT.newHandle();
        private final MessageSizeEstimator.Handle handle = msg -> msg instanceof BackendMessage m ? m.sizeEstimate() : fallback.size(msg);

        @Override
        public Handle newHandle() {
            return handle;
        }
    };

    private void bind() throws InterruptedException {
        BackendEncoder encoder = new BackendEncoder();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(boss, io)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 << 10, 1 << 20))
                // Count a message waiting to be encoded at its size, not Netty's 8 bytes for an unknown object:
                // otherwise writability (the senders' back-pressure) ignores what is queued.
                .childOption(ChannelOption.MESSAGE_SIZE_ESTIMATOR, BACKEND_MESSAGE_SIZES)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast("frames", new PgFrameDecoder(options.maxMessageSize()));
                        ch.pipeline().addLast("encoder", encoder);
                        ch.pipeline().addLast("connection", new PgConnectionHandler(options, source, replication, registry, backends, () -> catalog));
                    }
                });
        int port = options.port();
        for (String address : options.listen()) {
            List<InetSocketAddress> targets = new ArrayList<>();
            if (address.equals("*")) {
                targets.add(new InetSocketAddress(port));
            } else {
                targets.add(new InetSocketAddress(address.trim(), port));
            }
            for (InetSocketAddress target : targets) {
                Channel ch = bootstrap.bind(target).sync().channel();
                listeners.add(ch);
                // With port 0, every further address binds to the port the first one got.
                port = ((InetSocketAddress) ch.localAddress()).getPort();
                LOG.info("listening on {}", ch.localAddress());
            }
        }
    }

    /** The port actually bound (useful when the options asked for 0). */
    public int port() {
        return ((InetSocketAddress) listeners.get(0).localAddress()).getPort();
    }

    /** Live backends. */
    public int connections() {
        return registry.size();
    }

    @Override
    public void close() {
        for (Channel ch : listeners) {
            ch.close().awaitUninterruptibly();
        }
        listeners.clear();
        io.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        backends.shutdown();
        try {
            if (!backends.awaitTermination(5, TimeUnit.SECONDS)) {
                backends.shutdownNow();
            }
        } catch (InterruptedException e) {
            backends.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
