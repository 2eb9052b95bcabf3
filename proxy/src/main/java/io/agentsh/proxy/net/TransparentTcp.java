package io.agentsh.proxy.net;

import io.agentsh.proxy.transparent.OriginalDestination;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.unix.UnixChannel;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The transparent TCP listener of one session. It listens on the session namespace's loopback,
 * where the nftables redirect sends every outbound TCP connection; for each accepted connection
 * it reads the original destination from conntrack, names it from the session's DNS cache when
 * it can, asks the policy about exactly that address, and either resets the connection at once
 * (SO_LINGER 0) or dials that address from the daemon's namespace and splices the two.
 */
public final class TransparentTcp implements AutoCloseable {
    /** Rule reported when a session dials the daemon's own end of its veth. */
    public static final String VETH_RULE = "agentsh-veth";

    private final Channel listener;

    private TransparentTcp(Channel listener) {
        this.listener = listener;
    }

    /**
     * @param daemonSide addresses of the daemon's veth end: never dialled for a session
     */
    public static TransparentTcp start(NetRuntime rt, SessionContext session, Path netns, Set<InetAddress> daemonSide)
            throws IOException {
        if (!Transports.epoll()) throw new IOException("transparent mode needs Netty's native epoll transport");
        ChannelInitializer<Channel> init = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                // A client may send and half-close before the upstream is connected; keep its socket open.
                ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
                ch.pipeline().addLast(new Handler(rt, session, daemonSide));
            }
        };
        Channel ch;
        try {
            ch = Listeners.bind(rt, new InetSocketAddress(InetAddress.ofLiteral("::"), 0), netns, init);
        } catch (IOException noV6) {
            ch = Listeners.bind(rt, new InetSocketAddress(InetAddress.ofLiteral("0.0.0.0"), 0), netns, init);
        }
        return new TransparentTcp(ch);
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
    }

    static void reset(Channel ch) {
        try {
            ch.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException ignored) {
            // already closed
        }
        ch.close();
    }

    private static final class Handler extends ChannelInboundHandlerAdapter {
        private final NetRuntime rt;
        private final SessionContext session;
        private final Set<InetAddress> daemonSide;
        /** What the client sent (and whether it half-closed) while the upstream was being dialled. */
        private final java.util.ArrayList<io.netty.buffer.ByteBuf> early = new java.util.ArrayList<>(2);
        private long earlyBytes;
        private boolean clientEof;

        Handler(NetRuntime rt, SessionContext session, Set<InetAddress> daemonSide) {
            this.rt = rt;
            this.session = session;
            this.daemonSide = daemonSide;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            Channel client = ctx.channel();
            InetSocketAddress dst;
            try {
                InetSocketAddress remote = (InetSocketAddress) client.remoteAddress();
                boolean v6 = !(remote.getAddress() instanceof Inet4Address);
                dst = OriginalDestination.of(((UnixChannel) client).fd().intValue(), v6);
            } catch (IOException | RuntimeException e) {
                reset(client); // not a redirected connection (or conntrack lost it): nothing to relay to
                return;
            }
            InetSocketAddress local = (InetSocketAddress) client.localAddress();
            if (dst.getPort() == local.getPort() && dst.getAddress().isLoopbackAddress()) {
                reset(client); // someone connected to the listener itself
                return;
            }
            InetAddress ip = dst.getAddress();
            int port = dst.getPort();
            String name = session.dnsCache().nameFor(ip);
            String domain = name != null ? name : ip.getHostAddress();
            String remote = (ip instanceof Inet4Address ? ip.getHostAddress() : "[" + ip.getHostAddress() + "]") + ":" + port;
            NetDecision d;
            if (daemonSide.contains(ip)) {
                d = NetDecision.deny(VETH_RULE, "the daemon's side of the session link is not reachable");
            } else {
                d = DestinationCheck.run(session.policy(), name, port, List.of(ip)).decision();
            }
            if (!d.allowed()) {
                rt.counters().denied();
                NetEvents.netConnect(rt, session.sessionId(), domain, remote, d, null, ip);
                reset(client);
                return;
            }
            Dialer.dial(rt, client.eventLoop(), List.of(ip), port, new ChannelInitializer<Channel>() {
                @Override protected void initChannel(Channel ch) { }
            }, (up, addr, err) -> {
                if (up == null) {
                    rt.counters().upstreamFailed();
                    reset(client);
                    return;
                }
                rt.counters().allowed();
                NetEvents.netConnect(rt, session.sessionId(), domain, remote, d, null, ip);
                client.pipeline().remove(this);
                Relay.splice(client, up, (sent, received) ->
                        NetEvents.netClose(rt, session.sessionId(), domain, remote, d, ip, sent, received), rt.counters(),
                        early, clientEof);
                early.clear();
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // Epoll may read once on a peer's FIN even with autoRead off: hold the bytes for the upstream.
            if (msg instanceof io.netty.buffer.ByteBuf b && earlyBytes + b.readableBytes() <= (1 << 20)) {
                earlyBytes += b.readableBytes();
                early.add(b);
            } else {
                io.netty.util.ReferenceCountUtil.release(msg);
                reset(ctx.channel());
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) clientEof = true;
            else ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            for (io.netty.buffer.ByteBuf b : early) b.release();
            early.clear();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            reset(ctx.channel());
        }
    }
}
