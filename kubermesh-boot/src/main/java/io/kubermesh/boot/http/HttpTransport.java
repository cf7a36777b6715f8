package io.kubermesh.boot.http;

import io.kubermesh.api.KubermeshException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The socket side of {@link BootHttpServer}: Netty's HTTP/1.1 codec on epoll (NIO where the
 * native library does not load), request heads up to {@link #MAX_HEAD} bytes, per-phase
 * deadlines ({@link ConnectionDeadlines}), bodies capped per route ({@link RequestHandler}) and
 * connections capped per client address and in all; connections over a cap are answered 503 and
 * closed at once.
 */
final class HttpTransport implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
    /** Largest request line plus headers; bigger heads get 431. */
    static final int MAX_HEAD = 16 * 1024;
    private static final byte[] BUSY = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 22\r\nConnection: close\r\n\r\ntoo many connections\r\n").getBytes(StandardCharsets.ISO_8859_1);

    /**
     * Connection caps.
     *
     * @param perAddress connections open at once from one client address
     * @param total connections open at once
     */
    record Caps(int perAddress, int total) {
        static final Caps DEFAULT = new Caps(64, 1024);
    }

    /** One single-thread group per listening socket under epoll (it accepts and serves its own connections), one group under NIO. */
    private final java.util.List<EventLoopGroup> loops = new java.util.ArrayList<>();
    private final java.util.List<Channel> servers = new java.util.ArrayList<>();
    private final Caps caps;
    private final ConcurrentHashMap<InetAddress, AtomicInteger> perAddress = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();

    HttpTransport(InetSocketAddress bind, RequestHandler.Routes routes, ConnectionDeadlines.Limits limits, Caps caps,
                  int threads) {
        this.caps = caps;
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory handlers = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        ChannelHandler cap = new ConnectionCap();
        ConnectionDeadlines.Watches watches = new ConnectionDeadlines.Watches();
        HttpDecoderConfig codec = new HttpDecoderConfig().setMaxInitialLineLength(MAX_HEAD).setMaxHeaderSize(MAX_HEAD)
                .setMaxChunkSize(8192);
        ServerBootstrap b = new ServerBootstrap().channel(type)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        RequestHandler requests = new RequestHandler(routes, limits, watches);
                        ch.pipeline().addLast(cap, new RequestHandler.FirstBytes(requests),
                                new HttpServerCodec(codec), requests);
                    }
                });
        try {
            if (epoll) {
                // One listening socket per event loop (SO_REUSEPORT): each loop accepts its own
                // connections, none is handed across threads. A plain bind first, so a port another
                // process holds is an error here instead of a silently shared one.
                // Each socket's connections stay on the thread that accepted them, as in nginx's
                // workers: no registration handed to another thread per connection.
                requireFree(bind);
                b.option(io.netty.channel.unix.UnixChannelOption.SO_REUSEPORT, true);
                InetSocketAddress at = bind;
                for (int i = 0; i < threads; i++) {
                    EventLoopGroup one = new MultiThreadIoEventLoopGroup(1,
                            new DefaultThreadFactory("boot-http-" + (i + 1), true), handlers);
                    loops.add(one);
                    servers.add(b.clone().group(one, one).bind(at).sync().channel());
                    at = (InetSocketAddress) servers.get(0).localAddress();
                }
            } else {
                EventLoopGroup all = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("boot-http", true),
                        handlers);
                loops.add(all);
                servers.add(b.group(all).bind(bind).sync().channel());
            }
        } catch (Exception e) {
            servers.forEach(Channel::close);
            loops.forEach(l -> l.shutdownGracefully(0, 0, TimeUnit.SECONDS));
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new KubermeshException("cannot bind HTTP to " + bind + ": " + e.getMessage(), e);
        }
        LOG.debug("HTTP transport on {} ({}, {} event loops)", bind, epoll ? "epoll" : "nio", threads);
    }

    InetSocketAddress address() {
        return (InetSocketAddress) servers.get(0).localAddress();
    }

    /** Fails when something listens on {@code bind} already (port 0 asks for any: always free). */
    private static void requireFree(InetSocketAddress bind) throws java.io.IOException {
        if (bind.getPort() == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(bind);
        }
    }

    /** Connections open now. */
    int connections() {
        return open.get();
    }

    /** Counts connections per client address; over a cap, answers 503 and closes. */
    @ChannelHandler.Sharable
    private final class ConnectionCap extends ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            InetAddress client = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
            int mine = perAddress.computeIfAbsent(client, a -> new AtomicInteger()).incrementAndGet();
            int all = open.incrementAndGet();

            if (mine > caps.perAddress() || all > caps.total()) {
                LOG.warn("HTTP refusing a connection from {}: {} open from it, {} in all (caps {} and {})", client,
                        mine, all, caps.perAddress(), caps.total());
                ctx.channel().config().setAutoRead(false);
                ctx.writeAndFlush(Unpooled.wrappedBuffer(BUSY)).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.fireChannelActive();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            InetAddress client = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
            open.decrementAndGet();
            perAddress.computeIfPresent(client, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
            ctx.fireChannelInactive();
        }
    }

    @Override
    public void close() {
        servers.forEach(c -> c.close().awaitUninterruptibly(2, TimeUnit.SECONDS));
        loops.forEach(l -> l.shutdownGracefully(0, 1, TimeUnit.SECONDS));
        loops.forEach(l -> l.terminationFuture().awaitUninterruptibly(3, TimeUnit.SECONDS));
    }
}
