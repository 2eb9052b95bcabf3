package io.agentsh.proxy.net;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One direction of a byte tunnel: hands each pooled buffer read from this channel to the peer
 * unchanged (no copy, no per-chunk allocation), and stops reading while the peer cannot take
 * more (autoRead toggling), so a slow side never makes the proxy buffer without bound.
 */
final class Relay extends ChannelInboundHandlerAdapter {
    /** Told once when the tunnel ends, with the byte counts of both directions. */
    interface Tunnel {
        void closed(long fromClient, long fromUpstream);
    }

    private static final io.netty.channel.AdaptiveRecvByteBufAllocator BULK =
            new io.netty.channel.AdaptiveRecvByteBufAllocator(512, 16 << 10, 1 << 20);
    private final Channel peer;
    private final boolean clientSide;
    private final Shared shared;

    /** Byte counts and close bookkeeping shared by the two halves (same event loop). */
    static final class Shared {
        long fromClient;
        long fromUpstream;
        boolean reported;
        final Tunnel tunnel;
        final NetCounters counters;

        Shared(Tunnel tunnel, NetCounters counters) {
            this.tunnel = tunnel;
            this.counters = counters;
        }

        void report() {
            if (reported) return;
            reported = true;
            counters.relayed(fromClient + fromUpstream);
            tunnel.closed(fromClient, fromUpstream);
        }
    }

    Relay(Channel peer, boolean clientSide, Shared shared) {
        this.peer = peer;
        this.clientSide = clientSide;
        this.shared = shared;
    }

    /** Wires both directions and starts reading. */
    static void splice(Channel client, Channel upstream, Tunnel tunnel, NetCounters counters) {
        Shared s = new Shared(tunnel, counters);
        // Bulk tunnels: let a read take up to 1 MiB (pooled) instead of 64 KiB, fewer syscalls per byte.
        client.config().setRecvByteBufAllocator(BULK);
        upstream.config().setRecvByteBufAllocator(BULK);
        client.pipeline().addLast("relay", new Relay(upstream, true, s));
        upstream.pipeline().addLast("relay", new Relay(client, false, s));
        client.config().setAutoRead(true);
        upstream.config().setAutoRead(true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            int n = b.readableBytes();
            if (clientSide) shared.fromClient += n; else shared.fromUpstream += n;
            peer.write(b, peer.voidPromise());
        } else {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
        if (!peer.isWritable()) ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) peer.config().setAutoRead(true);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        shared.report();
        if (peer.isActive()) peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
