package io.agentsh.proxy.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * Connects to the first reachable address among those the policy allowed, in order, on the
 * caller's event loop (so relaying never crosses threads). New channels start with autoRead
 * off: the caller decides when bytes may flow.
 */
final class Dialer {
    interface Callback {
        void done(Channel channel, InetAddress address, Throwable error);
    }

    private Dialer() {}

    static void dial(NetRuntime rt, EventLoop loop, List<InetAddress> addresses, int port, ChannelHandler init,
                     Callback cb) {
        attempt(rt, loop, addresses, 0, port, init, cb, null);
    }

    private static void attempt(NetRuntime rt, EventLoop loop, List<InetAddress> addresses, int i, int port,
                                ChannelHandler init, Callback cb, Throwable last) {
        if (i >= addresses.size()) {
            cb.done(null, null, last == null ? new java.io.IOException("no address") : last);
            return;
        }
        InetAddress a = addresses.get(i);
        ChannelFuture f = new Bootstrap().group(loop).channel(Transports.socket())
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) rt.config().dialTimeout().toMillis())
                .handler(init)
                .connect(new InetSocketAddress(a, port));
        f.addListener((ChannelFuture cf) -> {
            if (cf.isSuccess()) cb.done(cf.channel(), a, null);
            else attempt(rt, loop, addresses, i + 1, port, init, cb, cf.cause());
        });
    }
}
