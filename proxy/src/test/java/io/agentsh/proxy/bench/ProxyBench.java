package io.agentsh.proxy.bench;

import io.agentsh.proxy.dns.DnsCorrelationCache;
import io.agentsh.proxy.net.ExplicitProxy;
import io.agentsh.proxy.net.NetDecision;
import io.agentsh.proxy.net.NetRuntime;
import io.agentsh.proxy.net.NetworkPolicy;
import io.agentsh.proxy.net.ProxyConfig;
import io.agentsh.proxy.net.SessionContext;
import io.agentsh.proxy.net.Transports;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Loopback benchmark harness (see proxy/bench/run.sh): an origin HTTP server, a 1 GB byte
 * source, and the explicit proxy in front of them. "serve" prints the ports and runs for a
 * bounded time while wrk drives it; "connect1g" measures a 1 GB download through CONNECT.
 */
public final class ProxyBench {
    static final byte[] BODY = "hello, bench\n".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "serve";
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int proxyThreads = Integer.parseInt(System.getProperty("proxy.threads", "1"));
        java.util.List<Thread> originThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.List<Thread> proxyThreadList = new java.util.concurrent.CopyOnWriteArrayList<>();
        EventLoopGroup origin = Transports.group(1, tracking("origin", originThreads));
        Channel http = new ServerBootstrap().group(origin).channel(Transports.server())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new SimpleChannelInboundHandler<HttpRequest>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, HttpRequest req) {
                                        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                                                HttpResponseStatus.OK, Unpooled.wrappedBuffer(BODY));
                                        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
                                        ctx.writeAndFlush(r);
                                    }
                                });
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        Channel source = new ServerBootstrap().group(origin).channel(Transports.server())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Source());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();

        LongAdder events = new LongAdder();
        LongAdder httpRequests = new LongAdder();
        NetDecision allow = NetDecision.allow("bench-allow-loopback");
        NetworkPolicy policy = (host, port, dialled) -> dialled.get(0).isLoopbackAddress() ? allow
                : NetDecision.deny("default-deny-network", "");
        NetRuntime rt = new NetRuntime(ProxyConfig.of(List.of(new InetSocketAddress("127.0.0.1", 53)))
                .withThreads(proxyThreads).withThreadFactory(tracking("proxy", proxyThreadList)), e -> {
                    events.increment();
                    if (e.type().equals("net_http_request")) httpRequests.increment();
                });
        ExplicitProxy proxy = ExplicitProxy.start(rt, new SessionContext("bench", policy, new DnsCorrelationCache(30, 16)),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null);
        int originPort = ((InetSocketAddress) http.localAddress()).getPort();
        int sourcePort = ((InetSocketAddress) source.localAddress()).getPort();
        System.out.println("ORIGIN " + originPort + " SOURCE " + sourcePort + " PROXY " + proxy.address().getPort());
        System.out.flush();
        Runnable report = () -> {
            System.out.println("events emitted: " + events.sum() + ", allowed connections: " + rt.metrics().connectionsAllowed());
            if (httpRequests.sum() > 0) {
                long proxyCpu = cpu(proxyThreadList);
                System.out.printf("CPU: proxy %.1f us per proxied request (%d requests, %.2f s CPU); origin %.2f s CPU in total%n",
                        proxyCpu / 1e3 / httpRequests.sum(), httpRequests.sum(), proxyCpu / 1e9, cpu(originThreads) / 1e9);
            }
            System.out.flush();
        };
        if (!mode.equals("connect1g")) Runtime.getRuntime().addShutdownHook(new Thread(report));
        if (mode.equals("connect1g")) {
            for (int i = 0; i < 2; i++) direct1g(sourcePort);
            for (int i = 0; i < 3; i++) {
                long cpu0 = cpu(proxyThreadList);
                connect1g(proxy.address(), sourcePort);
                // CPU the proxy's loops spent on the transfer: independent of how busy the machine is
                System.out.printf("CONNECT proxy CPU: %.3f s per GiB%n", (cpu(proxyThreadList) - cpu0) / 1e9);
            }
            report.run();
        } else {
            Thread.sleep(seconds * 1000L);
        }
        proxy.close();
        rt.close();
        origin.shutdownGracefully().sync();
    }

    static java.util.concurrent.ThreadFactory tracking(String name, java.util.List<Thread> into) {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            into.add(t);
            return t;
        };
    }

    static long cpu(java.util.List<Thread> threads) {
        var mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (Thread t : threads) sum += Math.max(0, mx.getThreadCpuTime(t.threadId()));
        return sum;
    }

    static void direct1g(int sourcePort) throws Exception {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(1 << 20);
            s.connect(new InetSocketAddress("127.0.0.1", sourcePort));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[1 << 20];
            long total = 0;
            long t0 = System.nanoTime();
            while (total < (1L << 30)) {
                int n = in.read(buf);
                if (n < 0) break;
                total += n;
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("DIRECT transfer (no proxy): %d bytes in %.3f s = %.2f GB/s%n", total, secs, total / secs / 1e9);
        }
    }

    static void connect1g(InetSocketAddress proxy, int sourcePort) throws Exception {
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(1 << 20);
            s.connect(proxy);
            OutputStream out = s.getOutputStream();
            out.write(("CONNECT 127.0.0.1:" + sourcePort + " HTTP/1.1\r\nHost: 127.0.0.1:" + sourcePort + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] head = new byte[39]; // "HTTP/1.1 200 Connection Established\r\n\r\n"
            int got = in.readNBytes(head, 0, head.length);
            String h = new String(head, 0, got, StandardCharsets.US_ASCII);
            if (!h.startsWith("HTTP/1.1 200")) throw new IllegalStateException("CONNECT failed: " + h);
            byte[] buf = new byte[1 << 20];
            long total = 0;
            long want = 1L << 30;
            long t0 = System.nanoTime();
            while (total < want) {
                int n = in.read(buf);
                if (n < 0) break;
                total += n;
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("CONNECT transfer: %d bytes in %.3f s = %.2f GB/s (%.0f MiB/s)%n", total, secs,
                    total / secs / 1e9, total / secs / (1 << 20));
        }
    }

    /** Writes 1 GiB to each connection as fast as the peer takes it (one shared buffer, no copies). */
    static final class Source extends ChannelInboundHandlerAdapter {
        static final ByteBuf CHUNK = Unpooled.unreleasableBuffer(Unpooled.directBuffer(256 << 10).writeZero(256 << 10));
        long sent;

        @Override
        public boolean isSharable() {
            return false;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            ctx.channel().config().setWriteBufferHighWaterMark(4 << 20);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            pump(ctx);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            pump(ctx);
        }

        private void pump(ChannelHandlerContext ctx) {
            while (ctx.channel().isWritable() && sent < (1L << 30)) {
                ctx.write(CHUNK.duplicate(), ctx.voidPromise());
                sent += CHUNK.readableBytes();
            }
            ctx.flush();
            if (sent >= (1L << 30)) ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
