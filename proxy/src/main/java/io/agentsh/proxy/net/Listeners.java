package io.agentsh.proxy.net;

import io.agentsh.proxy.transparent.Netns;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ServerChannel;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/** Binds TCP listeners, optionally with the socket created inside another network namespace. */
public final class Listeners {
    private Listeners() {}

    /**
     * @param netns null to create the socket in the caller's namespace, or a namespace file
     *              (e.g. /run/netns/NAME) to create it there; it is served by {@code rt}'s loops
     *              either way
     */
    /**
     * Creates a socket on one of the runtime's event-loop threads, so it lives in the daemon's
     * namespace whatever thread asked (the loops' namespace is the daemon's by definition).
     */
    public static <T> T onLoop(NetRuntime rt, java.util.concurrent.Callable<T> create) throws IOException {
        try {
            return rt.group().next().submit(create).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException(e.getCause().getMessage(), e.getCause());
        }
    }

    public static Channel bind(NetRuntime rt, InetSocketAddress address, Path netns, ChannelHandler childInit)
            throws IOException {
        ServerChannel ch = netns == null ? onLoop(rt, Transports::newServerChannel)
                : Netns.callIn(netns, Transports::newServerChannel);
        ServerBootstrap b = new ServerBootstrap()
                .group(rt.group())
                .channelFactory(() -> ch)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(childInit);
        try {
            return b.bind(address).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            ch.close();
            throw new IOException("cannot listen on " + address + (netns == null ? "" : " in " + netns)
                    + ": " + e.getMessage(), e);
        }
    }
}
