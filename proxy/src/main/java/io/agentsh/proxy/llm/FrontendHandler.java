package io.agentsh.proxy.llm;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentsh.proxy.dlp.BodyRedaction;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.pool.ChannelPool;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpContentException;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of the proxy. The pipeline, in the reference's order: route to the session,
 * dialect from headers (400 if none), request and token limits (429 + Retry-After), DLP on the
 * body (403 in block mode), pick the upstream, log the request, forward on a pooled connection.
 * One exchange at a time per client connection (reading pauses until the response is done).
 */
final class FrontendHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final JsonFactory JSON = new JsonFactory();
    /** Request headers that identify the hop or this proxy, dropped before forwarding. */
    private static final Set<String> DROPPED = Set.of("host", "content-length", "accept-encoding", "x-session-id",
            "x-llm-dialect", "x-forwarded-host", "expect");

    private final LlmProxy proxy;
    /** For an intercepted TLS connection: its session and provider; null on the loopback listener. */
    private final LlmProxy.Route fixedRoute;
    private Exchange current;

    FrontendHandler(LlmProxy proxy) {
        this(proxy, null);
    }

    FrontendHandler(LlmProxy proxy, LlmProxy.Route fixedRoute) {
        this.proxy = proxy;
        this.fixedRoute = fixedRoute;
    }

    /** Requests a client sent before the previous response was done (HTTP pipelining), answered in order. */
    private final java.util.ArrayDeque<FullHttpRequest> queued = new java.util.ArrayDeque<>();
    private boolean busy;

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (busy) {
            queued.add(req.retain());
            return;
        }
        busy = true;
        handle(ctx, req);
    }

    /** The response to the current request is written: take the next queued one, or read again. */
    private void responseWritten(ChannelHandlerContext ctx) {
        busy = false;
        current = null;
        FullHttpRequest next = queued.poll();
        if (next == null) {
            ctx.channel().config().setAutoRead(true);
            return;
        }
        busy = true;
        try {
            handle(ctx, next);
        } finally {
            next.release();
        }
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!req.decoderResult().isSuccess()) {
            reply(ctx, ErrorResponses.of(null, HttpResponseStatus.BAD_REQUEST, "malformed HTTP request", false, 0), false);
            return;
        }
        LlmProxy.Route route = fixedRoute == null ? proxy.route(req.uri(), req.headers())
                : req.uri().startsWith("/") ? fixedRoute.withPath(req.uri()) : null;
        if (route == null) {
            reply(ctx, ErrorResponses.of(null, HttpResponseStatus.NOT_FOUND,
                    "no agentsh session at this path (use the session's ANTHROPIC_BASE_URL / OPENAI_BASE_URL)", keepAlive, 0), keepAlive);
            return;
        }
        LlmSession session = route.session();
        Dialect dialect = Dialect.detect(req.headers());
        String requestId = "req_" + HexFormat.of().formatHex(randomBytes());
        long start = System.nanoTime();
        if (dialect == null) {
            reply(ctx, ErrorResponses.of(null, HttpResponseStatus.BAD_REQUEST, "unknown LLM dialect", keepAlive, 0), keepAlive);
            return;
        }
        RateLimiter.Refusal refusal = session.limiter.admit(start);
        if (refusal != null) {
            reply(ctx, ErrorResponses.of(dialect, HttpResponseStatus.TOO_MANY_REQUESTS, refusal.message(), keepAlive,
                    refusal.retryAfterSeconds()), keepAlive);
            proxy.emitRejected(session, requestId, dialect, req.method().name(), req.uri(), 429, refusal.message());
            return;
        }
        session.totalRequests.incrementAndGet();
        byte[] body = ByteBufUtil.getBytes(req.content());
        Incoming in = new Incoming(req.method(), req.uri(), req.headers().copy(), keepAlive);
        ctx.channel().config().setAutoRead(false);
        if (body.length < LlmProxy.INLINE_DLP_LIMIT) {
            forward(ctx, in, route, session, dialect, requestId, start, session.redactor.redactBody(body));
        } else {
            // Scanning megabytes would stall every connection on this event loop: do it aside.
            proxy.dlpExecutor().execute(() -> {
                BodyRedaction dlp = session.redactor.redactBody(body);
                ctx.executor().execute(() -> forward(ctx, in, route, session, dialect, requestId, start, dlp));
            });
        }
    }

    /** What the rest of the pipeline needs of a request once its buffer is released. */
    private record Incoming(io.netty.handler.codec.http.HttpMethod method, String uri, HttpHeaders headers,
                            boolean keepAlive) {
    }

    private void forward(ChannelHandlerContext ctx, Incoming req, LlmProxy.Route route, LlmSession session, Dialect dialect,
                         String requestId, long start, BodyRedaction dlp) {
        boolean keepAlive = req.keepAlive();
        if (!ctx.channel().isActive()) {
            session.limiter.finished(Usage.NONE, System.nanoTime());
            return;
        }
        if (!dlp.redactions().isEmpty()) {
            session.requestsWithRedactions.incrementAndGet();
        }
        if (dlp.blocked()) {
            session.limiter.finished(Usage.NONE, System.nanoTime());
            reply(ctx, ErrorResponses.of(dialect, HttpResponseStatus.FORBIDDEN, "request " + dlp.blockReason(), keepAlive, 0),
                    keepAlive);
            proxy.emitRejected(session, requestId, dialect, req.method().name(), req.uri(), 403, dlp.blockReason());
            return;
        }
        Upstreams.Origin origin = route.origin() != null ? route.origin() : proxy.origin(dialect, req.headers());
        String upstreamPath = origin.basePath() + route.path();
        if (origin.basePath().equals("/backend-api") && route.path().startsWith("/backend-api")) {
            upstreamPath = route.path();
        }
        String model = modelOf(dlp.body());

        FullHttpRequest up = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, req.method(), upstreamPath,
                Unpooled.wrappedBuffer(dlp.body()));
        for (Map.Entry<String, String> h : req.headers()) {
            String name = h.getKey().toLowerCase();
            if (!DROPPED.contains(name) && !Exchange.HOP_BY_HOP.contains(name)) {
                up.headers().add(h.getKey(), h.getValue());
            }
        }
        up.headers().set(HttpHeaderNames.HOST, origin.hostHeader());
        up.headers().set(HttpHeaderNames.CONTENT_LENGTH, dlp.body().length);
        up.headers().set(HttpHeaderNames.ACCEPT_ENCODING, HttpHeaderValues.IDENTITY);   // so responses can be scanned
        up.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);

        logRequest(session, requestId, dialect, req, route.path(), model, dlp);
        if (proxy.settings().storeBodies()) {
            session.log.appendBody(requestId + ".json", dlp.body());
        }
        Exchange ex = new Exchange(proxy, session, requestId, dialect, ctx, keepAlive, start, req.method().name(),
                route.path(), model, dlp.redactions(), proxy.settings().maxBodyBytes(), () -> responseWritten(ctx));
        current = ex;
        ChannelPool pool = proxy.upstreams().pool(origin, ctx.channel().eventLoop());
        pool.acquire().addListener((Future<Channel> f) -> {
            if (!f.isSuccess()) {
                up.release();
                ex.upstreamFailed("cannot reach " + origin.hostHeader() + ": " + f.cause().getMessage());
                return;
            }
            Channel ch = f.getNow();
            ex.attach(ch, pool);
            ch.attr(Upstreams.EXCHANGE).set(ex);
            ch.writeAndFlush(up).addListener((ChannelFutureListener) w -> {
                if (!w.isSuccess()) {
                    ex.upstreamFailed("cannot send to " + origin.hostHeader() + ": " + w.cause().getMessage());
                }
            });
        });
    }

    private void logRequest(LlmSession session, String requestId, Dialect dialect, Incoming req, String path,
                            String model, BodyRedaction dlp) {
        ObjectNode e = proxy.log().newEntry();
        e.put("id", requestId);
        e.put("session_id", session.id);
        e.put("timestamp", Instant.now().toString());
        e.put("dialect", dialect.wireName());
        ObjectNode r = e.putObject("request");
        r.put("method", req.method().name());
        r.put("path", path);
        r.set("headers", Exchange.headersJson(req.headers()));
        r.put("body_size", dlp.body().length);
        r.put("body_hash", Exchange.hash(dlp.body()));
        if (model != null) {
            e.put("model", model);
        }
        e.putObject("dlp").set("redactions", Exchange.redactionsJson(dlp.redactions()));
        session.log.append(e);
    }

    /** The top-level "model" of a JSON body, read without building a tree. */
    static String modelOf(byte[] body) {
        try (JsonParser p = JSON.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                t = p.nextToken();
                if ("model".equals(name) && t == JsonToken.VALUE_STRING) {
                    return p.getText();
                }
                p.skipChildren();
            }
        } catch (IOException notJson) {
            return null;
        }
        return null;
    }

    private static byte[] randomBytes() {
        byte[] b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        return b;
    }

    private void reply(ChannelHandlerContext ctx, FullHttpResponse resp, boolean keepAlive) {
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(resp).addListener(keepAlive ? (ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                responseWritten(ctx);
            } else {
                f.channel().close();
            }
        } : ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable() && current != null) {
            current.clientWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (current != null) {
            current.clientGone();
        }
        FullHttpRequest q;
        while ((q = queued.poll()) != null) {
            q.release();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongHttpContentException || cause.getCause() instanceof TooLongHttpContentException) {
            reply(ctx, ErrorResponses.of(null, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "request body too large", false, 0), false);
            return;
        }
        ctx.close();
    }

    static Map<String, Object> fields(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < kv.length; i += 2) {
            if (kv[i + 1] != null) {
                m.put((String) kv[i], kv[i + 1]);
            }
        }
        return m;
    }
}
