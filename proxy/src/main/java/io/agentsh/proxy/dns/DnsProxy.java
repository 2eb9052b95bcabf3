package io.agentsh.proxy.dns;

import io.agentsh.proxy.net.DnsRedirect;
import io.agentsh.proxy.net.Listeners;
import io.agentsh.proxy.net.NetDecision;
import io.agentsh.proxy.net.NetEvents;
import io.agentsh.proxy.net.NetRuntime;
import io.agentsh.proxy.net.NetworkPolicy;
import io.agentsh.proxy.net.SessionContext;
import io.agentsh.proxy.net.Transports;
import io.agentsh.proxy.transparent.Netns;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DefaultDnsResponse;
import io.netty.handler.codec.dns.DnsOpCode;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponse;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A session's DNS server (UDP and TCP on the same port). Per query: {@code dns_redirects}
 * answer from the policy for every record type (A/AAAA from resolve_to, an empty NOERROR answer
 * for other types, never silence); names the policy denies get REFUSED (a deny that only comes
 * from the default rule is recorded but not enforced for lookups, as in the reference); the rest
 * is forwarded byte for byte to the upstream resolver, and the addresses in the answer are
 * remembered, for their TTL, as belonging to the asked name (the transparent TCP path uses that
 * to apply domain rules to connections that only carry an address).
 */
public final class DnsProxy implements AutoCloseable {
    static final long REDIRECT_TTL = 60;

    private final NetRuntime rt;
    private final SessionContext session;
    private final DnsUpstream upstream;
    private final List<Channel> channels = new ArrayList<>(4);

    private DnsProxy(NetRuntime rt, SessionContext session, InetSocketAddress bind, InetAddress also, Path netns)
            throws IOException {
        this.rt = rt;
        this.session = session;
        EventLoop loop = rt.group().next();
        this.upstream = new DnsUpstream(rt, loop);
        try {
            Channel u = bindUdp(loop, bind, netns);
            channels.add(u);
            int port = ((InetSocketAddress) u.localAddress()).getPort();
            channels.add(bindTcp(new InetSocketAddress(bind.getAddress(), port), netns));
            if (also != null) {
                try {
                    channels.add(bindUdp(loop, new InetSocketAddress(also, port), netns));
                    channels.add(bindTcp(new InetSocketAddress(also, port), netns));
                } catch (IOException | RuntimeException e) {
                    System.getLogger("agentsh.net").log(System.Logger.Level.INFO,
                            "DNS proxy: no listener on " + also + " (" + e.getMessage() + ")");
                }
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException io ? io : new IOException("cannot start DNS proxy on " + bind + ": " + e.getMessage(), e);
        }
    }

    /*
     * UDP listeners are bound to a specific address, never a wildcard: an answer to a redirected
     * query must leave from the address the redirect delivered it to (127.0.0.1 / ::1), or
     * conntrack cannot map it back to the server the client asked.
     */
    private Channel bindUdp(EventLoop loop, InetSocketAddress addr, Path netns) throws IOException {
        DatagramChannel dc = netns == null ? Listeners.onLoop(rt, Transports::newDatagramChannel)
                : Netns.callIn(netns, Transports::newDatagramChannel);
        return new Bootstrap().group(loop).channelFactory(() -> dc)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new UdpHandler(), new DatagramDnsResponseEncoder());
                    }
                }).bind(addr).syncUninterruptibly().channel();
    }

    private Channel bindTcp(InetSocketAddress addr, Path netns) throws IOException {
        return Listeners.bind(rt, addr, netns, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(65535, 0, 2, 0, 2),
                        new TcpHandler(), new TcpDnsResponseEncoder());
                ch.config().setAutoRead(true);
            }
        });
    }

    /** Starts UDP and TCP listeners on {@code bind} (port 0 = any), inside {@code netns} when not null. */
    public static DnsProxy start(NetRuntime rt, SessionContext session, InetSocketAddress bind, Path netns)
            throws IOException {
        return new DnsProxy(rt, session, bind, null, netns);
    }

    /**
     * As {@link #start}, plus the same port on {@code also} (best effort): transparent mode
     * listens on 127.0.0.1 and ::1, where IPv4 and IPv6 redirects deliver.
     */
    public static DnsProxy start(NetRuntime rt, SessionContext session, InetSocketAddress bind, InetAddress also,
                                 Path netns) throws IOException {
        return new DnsProxy(rt, session, bind, also, netns);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channels.get(0).localAddress();
    }

    @Override
    public void close() {
        for (Channel c : channels) c.close().syncUninterruptibly();
        upstream.close();
    }

    // ------------------------------------------------------------------ per query

    /** How an answer goes back to the client, over whichever transport the query came on. */
    private interface Reply {
        void raw(ByteBuf message);

        void synth(DnsResponse response);

        DnsResponse newResponse(int id);

        boolean tcp();
    }

    private void onQuery(ByteBuf raw, Reply reply) {
        DnsWire.Question q = DnsWire.question(raw);
        if (q == null || !q.isQuery()) {
            raw.release();
            if (raw.capacity() >= 2 && q == null) return; // not even a header we can answer to
            return;
        }
        rt.counters().dnsQueries.increment();
        NetworkPolicy policy = session.policy();
        DnsRedirect redirect = policy.dnsRedirect(q.name());
        if (redirect != null) {
            raw.release();
            answerRedirect(q, redirect, reply);
            return;
        }
        NetDecision decision;
        try {
            decision = policy.check(q.name(), 53, List.of());
            if (decision == null) decision = NetDecision.deny("policy-error", "no decision");
        } catch (RuntimeException e) {
            decision = NetDecision.deny("policy-error", e.getMessage());
        }
        decision = decision.forDnsLookup();
        if (!decision.allowed()) {
            raw.release();
            rt.counters().dnsRefused.increment();
            event(q, decision, null, null);
            reply.synth(header(reply.newResponse(q.id()), q, DnsResponseCode.REFUSED, false));
            return;
        }
        NetDecision allowed = decision;
        DnsUpstream.Callback done = (resp, server, error) -> {
            if (resp == null) {
                event(q, allowed, null, error);
                reply.synth(header(reply.newResponse(q.id()), q, DnsResponseCode.SERVFAIL, false));
                return;
            }
            List<DnsWire.Answer> answers = DnsWire.addresses(resp);
            List<InetAddress> ips = new ArrayList<>(answers.size());
            for (DnsWire.Answer a : answers) {
                session.dnsCache().record(q.name(), a.address(), a.ttl());
                ips.add(a.address());
            }
            event(q, allowed, ips, null);
            reply.raw(resp);
        };
        if (reply.tcp()) upstream.tcp(raw, done);
        else upstream.udp(raw, done);
    }

    private void answerRedirect(DnsWire.Question q, DnsRedirect r, Reply reply) {
        InetAddress to = r.resolveTo();
        DnsResponse resp = header(reply.newResponse(q.id()), q, DnsResponseCode.NOERROR, true);
        boolean a = q.type() == DnsWire.TYPE_A && to instanceof Inet4Address;
        boolean aaaa = q.type() == DnsWire.TYPE_AAAA && to instanceof Inet6Address;
        if (a || aaaa) {
            resp.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(q.name() + ".", DnsRecordType.valueOf(q.type()),
                    REDIRECT_TTL, Unpooled.wrappedBuffer(to.getAddress())));
        }
        // Every name under a redirect maps to resolve_to, whatever the record type asked.
        session.dnsCache().record(q.name(), to, REDIRECT_TTL);
        if (!r.silent()) NetEvents.dnsRedirect(rt, session.sessionId(), q.name(), r);
        reply.synth(resp);
    }

    private static DnsResponse header(DnsResponse r, DnsWire.Question q, DnsResponseCode code, boolean authoritative) {
        r.setOpCode(DnsOpCode.QUERY);
        r.setRecursionDesired((q.flags() & 0x0100) != 0);
        r.setRecursionAvailable(true);
        r.setAuthoritativeAnswer(authoritative);
        r.setCode(code);
        r.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(q.name() + ".", DnsRecordType.valueOf(q.type()), q.qclass()));
        return r;
    }

    private void event(DnsWire.Question q, NetDecision d, List<InetAddress> ips, String error) {
        Map<String, Object> f = new LinkedHashMap<>(4);
        f.put("upstream", upstream.describe());
        f.put("qtype", DnsWire.typeName(q.type()));
        if (ips != null) {
            List<String> s = new ArrayList<>(ips.size());
            for (InetAddress a : ips) s.add(a.getHostAddress());
            f.put("ips", s);
        }
        if (error != null) f.put("error", error);
        NetEvents.emit(rt, "dns_query", session.sessionId(), q.name(), null, d, f);
    }

    // ------------------------------------------------------------------ transports

    private final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        UdpHandler() {
            super(false);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
            InetSocketAddress client = p.sender();
            InetSocketAddress local = p.recipient();
            onQuery(p.content(), new Reply() {
                @Override public void raw(ByteBuf m) { ctx.writeAndFlush(new DatagramPacket(m, client)); }
                @Override public void synth(DnsResponse r) { ctx.channel().writeAndFlush(r); }
                @Override public DnsResponse newResponse(int id) { return new DatagramDnsResponse(local, client, id); }
                @Override public boolean tcp() { return false; }
            });
        }
    }

    private final class TcpHandler extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf frame)) {
                io.netty.util.ReferenceCountUtil.release(msg);
                return;
            }
            onQuery(frame, new Reply() {
                @Override public void raw(ByteBuf m) {
                    ByteBuf len = ctx.alloc().buffer(2).writeShort(m.readableBytes());
                    ctx.writeAndFlush(Unpooled.wrappedBuffer(len, m));
                }
                @Override public void synth(DnsResponse r) { ctx.channel().writeAndFlush(r); }
                @Override public DnsResponse newResponse(int id) { return new DefaultDnsResponse(id); }
                @Override public boolean tcp() { return true; }
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
