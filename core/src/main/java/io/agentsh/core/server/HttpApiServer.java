package io.agentsh.core.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.ExecutorService;
import java.util.logging.Logger;

/**
 * Netty HTTP/1.1 listeners (TCP and unix socket) serving one {@link Dispatcher}. Event loops only
 * decode and write; every request is handled on a virtual thread.
 */
public final class HttpApiServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HttpApiServer.class.getName());

    private final Dispatcher dispatcher;
    private final ExecutorService workers;
    private final long maxRequestSize;
    private final EventLoopGroup group;
    private final boolean epoll;
    private Channel tcp;
    private Channel unix;
    private Path unixPath;

    public HttpApiServer(Dispatcher dispatcher, ExecutorService workers, long maxRequestSize) {
        this.dispatcher = dispatcher;
        this.workers = workers;
        this.maxRequestSize = maxRequestSize;
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("agentsh-http-io", true), io);
    }

    /** Refuses a non-loopback address when auth is off (reference server.go listenHTTP). */
    public static void checkListenAddress(String addr, boolean authDisabled) {
        if (!authDisabled) return;
        String host = hostOf(addr);
        boolean loopback;
        if (host.isEmpty()) {
            loopback = false;
        } else if (host.equals("localhost")) {
            loopback = true;
        } else {
            try {
                loopback = InetAddress.getByName(literalOnly(host)).isLoopbackAddress();
            } catch (UnknownHostException e) {
                loopback = false;
            }
        }
        if (!loopback) {
            throw new IllegalStateException("refusing to listen on \"" + addr
                    + "\" with auth.type=none (use 127.0.0.1/localhost or enable auth)");
        }
    }

    /** Never resolve names: only IP literals reach InetAddress. */
    private static String literalOnly(String host) throws UnknownHostException {
        if (host.matches("[0-9.]+") || host.contains(":")) return host;
        throw new UnknownHostException(host);
    }

    static String hostOf(String addr) {
        int colon = addr.lastIndexOf(':');
        String host = colon < 0 ? addr : addr.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        return host;
    }

    static int portOf(String addr) {
        int colon = addr.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("listen address \"" + addr + "\" has no port");
        return Integer.parseInt(addr.substring(colon + 1));
    }

    public void bindTcp(String addr) throws InterruptedException {
        String host = hostOf(addr);
        InetSocketAddress sa = host.isEmpty() ? new InetSocketAddress(portOf(addr))
                : new InetSocketAddress(host.equals("localhost") ? "127.0.0.1" : host, portOf(addr));
        Class<? extends ServerChannel> type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        tcp = bootstrap(type, false).bind(sa).sync().channel();
    }

    public void bindUnix(Path path, String permissions) throws InterruptedException, IOException {
        if (!epoll) throw new IOException("unix socket listener needs the native epoll transport");
        Files.createDirectories(path.getParent());
        Files.deleteIfExists(path);
        unix = bootstrap(EpollServerDomainSocketChannel.class, true).bind(new DomainSocketAddress(path.toFile()))
                .sync().channel();
        unixPath = path;
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(rwx(permissions)));
    }

    private ServerBootstrap bootstrap(Class<? extends ServerChannel> type, boolean unixSocket) {
        return new ServerBootstrap().group(group).channel(type).childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpServerCodec());
                ch.pipeline().addLast(new BoundedAggregator(maxRequestSize));
                ch.pipeline().addLast(new ApiChannelHandler(dispatcher, workers, unixSocket));
            }
        });
    }

    /** "0666" -> "rw-rw-rw-". */
    static String rwx(String octal) {
        int mode = Integer.parseInt(octal == null || octal.isEmpty() ? "0666" : octal, 8);
        StringBuilder sb = new StringBuilder(9);
        for (int shift = 6; shift >= 0; shift -= 3) {
            int b = (mode >> shift) & 7;
            sb.append((b & 4) != 0 ? 'r' : '-').append((b & 2) != 0 ? 'w' : '-').append((b & 1) != 0 ? 'x' : '-');
        }
        return sb.toString();
    }

    public int tcpPort() {
        return ((InetSocketAddress) tcp.localAddress()).getPort();
    }

    public Path unixPath() {
        return unixPath;
    }

    @Override
    public void close() {
        if (tcp != null) tcp.close().syncUninterruptibly();
        if (unix != null) unix.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        if (unixPath != null) {
            try {
                Files.deleteIfExists(unixPath);
            } catch (IOException e) {
                LOG.warning("remove " + unixPath + ": " + e.getMessage());
            }
        }
    }
}
