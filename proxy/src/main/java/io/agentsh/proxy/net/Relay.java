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
        boolean clientEof;
        boolean upstreamEof;
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
        splice(client, upstream, tunnel, counters, null, false);
    }

    /**
     * As above, first forwarding what the client sent before the upstream was connected
     * ({@code early}, ownership taken) and, when the client had already half-closed, its FIN.
     */
    static void splice(Channel client, Channel upstream, Tunnel tunnel, NetCounters counters,
                       java.util.List<ByteBuf> early, boolean clientEof) {
        Shared s = new Shared(tunnel, counters);
        // Bulk tunnels: let a read take up to 1 MiB (pooled) instead of 64 KiB, fewer syscalls per byte.
        client.config().setRecvByteBufAllocator(BULK);
        upstream.config().setRecvByteBufAllocator(BULK);
        // Half-close passes through: "send, shutdown(SHUT_WR), read the answer" clients keep working.
        client.config().setOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true);
        upstream.config().setOption(io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE, true);
        client.pipeline().addLast("relay", new Relay(upstream, true, s));
        upstream.pipeline().addLast("relay", new Relay(client, false, s));
        if (early != null) {
            for (ByteBuf b : early) {
                s.fromClient += b.readableBytes();
                upstream.write(b, upstream.voidPromise());
            }
            upstream.flush();
        }
        if (clientEof) {
            s.clientEof = true;
            upstream.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                if (upstream instanceof io.netty.channel.socket.DuplexChannel d && d.isActive()) d.shutdownOutput();
            });
        } else {
            client.config().setAutoRead(true);
        }
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
        // resume the other side, unless it has already sent its FIN (nothing left to read there)
        if (ctx.channel().isWritable() && !(peer instanceof io.netty.channel.socket.DuplexChannel d && d.isInputShutdown())) {
            peer.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof io.netty.channel.socket.ChannelInputShutdownEvent) {
            if (clientSide) shared.clientEof = true; else shared.upstreamEof = true;
            if (shared.clientEof && shared.upstreamEof) {
                ctx.close();
                peer.close();
                return;
            }
            // no more bytes this way: pass the FIN on once what we already forwarded is written
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
                if (peer instanceof io.netty.channel.socket.DuplexChannel d && d.isActive()) d.shutdownOutput();
            });
            return;
        }
        ctx.fireUserEventTriggered(evt);
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
