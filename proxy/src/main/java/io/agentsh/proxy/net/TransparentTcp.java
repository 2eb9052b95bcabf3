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
        /** How long a connection may take to show its Host header / ClientHello before it is decided without a name. */
        private static final long SNIFF_MILLIS = 3000;
        /** The most the listener reads looking for a Host header. */
        private static final int SNIFF_LIMIT = 8192;

        private final NetRuntime rt;
        private final SessionContext session;
        private final Set<InetAddress> daemonSide;
        /** What the client sent (and whether it half-closed) while the connection was being decided and dialled. */
        private final java.util.ArrayList<io.netty.buffer.ByteBuf> early = new java.util.ArrayList<>(2);
        private long earlyBytes;
        private boolean clientEof;
        private InetAddress ip;
        private int port;
        private String remote;
        /** Waiting for the first bytes to name the destination (TLS SNI, then HTTP Host). */
        private boolean sniffing;
        private boolean httpSniff;
        private io.netty.util.concurrent.ScheduledFuture<?> sniffTimer;

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
                InetSocketAddress remoteAddr = (InetSocketAddress) client.remoteAddress();
                boolean v6 = !(remoteAddr.getAddress() instanceof Inet4Address);
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
            ip = dst.getAddress();
            port = dst.getPort();
            remote = (ip instanceof Inet4Address ? ip.getHostAddress() : "[" + ip.getHostAddress() + "]") + ":" + port;
            if (daemonSide.contains(ip)) {
                deny(client, ip.getHostAddress(),
                        NetDecision.deny(VETH_RULE, "the daemon's side of the session link is not reachable"));
                return;
            }
            String name = session.dnsCache().nameFor(ip);
            NetworkPolicy policy = session.policy();
            if (name == null) {
                NetDecision byAddress = DestinationCheck.safeCheck(policy, null, port, List.of(ip));
                // Only when no rule named this address (a CIDR deny stands) and a domain rule could
                // let it through: the name the client resolved outside our DNS (/etc/hosts) may be
                // in its first bytes.
                if ((byAddress.defaultDeny() || byAddress.needsApproval()) && policy.nameCanAllow(port)) {
                    startSniff(ctx);
                    return;
                }
            }
            admit(ctx, name);
        }

        private void startSniff(ChannelHandlerContext ctx) {
            sniffing = true;
            ctx.pipeline().addBefore(ctx.name(), "sni-sniff", new NameSniffer());
            sniffTimer = ctx.executor().schedule(() -> {
                if (sniffing) nameFound(ctx, null);
            }, SNIFF_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            ctx.read();
        }

        /** Ends sniffing: {@code name} (from SNI or Host) counts only if it resolves to the address dialled. */
        private void nameFound(ChannelHandlerContext ctx, String name) {
            if (!sniffing) return;
            sniffing = false;
            if (sniffTimer != null) sniffTimer.cancel(false);
            if (ctx.pipeline().get("sni-sniff") != null) ctx.pipeline().remove("sni-sniff");
            String n = name == null ? null : HostResolver.normaliseName(name);
            if (n == null || n.isEmpty() || IpLiterals.parse(n) != null) {
                admit(ctx, null);
                return;
            }
            rt.resolver(ctx.channel().eventLoop()).resolveAll(n).addListener(f -> {
                if (!ctx.channel().isActive()) return;
                @SuppressWarnings("unchecked")
                List<InetAddress> ips = f.isSuccess() ? (List<InetAddress>) f.getNow() : List.of();
                if (ips.contains(ip)) {
                    admit(ctx, n);
                } else {
                    // A name that does not lead here (spoofed SNI/Host) unlocks nothing: decide on the address.
                    NetDecision byAddress = DestinationCheck.safeCheck(session.policy(), null, port, List.of(ip));
                    NetDecision d = byAddress.allowed() ? byAddress
                            : new NetDecision(false, byAddress.policyDecision(), "deny", byAddress.rule(),
                            "the name " + n + " the client sent does not resolve to " + ip.getHostAddress(),
                            byAddress.approvalTimeout(), null);
                    if (d.allowed()) admit(ctx, null);
                    else deny(ctx.channel(), ip.getHostAddress(), d);
                }
            });
        }

        private void admit(ChannelHandlerContext ctx, String name) {
            Channel client = ctx.channel();
            String domain = name != null ? name : ip.getHostAddress();
            Admission.decide(rt, session, client.eventLoop(), name, port, List.of(ip), domain, remote, res -> {
                if (!client.isActive()) return;
                if (!res.permitted()) {
                    deny(client, domain, res.decision(), res.redirect());
                    return;
                }
                Admission.dial(rt, session, client.eventLoop(), res, port, domain, remote, new ChannelInitializer<Channel>() {
                    @Override protected void initChannel(Channel ch) { }
                }, (up, addr, redirected, err) -> {
                    if (up == null) {
                        rt.counters().upstreamFailed();
                        reset(client);
                        return;
                    }
                    if (!client.isActive()) { up.close(); return; }
                    NetDecision d = res.decision();
                    ConnectRedirectTarget used = redirected ? res.redirect() : null;
                    rt.counters().allowed();
                    NetEvents.netConnect(rt, session.sessionId(), domain, remote, d, null, ip, used);
                    client.pipeline().remove(this);
                    Relay.Tunnel report = (sent, received) ->
                            NetEvents.netClose(rt, session.sessionId(), domain, remote, d, ip, sent, received);
                    Relay.splice(client, up, report, rt.counters(), early, clientEof);
                    early.clear();
                });
            });
        }

        private void deny(Channel client, String domain, NetDecision d) {
            deny(client, domain, d, null);
        }

        private void deny(Channel client, String domain, NetDecision d, ConnectRedirectTarget redirect) {
            rt.counters().denied();
            NetEvents.netConnect(rt, session.sessionId(), domain, remote, d, null, ip, redirect);
            reset(client);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            // Epoll may read once on a peer's FIN even with autoRead off: hold the bytes for the upstream.
            if (msg instanceof io.netty.buffer.ByteBuf b && earlyBytes + b.readableBytes() <= (1 << 20)) {
                earlyBytes += b.readableBytes();
                early.add(b);
                if (sniffing && httpSniff) sniffHttp(ctx);
            } else {
                io.netty.util.ReferenceCountUtil.release(msg);
                reset(ctx.channel());
            }
        }

        /** Not TLS: look for the Host header of an HTTP request in what arrived so far. */
        private void sniffHttp(ChannelHandlerContext ctx) {
            int n = (int) Math.min(earlyBytes, SNIFF_LIMIT);
            byte[] head = new byte[n];
            int off = 0;
            for (io.netty.buffer.ByteBuf b : early) {
                int k = Math.min(b.readableBytes(), n - off);
                b.getBytes(b.readerIndex(), head, off, k);
                off += k;
                if (off == n) break;
            }
            HttpHost.Result r = HttpHost.find(head, n);
            if (r.complete()) nameFound(ctx, r.host());
            else if (earlyBytes >= SNIFF_LIMIT || clientEof) nameFound(ctx, null);
            else ctx.read();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
                clientEof = true;
                if (sniffing && httpSniff) sniffHttp(ctx);
                else if (sniffing) nameFound(ctx, null);
            } else if (evt instanceof io.netty.handler.ssl.SniCompletionEvent sni) {
                if (!sniffing) return;
                if (sni.hostname() != null) {
                    nameFound(ctx, sni.hostname());
                } else {
                    httpSniff = true;
                    sniffHttp(ctx);
                }
            } else {
                ctx.fireUserEventTriggered(evt);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            sniffing = false;
            if (sniffTimer != null) sniffTimer.cancel(false);
            for (io.netty.buffer.ByteBuf b : early) b.release();
            early.clear();
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            reset(ctx.channel());
        }
    }

    /**
     * Reads the server_name of a TLS ClientHello with Netty's parser without consuming anything:
     * the bytes go on to the listener's handler (and later to the upstream) unchanged; the name
     * (null when the stream is not TLS or names no server) arrives as a SniCompletionEvent.
     */
    private static final class NameSniffer extends io.netty.handler.ssl.AbstractSniHandler<String> {
        NameSniffer() {
            // A ClientHello is a few KiB; a client claiming more is not given memory for it (the
            // connection is closed). The listener keeps its own timer.
            super(1 << 16, 0L);
        }

        @Override
        protected io.netty.util.concurrent.Future<String> lookup(ChannelHandlerContext ctx, String hostname) {
            return ctx.executor().newSucceededFuture(hostname);
        }

        @Override
        protected void onLookupComplete(ChannelHandlerContext ctx, String hostname,
                                        io.netty.util.concurrent.Future<String> future) {
            // Step out: what was read goes on to the listener's handler once decoding returns, and
            // AbstractSniHandler fires the SniCompletionEvent right after this.
            ctx.pipeline().remove(this);
        }
    }
}
