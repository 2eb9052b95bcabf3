package io.agentsh.proxy.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;

/**
 * The explicit forward proxy, one instance per client connection: HTTP/1.1 absolute-form
 * requests (keep-alive, bodies streamed both ways, upstream connections reused per host:port)
 * and CONNECT tunnels. The client connection reads continuously (autoRead) while that costs
 * nothing to hold: idle, or waiting for the answer with no further request queued. It stops
 * reading while a CONNECT is decided (the tunnel's first bytes must stay unread for the relay),
 * while a pipelined request waits, and while a request body cannot be passed on (upstream not
 * writable), so neither direction buffers without bound. Toggling only then keeps the common
 * keep-alive request free of epoll re-arming (two epoll_ctl calls per request when reading
 * was pulled with {@code read()}). Requests are handled one at a time; pipelined requests wait
 * in {@link #inbound}.
 */
final class HttpProxyHandler extends ChannelInboundHandlerAdapter {
    private enum State { IDLE, CONNECTING, SENDING_BODY, AWAITING_RESPONSE, TUNNEL, CLOSING }

    private final NetRuntime rt;
    private final SessionContext session;
    private final ArrayDeque<HttpObject> inbound = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private State state = State.IDLE;

    private Channel upstream;
    private String upstreamHost;
    private int upstreamPort;
    private InetAddress upstreamAddress;
    /** {@code upstreamAddress} as the candidate list and as text, built once per upstream connection. */
    private List<InetAddress> upstreamCandidates;
    private String upstreamIp;
    private ConnectRedirectTarget upstreamRedirect;
    private boolean upstreamReusable;
    private boolean clientKeepAlive;
    private boolean responseStarted;
    /** The client sent its FIN: answer what it asked, then close (half-closure is allowed on the client side). */
    private boolean clientInputClosed;
    /** Response parts written to the client since the last flush. */
    private boolean clientUnflushed;

    HttpProxyHandler(NetRuntime rt, SessionContext session) {
        this.rt = rt;
        this.session = session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // "send the request, shutdown(SHUT_WR), read the answer" clients get their answer: reads
        // go on while a response is awaited, so their FIN is seen then (userEventTriggered)
        ctx.channel().config().setOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true);
        ctx.channel().config().setAutoRead(true);
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpObject o) || state == State.CLOSING || state == State.TUNNEL) {
            ReferenceCountUtil.release(msg);
            return;
        }
        inbound.add(o);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        drain();
        updateReading();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent && state != State.TUNNEL) {
            clientInputClosed = true;
            // the decoder has passed on what it still held; a body cut short cannot be completed
            if (state == State.SENDING_BODY) ctx.close();
            else closeIfDone();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /** After the client's FIN: closes once nothing it asked for is left to answer. */
    private void closeIfDone() {
        if (clientInputClosed && state == State.IDLE && inbound.isEmpty()) {
            state = State.CLOSING;
            ctx.channel().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Reads on while nothing would pile up: idle or awaiting a response with nothing queued, or
     * passing a body to an upstream that can take it. Off otherwise (see the class comment).
     * setAutoRead only touches epoll when the value changes.
     */
    private void updateReading() {
        if (state == State.TUNNEL) return; // the relay owns the client's reads now
        // after the client's FIN there is nothing left to read, and epoll no longer watches the
        // fd: changing autoRead then would only fail in epoll_ctl (ENOENT)
        if (clientInputClosed || !ctx.channel().isActive()) return;
        boolean on = switch (state) {
            case IDLE, AWAITING_RESPONSE -> inbound.isEmpty();
            case SENDING_BODY -> upstream != null && upstream.isWritable();
            default -> false; // CONNECTING (decision, approval, dial), TUNNEL set-up, CLOSING
        };
        if (ctx.channel().config().isAutoRead() != on) ctx.channel().config().setAutoRead(on);
    }

    /** Moves queued request parts forward as far as the current state allows. */
    private void drain() {
        while (true) {
            switch (state) {
                case IDLE -> {
                    HttpObject o = inbound.poll();
                    if (o == null) { closeIfDone(); return; }
                    if (o instanceof HttpRequest req) startRequest(req);
                    else ReferenceCountUtil.release(o); // stray body of a request we already answered
                }
                case SENDING_BODY -> {
                    HttpObject o = inbound.peek();
                    if (o instanceof HttpRequest) { // a pipelined request: the previous body ended without a last part
                        state = State.AWAITING_RESPONSE;
                        upstream.flush();
                        return;
                    }
                    if (o == null) {
                        upstream.flush();
                        return;
                    }
                    inbound.poll();
                    if (o.decoderResult().isFailure()) {
                        // a body cut short by the client's close, or malformed: never let the
                        // origin see it as complete (a chunked body would get its terminator)
                        ReferenceCountUtil.release(o);
                        Channel u = upstream;
                        upstream = null;
                        u.close();
                        state = State.CLOSING;
                        releaseInbound();
                        ctx.close();
                        return;
                    }
                    upstream.write(o, upstream.voidPromise());
                    if (o instanceof LastHttpContent) {
                        upstream.flush();
                        state = State.AWAITING_RESPONSE;
                        return;
                    }
                }
                default -> { return; }
            }
        }
    }

    private void startRequest(HttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            fail(HttpResponseStatus.BAD_REQUEST, "malformed request\n");
            return;
        }
        clientKeepAlive = HttpUtil.isKeepAlive(req);
        if (HttpMethod.CONNECT.equals(req.method())) startConnect(req);
        else startHttp(req);
    }

    // ---------------------------------------------------------------- CONNECT

    private void startConnect(HttpRequest req) {
        HostPort hp = HostPort.parse(req.uri(), 443);
        if (hp == null) {
            fail(HttpResponseStatus.BAD_REQUEST, "bad CONNECT target\n");
            return;
        }
        state = State.CONNECTING;
        dropInboundBody();
        String remote = hp.authority();
        io.netty.channel.EventLoop loop = ctx.channel().eventLoop();
        HostResolver.resolve(rt, session, loop, hp.host(), (addrs, err) -> {
            if (!ctx.channel().isActive()) return;
            String domain = NetEvents.lower(hp.hostForPolicy());
            // Reads stay held while this runs (no ctx.read() in CONNECTING), approval waits included.
            Admission.decide(rt, session, loop, hp.hostForPolicy(), hp.port(), addrs, domain, remote, res -> {
                if (!ctx.channel().isActive()) return;
                if (addrs.isEmpty() && res.redirect() == null) {
                    rt.counters().upstreamFailed();
                    NetEvents.netConnect(rt, session.sessionId(), domain, remote,
                            NetDecision.deny("dns-failure", "cannot resolve " + hp.host()), "CONNECT", null);
                    fail(HttpResponseStatus.BAD_GATEWAY, "cannot resolve " + hp.host() + "\n");
                    return;
                }
                if (!res.permitted()) {
                    rt.counters().denied();
                    NetEvents.netConnect(rt, session.sessionId(), domain, remote, res.decision(), "CONNECT",
                            addrs.isEmpty() ? null : addrs.get(0), res.redirect());
                    fail(HttpResponseStatus.FORBIDDEN, denyBody(res.decision()));
                    return;
                }
                Admission.dial(rt, session, loop, res, hp.port(), domain, remote, new ChannelInitializer<Channel>() {
                    @Override protected void initChannel(Channel ch) { }
                }, (ch, addr, redirected, error) -> {
                    if (ch == null) {
                        rt.counters().upstreamFailed();
                        fail(HttpResponseStatus.BAD_GATEWAY, "upstream unreachable\n");
                        return;
                    }
                    if (!ctx.channel().isActive()) { ch.close(); return; }
                    rt.counters().allowed();
                    NetDecision d = res.decision();
                    ConnectRedirectTarget used = redirected ? res.redirect() : null;
                    NetEvents.netConnect(rt, session.sessionId(), domain, remote, d, "CONNECT", addr, used);
                    state = State.TUNNEL;
                    FullHttpResponse ok = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                            new HttpResponseStatus(200, "Connection Established"), Unpooled.EMPTY_BUFFER);
                    ctx.writeAndFlush(ok);
                    switchToTunnel(ch, domain, remote, d, addr);
                });
            });
        });
    }

    /** The 403 body: the rule, and why when an approval was asked for and not given. */
    static String denyBody(NetDecision d) {
        String base = "blocked by policy (rule=" + d.ruleOrUnknown() + ")";
        if (d.approvalId() != null && d.message() != null && !d.message().isEmpty()) base += ": " + d.message();
        return base + "\n";
    }

    private void switchToTunnel(Channel up, String domain, String remote, NetDecision d, InetAddress addr) {
        Channel client = ctx.channel();
        if (upstream != null) { upstream.close(); upstream = null; }

        // Relay first, then drop the codec and this handler: bytes the decoder still holds are
        // passed on to the relay when it is removed.
        Relay.splice(client, up, (sent, received) ->
                NetEvents.netClose(rt, session.sessionId(), domain, remote, d, addr, sent, received), rt.counters());
        client.pipeline().remove(this);
        client.pipeline().remove(HttpServerCodec.class);
    }

    // ---------------------------------------------------------------- plain HTTP

    private void startHttp(HttpRequest req) {
        String target = req.uri();
        if (!target.regionMatches(true, 0, "http://", 0, 7)) {
            fail(HttpResponseStatus.BAD_REQUEST, "this proxy needs absolute http:// URIs (use CONNECT for https)\n");
            return;
        }
        int authEnd = 7;
        while (authEnd < target.length()) {
            char c = target.charAt(authEnd);
            if (c == '/' || c == '?' || c == '#') break;
            authEnd++;
        }
        String auth = target.substring(7, authEnd);
        int at = auth.lastIndexOf('@');
        if (at >= 0) auth = auth.substring(at + 1);
        HostPort hp = HostPort.parse(auth, 80);
        if (hp == null) {
            fail(HttpResponseStatus.BAD_REQUEST, "bad host in request URI\n");
            return;
        }
        int hash = target.indexOf('#', authEnd);
        String path = target.substring(authEnd, hash < 0 ? target.length() : hash);
        if (path.isEmpty() || path.charAt(0) == '?') path = "/" + path;
        req.setUri(path);
        stripHopByHop(req.headers());
        req.headers().set(HttpHeaderNames.HOST, hp.authorityForHostHeader(80));
        String domain = NetEvents.lower(hp.hostForPolicy());
        state = State.CONNECTING;

        io.netty.channel.EventLoop loop = ctx.channel().eventLoop();
        if (upstream != null && upstream.isActive() && upstreamReusable && upstreamAddress != null && upstreamRedirect == null
                && hp.host().equals(upstreamHost) && hp.port() == upstreamPort) {
            // Decided again (the policy may have been reloaded), on the address this connection uses.
            Admission.decide(rt, session, loop, hp.hostForPolicy(), hp.port(), upstreamCandidates, domain,
                    hp.authority(), res -> {
                        if (!ctx.channel().isActive()) { ReferenceCountUtil.release(req); return; }
                        decided(req, hp, domain, res, upstreamCandidates, res.redirect() == null);
                    });
            return;
        }
        HostResolver.resolve(rt, session, loop, hp.host(), (addrs, err) -> {
            if (!ctx.channel().isActive()) { ReferenceCountUtil.release(req); return; }
            Admission.decide(rt, session, loop, hp.hostForPolicy(), hp.port(), addrs, domain, hp.authority(), res -> {
                if (!ctx.channel().isActive()) { ReferenceCountUtil.release(req); return; }
                if (addrs.isEmpty() && res.redirect() == null) {
                    ReferenceCountUtil.release(req);
                    rt.counters().upstreamFailed();
                    fail(HttpResponseStatus.BAD_GATEWAY, "cannot resolve " + hp.host() + "\n");
                    return;
                }
                decided(req, hp, domain, res, addrs, false);
            });
        });
    }

    private void decided(HttpRequest req, HostPort hp, String domain, Admission.Result res,
                         List<InetAddress> candidates, boolean reuse) {
        InetAddress shown = !res.addresses().isEmpty() ? res.addresses().get(0) : candidates.isEmpty() ? null : candidates.get(0);
        String shownIp = shown == null ? "" : shown == upstreamAddress && upstreamIp != null ? upstreamIp : shown.getHostAddress();
        NetEvents.emit(rt, "net_http_request", session.sessionId(), domain, hp.host(), null, java.util.Map.of(
                "method", req.method().name(), "path", req.uri(), "resolved_ip", shownIp));
        if (!res.permitted()) {
            ReferenceCountUtil.release(req);
            rt.counters().denied();
            NetEvents.netConnect(rt, session.sessionId(), domain, hp.host(), res.decision(), req.method().name(),
                    shown, res.redirect());
            fail(HttpResponseStatus.FORBIDDEN, denyBody(res.decision()));
            return;
        }
        rt.counters().allowed();
        if (reuse) { // same host:port on a live upstream connection: its net_connect was already recorded
            sendRequest(req);
            return;
        }
        if (upstream != null) { upstream.close(); upstream = null; }
        Admission.dial(rt, session, ctx.channel().eventLoop(), res, hp.port(), domain, hp.authority(),
                new ChannelInitializer<Channel>() {
            @Override protected void initChannel(Channel ch) {
                ch.pipeline().addLast("codec", new HttpClientCodec());
                ch.pipeline().addLast("upstream", new UpstreamHandler());
            }
        }, (ch, addr, redirected, error) -> {
            if (ch == null) {
                ReferenceCountUtil.release(req);
                rt.counters().upstreamFailed();
                fail(HttpResponseStatus.BAD_GATEWAY, "upstream unreachable\n");
                return;
            }
            if (!ctx.channel().isActive()) { ReferenceCountUtil.release(req); ch.close(); return; }
            NetEvents.netConnect(rt, session.sessionId(), domain, hp.host(), res.decision(), req.method().name(), addr,
                    redirected ? res.redirect() : null);
            upstream = ch;
            // Responses are read as they come (no read()/epoll re-arm per response); a client that
            // cannot take more turns reading off until it drains (channelWritabilityChanged).
            ch.config().setAutoRead(true);
            upstreamHost = hp.host();
            upstreamPort = hp.port();
            upstreamAddress = addr; // null for a unix-socket target: such a connection is never reused
            upstreamCandidates = addr == null ? null : List.of(addr);
            upstreamIp = addr == null ? null : addr.getHostAddress();
            upstreamRedirect = redirected ? res.redirect() : null;
            sendRequest(req);
        });
    }

    private void sendRequest(HttpRequest req) {
        upstreamReusable = true;
        responseStarted = false;
        upstream.write(req, upstream.voidPromise());
        if (req instanceof LastHttpContent) {
            upstream.flush();
            state = State.AWAITING_RESPONSE;
        } else {
            state = State.SENDING_BODY;
            drain();
        }
        updateReading();
    }

    /** Receives the upstream response and streams it to the client. */
    private final class UpstreamHandler extends ChannelInboundHandlerAdapter {
        private boolean informational;
        private boolean closeClientAfter;

        @Override
        public void channelRead(ChannelHandlerContext uctx, Object msg) {
            Channel client = ctx.channel();
            if (uctx.channel() != upstream || (state != State.AWAITING_RESPONSE && state != State.SENDING_BODY)) {
                // nothing was asked of this connection: a stray answer is not passed to the client
                ReferenceCountUtil.release(msg);
                uctx.close();
                return;
            }
            if (msg instanceof HttpResponse resp) {
                responseStarted = true;
                informational = resp.status().codeClass() == io.netty.handler.codec.http.HttpStatusClass.INFORMATIONAL
                        && resp.status().code() != 101;
                if (!informational) {
                    upstreamReusable = HttpUtil.isKeepAlive(resp);
                    boolean framed = HttpUtil.isContentLengthSet(resp) || HttpUtil.isTransferEncodingChunked(resp)
                            || resp.status().code() == 204 || resp.status().code() == 304;
                    closeClientAfter = !clientKeepAlive || !framed;
                    stripHopByHop(resp.headers());
                    if (closeClientAfter) resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    else if (resp.protocolVersion().equals(HttpVersion.HTTP_1_0)) {
                        resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                    }
                }
            }
            if (msg instanceof HttpContent c) rt.counters().relayed(c.content().readableBytes());
            client.write(msg, client.voidPromise());
            clientUnflushed = true;
            if (msg instanceof LastHttpContent && !informational) finish();
            else if (msg instanceof LastHttpContent) informational = false;
        }

        private void finish() {
            Channel client = ctx.channel();
            if (!upstreamReusable) {
                Channel u = upstream;
                upstream = null;
                if (u != null) u.close();
            }
            if (closeClientAfter || state == State.SENDING_BODY) {
                state = State.CLOSING;
                client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            clientUnflushed = false;
            client.flush();
            state = State.IDLE;
            drain();
            updateReading();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext uctx) {
            if (clientUnflushed) {
                clientUnflushed = false;
                ctx.channel().flush();
            }
            if (!ctx.channel().isWritable()) uctx.channel().config().setAutoRead(false);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext uctx) {
            if (state == State.SENDING_BODY) updateReading();
        }

        @Override
        public void channelInactive(ChannelHandlerContext uctx) {
            if (uctx.channel() != upstream) return; // an old connection we already let go
            upstream = null;
            if (state == State.AWAITING_RESPONSE || state == State.SENDING_BODY) {
                if (!responseStarted) {
                    rt.counters().upstreamFailed();
                    fail(HttpResponseStatus.BAD_GATEWAY, "upstream closed the connection\n");
                } else {
                    state = State.CLOSING;
                    ctx.channel().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext uctx, Throwable cause) {
            uctx.close();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && upstream != null) upstream.config().setAutoRead(true);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSING;
        releaseInbound();
        if (upstream != null) upstream.close();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    // ---------------------------------------------------------------- helpers

    /** Answers with a short text body and closes: used for 400, 403 and 502. */
    private void fail(HttpResponseStatus status, String body) {
        state = State.CLOSING;
        releaseInbound();
        updateReading();
        if (!ctx.channel().isActive()) return;
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
    }

    private void dropInboundBody() {
        while (!inbound.isEmpty() && !(inbound.peek() instanceof HttpRequest)) ReferenceCountUtil.release(inbound.poll());
    }

    private void releaseInbound() {
        HttpObject o;
        while ((o = inbound.poll()) != null) ReferenceCountUtil.release(o);
    }

    /** AsciiString names: their hash is computed once, not per request. */
    private static final io.netty.util.AsciiString[] HOP_BY_HOP = {HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.PROXY_CONNECTION, HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION,
            HttpHeaderNames.TE, HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE};

    /** Removes hop-by-hop headers (RFC 9110 §7.6.1), including those the Connection header names. */
    static void stripHopByHop(HttpHeaders h) {
        if (h.contains(HttpHeaderNames.CONNECTION)) stripConnectionTokens(h);
        for (io.netty.util.AsciiString n : HOP_BY_HOP) h.remove(n);
    }

    private static void stripConnectionTokens(HttpHeaders h) {
        for (String v : h.getAll(HttpHeaderNames.CONNECTION)) {
            for (String token : v.split(",")) {
                String t = token.strip().toLowerCase(Locale.ROOT);
                if (!t.isEmpty() && !t.equals("close") && !t.equals("keep-alive")) h.remove(t);
            }
        }
    }
}
