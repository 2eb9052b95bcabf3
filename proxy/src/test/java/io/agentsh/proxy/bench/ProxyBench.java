package io.agentsh.proxy.bench;

import io.agentsh.policy.Engine;
import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.PolicyLoader;
import io.agentsh.proxy.dns.DnsCorrelationCache;
import io.agentsh.proxy.net.EngineNetworkPolicy;
import io.agentsh.proxy.net.ExplicitProxy;
import io.agentsh.proxy.net.NetRuntime;
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

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Loopback benchmark harness driven by proxy/bench/run.sh. The origin and the proxy run as
 * separate processes so the script can give each its own CPUs (taskset) and read each one's CPU
 * time from /proc; the load generator is wrk, the same binary and the same keep-alive
 * connections direct and through the proxy.
 *
 * <ul>
 *   <li>{@code origin SECONDS}: a Netty HTTP/1.1 origin (13-byte body, keep-alive) and a byte
 *       source that writes 1 GiB to each connection; prints {@code ORIGIN port SOURCE port}.</li>
 *   <li>{@code proxy SECONDS [POLICY.yaml]}: the explicit proxy deciding with the real policy
 *       engine (default: the shipped default policy, whose allow-localhost rule admits
 *       127.0.0.1); prints {@code PROXY port}, and at exit the events it emitted.</li>
 *   <li>{@code transfer PROXY_PORT SOURCE_PORT ROUNDS}: 1 GiB read directly and through CONNECT,
 *       alternately, ROUNDS times each.</li>
 * </ul>
 */
public final class ProxyBench {
    static final byte[] BODY = "hello, bench\n".getBytes(StandardCharsets.US_ASCII);
    static final long GIB = 1L << 30;

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "origin" -> origin(Integer.parseInt(args[1]));
            case "proxy" -> proxy(Integer.parseInt(args[1]),
                    Path.of(args.length > 2 ? args[2] : "packaging/deb/etc/agentsh/policies/default.yaml"));
            case "transfer" -> transfer(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            default -> throw new IllegalArgumentException("usage: ProxyBench origin SECONDS | proxy SECONDS [POLICY]"
                    + " | transfer PROXY_PORT SOURCE_PORT ROUNDS");
        }
    }

    static void origin(int seconds) throws Exception {
        EventLoopGroup loop = Transports.group(1, null);
        Channel http = new ServerBootstrap().group(loop).channel(Transports.server())
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
        Channel source = new ServerBootstrap().group(loop).channel(Transports.server())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new Source());
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        System.out.println("ORIGIN " + ((InetSocketAddress) http.localAddress()).getPort()
                + " SOURCE " + ((InetSocketAddress) source.localAddress()).getPort());
        System.out.flush();
        Thread.sleep(seconds * 1000L);
        loop.shutdownGracefully().sync();
    }

    static void proxy(int seconds, Path policyFile) throws Exception {
        int threads = Integer.parseInt(System.getProperty("proxy.threads", "1"));
        // global(): ${PROJECT_ROOT} and friends are session variables; the network rules do not use them
        Engine engine = Engine.compile(PolicyLoader.load(policyFile), EngineOptions.global());
        Map<String, LongAdder> events = new ConcurrentHashMap<>();
        NetRuntime rt = new NetRuntime(ProxyConfig.of(List.of(new InetSocketAddress("127.0.0.1", 53)))
                .withThreads(threads), e -> events.computeIfAbsent(e.type(), k -> new LongAdder()).increment());
        SessionContext session = new SessionContext("bench", new EngineNetworkPolicy(engine), new DnsCorrelationCache(30, 16));
        ExplicitProxy proxy = ExplicitProxy.start(rt, session, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), null);
        System.out.println("PROXY " + proxy.address().getPort() + " POLICY " + policyFile);
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("EVENTS " + new java.util.TreeMap<>(events) + ", allowed connections "
                    + rt.metrics().connectionsAllowed());
            System.out.flush();
        }));
        Thread.sleep(seconds * 1000L);
        proxy.close();
        rt.close();
    }

    static void transfer(int proxyPort, int sourcePort, int rounds) throws Exception {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        for (int i = 0; i < rounds; i++) {
            System.out.printf("DIRECT %.2f GB/s%n", read1g(new InetSocketAddress("127.0.0.1", sourcePort), null, buf));
            System.out.printf("CONNECT %.2f GB/s%n", read1g(new InetSocketAddress("127.0.0.1", proxyPort),
                    "CONNECT 127.0.0.1:" + sourcePort + " HTTP/1.1\r\nHost: 127.0.0.1:" + sourcePort + "\r\n\r\n", buf));
            System.out.flush();
        }
    }

    /** Reads 1 GiB (into a direct buffer: no copy to the heap) and returns GB/s; {@code connect} first, if set. */
    static double read1g(InetSocketAddress to, String connect, ByteBuffer buf) throws Exception {
        try (SocketChannel s = SocketChannel.open()) {
            s.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
            s.connect(to);
            if (connect != null) {
                s.write(ByteBuffer.wrap(connect.getBytes(StandardCharsets.US_ASCII)));
                ByteBuffer head = ByteBuffer.allocate(39); // "HTTP/1.1 200 Connection Established\r\n\r\n"
                while (head.hasRemaining() && s.read(head) >= 0) { }
                String h = new String(head.array(), 0, head.position(), StandardCharsets.US_ASCII);
                if (!h.startsWith("HTTP/1.1 200")) throw new IllegalStateException("CONNECT failed: " + h);
            }
            long total = 0;
            long t0 = System.nanoTime();
            while (total < GIB) {
                buf.clear();
                int n = s.read(buf);
                if (n < 0) break;
                total += n;
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            if (total < GIB) throw new IllegalStateException("short transfer: " + total + " bytes");
            return total / secs / 1e9;
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
            while (ctx.channel().isWritable() && sent < GIB) {
                ctx.write(CHUNK.duplicate(), ctx.voidPromise());
                sent += CHUNK.readableBytes();
            }
            ctx.flush();
            if (sent >= GIB) ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
