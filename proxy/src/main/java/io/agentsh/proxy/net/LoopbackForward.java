package io.agentsh.proxy.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * Makes one of the daemon's own loopback services (the embedded LLM proxy) reachable from inside
 * a session's network namespace: listens on the namespace's 127.0.0.1 and splices each connection
 * to {@code 127.0.0.1:targetPort} in the daemon's namespace. Only that port is reachable this way;
 * the service behind it applies its own policy (DLP).
 */
public final class LoopbackForward implements AutoCloseable {
    private final Channel listener;

    private LoopbackForward(Channel listener) {
        this.listener = listener;
    }

    public static LoopbackForward start(NetRuntime rt, Path netns, int targetPort) throws IOException {
        InetAddress lo = InetAddress.ofLiteral("127.0.0.1");
        Channel ch = Listeners.bind(rt, new InetSocketAddress(lo, 0), netns, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel client) {
                client.pipeline().addLast("forward", new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        // Dialled from the event loop: the upstream socket lives in the daemon's namespace.
                        Dialer.dial(rt, client.eventLoop(), List.of(lo), targetPort, new ChannelInitializer<Channel>() {
                            @Override
                            protected void initChannel(Channel up) { }
                        }, (up, addr, err) -> {
                            if (up == null) {
                                client.close();
                                return;
                            }
                            client.pipeline().remove("forward");
                            Relay.splice(client, up, (sent, received) -> { }, rt.counters());
                        });
                    }
                });
            }
        });
        return new LoopbackForward(ch);
    }

    /** The port inside the namespace (on its 127.0.0.1). */
    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        listener.close();
    }
}
