package io.agentsh.proxy.dns;

import io.agentsh.proxy.net.NetRuntime;
import io.agentsh.proxy.net.Transports;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.collection.IntObjectHashMap;
import io.netty.util.concurrent.ScheduledFuture;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Sends a client's query, byte for byte except for a fresh id, to the configured upstream
 * resolvers (UDP; TCP when the client came over TCP), one after the other on timeout, and hands
 * back the upstream's raw answer. Lives in the daemon's namespace.
 */
final class DnsUpstream implements AutoCloseable {
    interface Callback {
        /** {@code response} is owned by the callee (null on failure, with a reason). */
        void done(ByteBuf response, InetSocketAddress server, String error);
    }

    private static final class Pending {
        final int clientId;
        final ByteBuf query;
        final Callback cb;
        int server;
        ScheduledFuture<?> timer;

        Pending(int clientId, ByteBuf query, Callback cb) {
            this.clientId = clientId;
            this.query = query;
            this.cb = cb;
        }
    }

    private final NetRuntime rt;
    private final List<InetSocketAddress> servers;
    private final EventLoop loop;
    private final Channel udp;
    private final IntObjectHashMap<Pending> pending = new IntObjectHashMap<>();

    DnsUpstream(NetRuntime rt, EventLoop loop) {
        this.rt = rt;
        this.loop = loop;
        this.servers = rt.config().upstreamDns();
        // created on the loop: the upstream socket belongs in the daemon's namespace
        io.netty.channel.socket.DatagramChannel dc;
        try {
            dc = loop.submit(Transports::newDatagramChannel).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the upstream DNS socket: " + e.getMessage(), e);
        }
        this.udp = new Bootstrap().group(loop).channelFactory(() -> dc)
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                        answered(p.content(), p.sender());
                    }
                }).bind(0).syncUninterruptibly().channel();
    }

    String describe() {
        return servers.get(0).getAddress().getHostAddress() + ":" + servers.get(0).getPort();
    }

    /** Forwards over UDP. {@code query} is retained by this call's owner and released here. */
    void udp(ByteBuf query, Callback cb) {
        loop.execute(() -> {
            if (pending.size() > 4096) {
                query.release();
                cb.done(null, null, "too many queries in flight");
                return;
            }
            int id;
            do {
                id = ThreadLocalRandom.current().nextInt(0x10000);
            } while (pending.containsKey(id));
            Pending p = new Pending(query.getUnsignedShort(query.readerIndex()), query, cb);
            query.setShort(query.readerIndex(), id);
            pending.put(id, p);
            sendUdp(id, p);
        });
    }

    private void sendUdp(int id, Pending p) {
        InetSocketAddress server = servers.get(p.server);
        udp.writeAndFlush(new DatagramPacket(p.query.retainedDuplicate(), server));
        p.timer = loop.schedule(() -> {
            if (pending.get(id) != p) return;
            if (++p.server < servers.size()) {
                sendUdp(id, p);
            } else {
                pending.remove(id);
                p.query.release();
                p.cb.done(null, server, "upstream timeout");
            }
        }, rt.config().dnsTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void answered(ByteBuf content, InetSocketAddress from) {
        if (content.readableBytes() < 12) return;
        int id = content.getUnsignedShort(content.readerIndex());
        Pending p = pending.get(id);
        if (p == null || !servers.get(p.server).equals(from)) return; // stray or spoofed
        pending.remove(id);
        p.timer.cancel(false);
        p.query.release();
        ByteBuf copy = content.retainedDuplicate();
        copy.setShort(copy.readerIndex(), p.clientId);
        p.cb.done(copy, from, null);
    }

    /** Forwards over TCP (new connection per query). {@code query} is released here. */
    void tcp(ByteBuf query, Callback cb) {
        tcp(query, cb, 0);
    }

    private void tcp(ByteBuf query, Callback cb, int serverIndex) {
        InetSocketAddress server = servers.get(serverIndex);
        ChannelFuture f = new Bootstrap().group(loop).channel(Transports.socket())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) rt.config().dnsTimeout().toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(65535, 0, 2, 0, 2));
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                            boolean done;

                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                                done = true;
                                query.release();
                                cb.done(msg.retainedDuplicate(), server, null);
                                ctx.close();
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                if (!done) {
                                    done = true;
                                    retryOrFail(query, cb, serverIndex, "upstream closed");
                                }
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close();
                            }
                        });
                    }
                }).connect(server);
        f.addListener((ChannelFuture cf) -> {
            if (!cf.isSuccess()) {
                retryOrFail(query, cb, serverIndex, "upstream unreachable");
                return;
            }
            ByteBuf len = cf.channel().alloc().buffer(2).writeShort(query.readableBytes());
            cf.channel().writeAndFlush(Unpooled.wrappedBuffer(len, query.retainedDuplicate()));
            cf.channel().eventLoop().schedule(() -> { cf.channel().close(); },
                    rt.config().dnsTimeout().toMillis(), TimeUnit.MILLISECONDS);
        });
    }

    private void retryOrFail(ByteBuf query, Callback cb, int serverIndex, String why) {
        if (serverIndex + 1 < servers.size()) tcp(query, cb, serverIndex + 1);
        else {
            query.release();
            cb.done(null, servers.get(serverIndex), why);
        }
    }

    @Override
    public void close() {
        udp.close();
        loop.execute(() -> {
            for (Pending p : pending.values()) {
                p.timer.cancel(false);
                p.query.release();
            }
            pending.clear();
        });
    }
}
