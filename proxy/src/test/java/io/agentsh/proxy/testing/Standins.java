package io.agentsh.proxy.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslContext;
import io.agentsh.proxy.net.Transports;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * HTTP(S) stand-ins answering {@code standin <marker> local=<addr>}: a forbidden address that
 * answers is how a test notices an enforcement failure.
 */
public final class Standins implements AutoCloseable {
    private final EventLoopGroup group;
    private final List<Channel> channels = new ArrayList<>();
    public final AtomicInteger connections = new AtomicInteger();
    /** Request targets the HTTP stand-ins answered (complete requests only). */
    public final List<String> uris = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Standins(EventLoopGroup group) {
        this.group = group;
    }

    public Channel http(InetSocketAddress bind, String marker) {
        return serve(bind, marker, null);
    }

    public Channel https(InetSocketAddress bind, String marker, SslContext ssl) {
        return serve(bind, marker, ssl);
    }

    private Channel serve(InetSocketAddress bind, String marker, SslContext ssl) {
        Channel ch = new ServerBootstrap().group(group).channel(Transports.server())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        connections.incrementAndGet();
                        if (ssl != null) c.pipeline().addLast(ssl.newHandler(c.alloc()));
                        c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                new SimpleChannelInboundHandler<FullHttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                                        uris.add(req.uri());
                                        String body = "standin " + marker + " local="
                                                + ((InetSocketAddress) ctx.channel().localAddress()).getAddress().getHostAddress()
                                                + " uri=" + req.uri() + " host=" + req.headers().get(HttpHeaderNames.HOST)
                                                + " reqbody=" + req.content().toString(StandardCharsets.UTF_8)
                                                + (ssl == null ? "" : " sni=" + sni(ctx)) + "\n";
                                        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                HttpResponseStatus.OK, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
                                        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
                                        boolean keep = HttpUtil.isKeepAlive(req);
                                        HttpUtil.setKeepAlive(r, keep);
                                        var f = ctx.writeAndFlush(r);
                                        if (!keep) f.addListener(ChannelFutureListener.CLOSE);
                                    }
                                });
                    }
                }).bind(bind).syncUninterruptibly().channel();
        channels.add(ch);
        return ch;
    }

    /** The server name the TLS client asked for (SNI), or "-". */
    private static String sni(ChannelHandlerContext ctx) {
        var h = ctx.pipeline().get(io.netty.handler.ssl.SslHandler.class);
        if (h != null && h.engine().getSession() instanceof javax.net.ssl.ExtendedSSLSession es) {
            for (var n : es.getRequestedServerNames()) {
                if (n instanceof javax.net.ssl.SNIHostName hn) return hn.getAsciiName();
            }
        }
        return "-";
    }

    /** A raw TCP stand-in that writes {@code marker} and closes: for non-HTTP clients. */
    public Channel tcpMarker(InetSocketAddress bind, String marker) {
        Channel ch = new ServerBootstrap().group(group).channel(Transports.server())
                .childHandler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        connections.incrementAndGet();
                        ctx.writeAndFlush(Unpooled.copiedBuffer(marker + "\n", StandardCharsets.UTF_8))
                                .addListener(ChannelFutureListener.CLOSE);
                    }
                }).bind(bind).syncUninterruptibly().channel();
        channels.add(ch);
        return ch;
    }

    /** Reads until the client half-closes, then answers {@code got N bytes} and closes: tests FIN propagation. */
    public Channel countUntilEof(InetSocketAddress bind) {
        Channel ch = new ServerBootstrap().group(group).channel(Transports.server())
                .childOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                            long n;

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                n += ((io.netty.buffer.ByteBuf) msg).readableBytes();
                                ((io.netty.buffer.ByteBuf) msg).release();
                            }

                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
                                    ctx.writeAndFlush(Unpooled.copiedBuffer("got " + n + " bytes\n", StandardCharsets.UTF_8))
                                            .addListener(ChannelFutureListener.CLOSE);
                                }
                            }
                        });
                    }
                }).bind(bind).syncUninterruptibly().channel();
        channels.add(ch);
        return ch;
    }

    @Override
    public void close() {
        for (Channel c : channels) c.close().syncUninterruptibly();
    }
}
