package io.agentsh.proxy.llm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentsh.proxy.dlp.BodyRedaction;
import io.agentsh.proxy.dlp.FieldRedaction;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.pool.ChannelPool;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One request/response pair in flight: relays the upstream response to the client (SSE event
 * by event, anything else buffered up to the body limit and redacted whole), then logs the pair,
 * charges the tokens and hands the connection back to the pool. All methods run on the
 * upstream channel's event loop.
 */
final class Exchange {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Headers that describe one hop, not the message; never forwarded. */
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

    private final LlmProxy proxy;
    final LlmSession session;
    final String requestId;
    final Dialect dialect;
    private final ChannelHandlerContext client;
    private final boolean clientKeepAlive;
    private final long startNanos;
    private final String method;
    private final String path;
    private final String model;
    private final List<FieldRedaction> requestRedactions;
    private final int maxBodyBytes;
    private final Runnable onResponseWritten;

    private Channel upstream;
    private ChannelPool pool;
    private boolean upstreamReusable;
    private HttpResponse head;
    private SseRelay sse;
    private UsageTracker usage = new UsageTracker();
    private CompositeByteBuf body;
    private MessageDigest streamedHash;
    private long streamedBytes;
    private boolean done;

    Exchange(LlmProxy proxy, LlmSession session, String requestId, Dialect dialect, ChannelHandlerContext client,
             boolean clientKeepAlive, long startNanos, String method, String path, String model,
             List<FieldRedaction> requestRedactions, int maxBodyBytes, Runnable onResponseWritten) {
        this.proxy = proxy;
        this.session = session;
        this.requestId = requestId;
        this.dialect = dialect;
        this.client = client;
        this.clientKeepAlive = clientKeepAlive;
        this.startNanos = startNanos;
        this.method = method;
        this.path = path;
        this.model = model;
        this.requestRedactions = requestRedactions;
        this.maxBodyBytes = maxBodyBytes;
        this.onResponseWritten = onResponseWritten;
    }

    void attach(Channel upstream, ChannelPool pool) {
        this.upstream = upstream;
        this.pool = pool;
    }

    void onUpstream(Object msg) {
        try {
            if (done) {
                return;
            }
            if (msg instanceof HttpResponse r) {
                onHead(r);
            }
            if (msg instanceof HttpContent c) {
                onContent(c);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpResponse r) {
        head = r;
        upstreamReusable = HttpUtil.isKeepAlive(r);
        String type = r.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (type.toLowerCase().startsWith("text/event-stream")) {
            sse = new SseRelay(session.redactor, usage, maxBodyBytes);
            streamedHash = sha256();
            HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, r.status());
            copyHeaders(r.headers(), out.headers());
            out.headers().remove(HttpHeaderNames.CONTENT_LENGTH);
            HttpUtil.setTransferEncodingChunked(out, true);
            setClientConnection(out);
            client.writeAndFlush(out);
        } else {
            body = Unpooled.compositeBuffer(Integer.MAX_VALUE);
        }
    }

    private void onContent(HttpContent c) {
        ByteBuf content = c.content();
        if (sse != null) {
            String out = sse.onBytes(content);
            writeStreamed(out);
            if (sse.blockReason() != null) {
                finishStream();
                return;
            }
        } else if (body != null) {
            if (body.readableBytes() + content.readableBytes() > maxBodyBytes) {
                upstreamReusable = false;
                respondError(HttpResponseStatus.BAD_GATEWAY, "upstream response larger than " + maxBodyBytes + " bytes");
                return;
            }
            body.addComponent(true, content.retain());
        }
        if (c instanceof LastHttpContent) {
            if (sse != null) {
                writeStreamed(sse.finish());
                finishStream();
            } else {
                finishBuffered();
            }
        }
    }

    private void writeStreamed(String out) {
        if (out.isEmpty()) {
            return;
        }
        byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
        if (proxy.settings().storeBodies()) {
            session.log.appendBody(requestId + ".resp.json", bytes);
        }
        streamedHash.update(bytes);
        streamedBytes += bytes.length;
        client.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes)));
        if (!client.channel().isWritable()) {
            upstream.config().setAutoRead(false);   // resumed by the client's writability change
        }
    }

    void clientWritable() {
        if (upstream != null && !done && sse != null) {
            upstream.config().setAutoRead(true);
        }
    }

    private void finishStream() {
        if (sse.blockReason() != null) {
            upstreamReusable = false;   // the rest of the upstream stream is abandoned
        }
        // Logged before the last write, so a client that has the whole response also finds it in the log.
        complete(head.status().code(), head.headers(), streamedBytes,
                "sha256:" + HexFormat.of().formatHex(streamedHash.digest()), sse.redactions(), sse.blockReason());
        client.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(closeUnlessKeepAlive());
    }

    private void finishBuffered() {
        releaseUpstream();   // the response is complete: the connection is free even while we scan
        byte[] bytes = ByteBufUtil.getBytes(body);
        body.release();
        body = null;
        try {
            usage.onBody(bytes.length == 0 ? null : JSON.readTree(bytes));
        } catch (java.io.IOException notJson) {
            // no usage in a non-JSON body
        }
        if (bytes.length < LlmProxy.INLINE_DLP_LIMIT) {
            sendBuffered(session.redactor.redactBody(bytes));
        } else {
            proxy.dlpExecutor().execute(() -> {
                BodyRedaction r = session.redactor.redactBody(bytes);
                client.executor().execute(() -> sendBuffered(r));
            });
        }
    }

    private void sendBuffered(BodyRedaction r) {
        if (done) {
            return;
        }
        if (r.blocked()) {
            respondError(HttpResponseStatus.FORBIDDEN, "response " + r.blockReason());
            return;
        }
        byte[] out = r.body();
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, head.status(), Unpooled.wrappedBuffer(out));
        copyHeaders(head.headers(), resp.headers());
        resp.headers().set(HttpHeaderNames.CONTENT_LENGTH, out.length);
        setClientConnection(resp);
        if (proxy.settings().storeBodies()) {
            session.log.appendBody(requestId + ".resp.json", out);
        }
        complete(head.status().code(), head.headers(), out.length, hash(out), r.redactions(), null);
        client.writeAndFlush(resp).addListener(closeUnlessKeepAlive());
    }

    /** The upstream failed before or during the response. */
    void upstreamFailed(String why) {
        if (done) {
            return;
        }
        upstreamReusable = false;
        if (head == null) {
            respondError(why.contains("timed out") ? HttpResponseStatus.GATEWAY_TIMEOUT : HttpResponseStatus.BAD_GATEWAY,
                    "proxy error: " + why);
        } else {
            // Headers already went out: all we can do is end the client's stream.
            client.close();
            complete(head.status().code(), head.headers(), streamedBytes, "", List.of(), why);
        }
    }

    /** The client went away: abandon the upstream connection. */
    void clientGone() {
        if (!done) {
            upstreamReusable = false;
            complete(499, null, streamedBytes, "", List.of(), "client closed the connection");
        }
    }

    private void respondError(HttpResponseStatus status, String message) {
        complete(status.code(), null, 0, "", List.of(), message);
        client.writeAndFlush(ErrorResponses.of(dialect, status, message, clientKeepAlive, 0))
                .addListener(closeUnlessKeepAlive());
    }

    private ChannelFutureListener closeUnlessKeepAlive() {
        return f -> {
            if (!clientKeepAlive || !f.isSuccess()) {
                f.channel().close();
            } else {
                onResponseWritten.run();   // ready for the client's next request
            }
        };
    }

    private void setClientConnection(HttpResponse out) {
        out.headers().set(HttpHeaderNames.CONNECTION, clientKeepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
    }

    private void complete(int status, HttpHeaders headers, long size, String bodyHash, List<FieldRedaction> redactions,
                          String error) {
        done = true;
        if (body != null) {
            body.release();
            body = null;
        }
        releaseUpstream();
        Usage u = usage.usage();
        long now = System.nanoTime();
        session.limiter.finished(u, now);
        long durationMs = (now - startNanos) / 1_000_000;
        if (u != null) {
            session.inputTokens.addAndGet(u.inputTokens());
            session.outputTokens.addAndGet(u.outputTokens());
        }
        ObjectNode entry = proxy.log().newEntry();
        entry.put("request_id", requestId);
        entry.put("session_id", session.id);
        entry.put("timestamp", Instant.now().toString());
        entry.put("duration_ms", durationMs);
        ObjectNode resp = entry.putObject("response");
        resp.put("status", status);
        if (headers != null) {
            resp.set("headers", headersJson(headers));
        }
        resp.put("body_size", size);
        resp.put("body_hash", bodyHash);
        if (u != null) {
            entry.putObject("usage").put("input_tokens", u.inputTokens()).put("output_tokens", u.outputTokens());
        }
        if (!redactions.isEmpty()) {
            entry.putObject("dlp").set("redactions", redactionsJson(redactions));
        }
        if (error != null) {
            entry.put("error", error);
        }
        session.log.append(entry);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("request_id", requestId);
        f.put("dialect", dialect.wireName());
        f.put("method", method);
        f.put("path", path);
        if (model != null) {
            f.put("model", model);
        }
        f.put("status", status);
        f.put("duration_ms", durationMs);
        f.put("input_tokens", u == null ? 0 : u.inputTokens());
        f.put("output_tokens", u == null ? 0 : u.outputTokens());
        List<Map<String, Object>> dlp = new ArrayList<>();
        for (FieldRedaction r : requestRedactions) {
            dlp.add(Map.of("direction", "request", "field", r.field(), "type", r.type(), "count", r.count()));
        }
        for (FieldRedaction r : redactions) {
            dlp.add(Map.of("direction", "response", "field", r.field(), "type", r.type(), "count", r.count()));
        }
        f.put("dlp_redactions", dlp);
        if (error != null) {
            f.put("error", error);
        }
        proxy.emit(new LlmEvent("llm_request", session.id, Instant.now(), f));
    }

    /** Detaches from the upstream connection: back to the pool if it can carry another request, else closed. */
    private void releaseUpstream() {
        if (upstream == null) {
            return;
        }
        Channel ch = upstream;
        upstream = null;
        ch.attr(Upstreams.EXCHANGE).set(null);
        ch.config().setAutoRead(true);
        if (!upstreamReusable) {
            ch.close();
        }
        pool.release(ch);
    }

    static ObjectNode headersJson(HttpHeaders headers) {
        ObjectNode h = JSON.createObjectNode();
        for (String name : headers.names()) {
            ArrayNode values = h.putArray(name);
            String lower = name.toLowerCase();
            if (lower.equals("authorization") || lower.equals("x-api-key") || lower.equals("api-key")) {
                values.add("[REDACTED]");
            } else {
                headers.getAll(name).forEach(values::add);
            }
        }
        return h;
    }

    static ArrayNode redactionsJson(List<FieldRedaction> redactions) {
        ArrayNode a = JSON.createArrayNode();
        for (FieldRedaction r : redactions) {
            a.addObject().put("field", r.field()).put("type", r.type()).put("count", r.count());
        }
        return a;
    }

    static void copyHeaders(HttpHeaders from, HttpHeaders to) {
        for (Map.Entry<String, String> e : from) {
            if (!HOP_BY_HOP.contains(e.getKey().toLowerCase())) {
                to.add(e.getKey(), e.getValue());
            }
        }
    }

    static String hash(byte[] b) {
        if (b.length == 0) {
            return "";
        }
        MessageDigest d = sha256();
        return "sha256:" + HexFormat.of().formatHex(d.digest(b));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode parseOrNull(byte[] b) {
        try {
            return JSON.readTree(b);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
