package io.agentsh.proxy.llm;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.ChannelPool;
import io.netty.channel.pool.SimpleChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Keep-alive connection pools to the providers, one per origin. HTTPS uses the JDK's TLS with
 * the system trust store (plus configured extra anchors) and checks the host name.
 */
final class Upstreams implements AutoCloseable {

    static final AttributeKey<Exchange> EXCHANGE = AttributeKey.valueOf("agentsh.llm.exchange");

    /** An upstream endpoint: scheme, host, port and the base path requests are appended to. */
    record Origin(boolean tls, String host, int port, String basePath) {
        static Origin of(URI u) {
            boolean tls = "https".equalsIgnoreCase(u.getScheme());
            if (!tls && !"http".equalsIgnoreCase(u.getScheme())) {
                throw new IllegalArgumentException("proxy.providers: '" + u + "' is not an http(s) URL");
            }
            if (u.getHost() == null) {
                throw new IllegalArgumentException("proxy.providers: '" + u + "' has no host");
            }
            int port = u.getPort() > 0 ? u.getPort() : tls ? 443 : 80;
            String path = u.getRawPath() == null ? "" : u.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            return new Origin(tls, u.getHost(), port, path);
        }

        String hostHeader() {
            String h = host.contains(":") ? "[" + host + "]" : host;
            return (tls && port == 443) || (!tls && port == 80) ? h : h + ":" + port;
        }

        Key key(EventLoop loop) {
            return new Key(tls, host, port, loop);
        }
    }

    private record Key(boolean tls, String host, int port, EventLoop loop) {
    }

    private final SslContext ssl;
    private final Duration timeout;
    private final Map<Key, ChannelPool> pools = new ConcurrentHashMap<>();

    Upstreams(List<X509Certificate> extraAnchors, Duration timeout) throws SSLException {
        this.timeout = timeout;
        this.ssl = SslContextBuilder.forClient().trustManager(trustManagers(extraAnchors)).build();
    }

    private static TrustManagerFactory trustManagers(List<X509Certificate> extra) throws SSLException {
        try {
            TrustManagerFactory system = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            system.init((KeyStore) null);
            if (extra.isEmpty()) {
                return system;
            }
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (var tm : system.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) {
                        ks.setCertificateEntry("system-" + i++, c);
                    }
                }
            }
            for (X509Certificate c : extra) {
                ks.setCertificateEntry("extra-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            return tmf;
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new SSLException("cannot build the upstream trust store: " + e.getMessage(), e);
        }
    }

    /**
     * The pool for an origin on the given event loop: a client connection and its upstream
     * connection share one loop, so an exchange is only ever touched by one thread.
     */
    ChannelPool pool(Origin o, EventLoop loop) {
        return pools.computeIfAbsent(o.key(loop), k -> {
            Bootstrap b = new Bootstrap().group(loop).channel(NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                    .remoteAddress(o.host(), o.port());
            return new SimpleChannelPool(b, new AbstractChannelPoolHandler() {
                @Override
                public void channelCreated(Channel ch) {
                    if (o.tls()) {
                        SSLEngine engine = ssl.newEngine(ch.alloc(), o.host(), o.port());
                        SSLParameters p = engine.getSSLParameters();
                        p.setEndpointIdentificationAlgorithm("HTTPS");   // check the certificate names this host
                        engine.setSSLParameters(p);
                        ch.pipeline().addLast("tls", new SslHandler(engine));
                    }
                    ch.pipeline().addLast("timeout", new ReadTimeoutHandler(timeout.toSeconds(), TimeUnit.SECONDS));
                    ch.pipeline().addLast("codec", new HttpClientCodec());
                    ch.pipeline().addLast("inflate", new HttpContentDecompressor(0));
                    ch.pipeline().addLast("relay", new Dispatch());
                }
            }, ChannelHealthChecker.ACTIVE);
        });
    }

    /** Hands each upstream message to the exchange currently using the connection. */
    private static final class Dispatch extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Exchange ex = ctx.channel().attr(EXCHANGE).get();
            if (ex == null) {
                ReferenceCountUtil.release(msg);
                ctx.close();   // a response nobody asked for: the connection is out of step
                return;
            }
            ex.onUpstream(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Exchange ex = ctx.channel().attr(EXCHANGE).getAndSet(null);
            if (ex != null) {
                ex.upstreamFailed("upstream closed the connection");
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Exchange ex = ctx.channel().attr(EXCHANGE).getAndSet(null);
            if (ex != null) {
                ex.upstreamFailed(cause instanceof io.netty.handler.timeout.ReadTimeoutException
                        ? "upstream timed out" : "upstream error: " + cause.getMessage());
            }
            ctx.close();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            ctx.fireChannelWritabilityChanged();
        }
    }

    @Override
    public void close() {
        pools.values().forEach(ChannelPool::close);
    }
}
