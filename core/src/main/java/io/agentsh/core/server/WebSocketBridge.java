package io.agentsh.core.server;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * Upgrades an HTTP connection to a WebSocket and connects its frames to a {@link WebSocketBody}.
 * The server pings every 54 s and closes a connection that sent nothing for 60 s (the
 * reference's timings); frames are aggregated up to 1 MiB.
 */
final class WebSocketBridge extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger LOG = Logger.getLogger(WebSocketBridge.class.getName());
    private static final int MAX_FRAME = 1 << 20;
    private static final long PING_SECONDS = 54, IDLE_SECONDS = 60;

    private final WebSocketServerHandshaker handshaker;
    private final WebSocketBody.Handler handler;
    private final AtomicBoolean closed = new AtomicBoolean();

    private WebSocketBridge(WebSocketServerHandshaker handshaker, WebSocketBody.Handler handler) {
        this.handshaker = handshaker;
        this.handler = handler;
    }

    /** Completes the handshake for {@code req} on {@code ch} (reading is off until it is done). */
    static void upgrade(Channel ch, FullHttpRequest req, WebSocketBody body, io.netty.channel.ChannelHandler replaced) {
        ch.eventLoop().execute(() -> {
            String url = "ws://" + req.headers().get("Host", "localhost") + req.uri();
            WebSocketServerHandshaker hs = new WebSocketServerHandshakerFactory(url, null, false, MAX_FRAME)
                    .newHandshaker(req);
            if (hs == null) {
                WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ch).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ch.pipeline().remove(replaced);
            hs.handshake(ch, req).addListener((ChannelFuture f) -> {
                if (!f.isSuccess()) {
                    ch.close();
                    return;
                }
                WebSocketBody.Handler h = body.open(new NettyWebSocketChannel(ch, hs));
                ch.pipeline().addLast(new IdleStateHandler(IDLE_SECONDS, PING_SECONDS, 0, TimeUnit.SECONDS));
                ch.pipeline().addLast(new WebSocketFrameAggregator(MAX_FRAME));
                ch.pipeline().addLast(new WebSocketBridge(hs, h));
                ch.config().setAutoRead(true);
                ch.read();
            });
        });
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        switch (frame) {
            case TextWebSocketFrame t -> handler.text(t.text());
            case BinaryWebSocketFrame b -> handler.binary(ByteBufUtil.getBytes(b.content()));
            case PingWebSocketFrame p -> ctx.writeAndFlush(new PongWebSocketFrame(p.content().retain()));
            case CloseWebSocketFrame c -> handshaker.close(ctx.channel(), c.retain());
            default -> { } // pong: the read itself resets the idle timer
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent e) {
            switch (e.state()) {
                case WRITER_IDLE -> ctx.writeAndFlush(new PingWebSocketFrame(Unpooled.EMPTY_BUFFER));
                case READER_IDLE -> ctx.close();
                default -> { }
            }
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (closed.compareAndSet(false, true)) handler.closed();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.fine("websocket error: " + cause);
        ctx.close();
    }

    private record NettyWebSocketChannel(Channel ch, WebSocketServerHandshaker hs) implements WebSocketChannel {
        private static final long WRITE_WAIT_MS = 30_000;

        @Override
        public boolean sendText(String text) {
            if (!ch.isActive()) return false;
            ch.writeAndFlush(new TextWebSocketFrame(text));
            return true;
        }

        @Override
        public boolean sendBinary(byte[] data, int off, int len) {
            if (!ch.isActive()) return false;
            ChannelFuture f = ch.writeAndFlush(new BinaryWebSocketFrame(Unpooled.copiedBuffer(data, off, len)));
            // A slow client: wait for the write instead of queueing without bound.
            if (!ch.isWritable() && !ch.eventLoop().inEventLoop()) f.awaitUninterruptibly(WRITE_WAIT_MS);
            return ch.isActive();
        }

        @Override
        public void reading(boolean on) {
            ch.config().setAutoRead(on);
            if (on) ch.read();
        }

        @Override
        public void close() {
            if (ch.isActive()) hs.close(ch, new CloseWebSocketFrame(1000, ""));
        }

        @Override
        public boolean isOpen() {
            return ch.isActive();
        }
    }
}
