package io.agentsh.core.server;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Copies a decoded request off the event loop and writes the worker's answer back. */
final class ApiChannelHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = Logger.getLogger(ApiChannelHandler.class.getName());

    private final Dispatcher dispatcher;
    private final ExecutorService workers;
    private final boolean unixSocket;

    ApiChannelHandler(Dispatcher dispatcher, ExecutorService workers, boolean unixSocket) {
        this.dispatcher = dispatcher;
        this.workers = workers;
        this.unixSocket = unixSocket;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            write(ctx.channel(), false, ApiResponse.text(400, ApiResponse.TEXT, "400 Bad Request\n"));
            return;
        }
        QueryStringDecoder qs = new QueryStringDecoder(req.uri());
        Map<String, String> headers = new HashMap<>();
        req.headers().forEach(e -> headers.putIfAbsent(e.getKey().toLowerCase(Locale.ROOT), e.getValue()));
        byte[] body = ByteBufUtil.getBytes(req.content());
        int pid = -1;
        int uid = -1;
        String remote;
        int remotePort = -1;
        int localPort = -1;
        Channel ch = ctx.channel();
        if (unixSocket && ch instanceof EpollDomainSocketChannel dch) {
            try {
                PeerCredentials pc = dch.peerCredentials();
                pid = pc.pid();
                uid = pc.uid();
            } catch (java.io.IOException e) {
                LOG.warning("SO_PEERCRED failed: " + e.getMessage());
            }
            remote = "unix:pid=" + pid;
        } else {
            InetSocketAddress ra = (InetSocketAddress) ch.remoteAddress();
            InetSocketAddress la = (InetSocketAddress) ch.localAddress();
            remote = ra.getAddress().getHostAddress() + ":" + ra.getPort();
            remotePort = ra.getPort();
            localPort = la.getPort();
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        // One request at a time per connection: responses must go out in request order, so the
        // next request is not read until this one is answered.
        ch.config().setAutoRead(false);
        Dispatcher.Incoming in = new Dispatcher.Incoming(req.method().name(), qs.path(), qs.parameters(), headers,
                body, unixSocket, pid, uid, remote, remotePort, localPort);
        // A WebSocket upgrade needs the request's headers after this method returns (the request is released).
        FullHttpRequest upgrade = "websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))
                ? new DefaultFullHttpRequest(req.protocolVersion(), req.method(), req.uri(), Unpooled.EMPTY_BUFFER,
                        req.headers().copy(), req.trailingHeaders().copy())
                : null;
        try {
            workers.execute(() -> {
                ApiResponse resp = dispatcher.dispatch(in);
                if (resp.socket() != null && upgrade != null) WebSocketBridge.upgrade(ch, upgrade, resp.socket(), this);
                else if (resp.socket() != null) write(ch, false, ApiResponse.error(400, "websocket upgrade required"));
                else if (resp.stream() != null) stream(ch, keepAlive, resp);
                else write(ch, keepAlive, resp);
            });
        } catch (RejectedExecutionException e) {
            write(ch, false, ApiResponse.error(503, "server shutting down"));
        }
    }

    private static void write(Channel ch, boolean keepAlive, ApiResponse r) {
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                Unpooled.wrappedBuffer(r.body()));
        if (r.contentType() != null) resp.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        if (r.status() != 204) resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
        if (keepAlive) resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        else resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ChannelFuture f = ch.writeAndFlush(resp);
        if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
        else f.addListener(done -> resume(ch));
    }

    /**
     * Server-sent events: chunked, one frame per send, ends with the body producer. The connection then
     * serves the client's next request when it asked for keep-alive: a pooling client (java.net.http)
     * reuses it at once, and closing it under that client lost the next request.
     */
    private static void stream(Channel ch, boolean keepAlive, ApiResponse r) {
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
        head.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        head.headers().set(HttpHeaderNames.CONNECTION,
                keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        HttpUtil.setTransferEncodingChunked(head, true);
        ch.writeAndFlush(head);
        SseChannel sse = new SseChannel() {
            @Override
            public boolean send(String event, String data) {
                if (!ch.isActive()) return false;
                StringBuilder sb = new StringBuilder(data.length() + 32);
                if (event != null) sb.append("event: ").append(event).append('\n');
                sb.append("data: ").append(data).append("\n\n");
                ch.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(
                        sb.toString().getBytes(StandardCharsets.UTF_8))));
                return true;
            }

            @Override
            public boolean isOpen() {
                return ch.isActive();
            }
        };
        try {
            r.stream().run(sse);
        } catch (Exception e) {
            LOG.log(Level.WARNING, "event stream failed", e);
        } finally {
            ChannelFuture last = ch.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (keepAlive) last.addListener(done -> resume(ch));
            else last.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static void resume(Channel ch) {
        if (ch.isActive()) {
            ch.config().setAutoRead(true);
            ch.read();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.fine("connection error: " + cause);
        ctx.close();
    }
}
