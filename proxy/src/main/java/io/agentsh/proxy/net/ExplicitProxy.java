package io.agentsh.proxy.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpServerCodec;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

/**
 * The explicit HTTP/CONNECT proxy of one session: a listener (127.0.0.1:0 by default, one per
 * session like the reference, so every connection is attributed to its session and decided by
 * that session's policy) served by the shared runtime.
 */
public final class ExplicitProxy implements AutoCloseable {
    private final Channel listener;
    private final SessionContext session;

    private ExplicitProxy(Channel listener, SessionContext session) {
        this.listener = listener;
        this.session = session;
    }

    /** Starts listening; {@code netns} null = daemon namespace, else the namespace file to listen in. */
    public static ExplicitProxy start(NetRuntime rt, SessionContext session, InetSocketAddress bind, Path netns)
            throws IOException {
        Channel ch = Listeners.bind(rt, bind, netns, new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel c) {
                c.pipeline().addLast(new HttpServerCodec(8192, 65536, 16384));
                c.pipeline().addLast(new HttpProxyHandler(rt, session));
            }
        });
        return new ExplicitProxy(ch, session);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    public String url() {
        InetSocketAddress a = address();
        String host = a.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) host = "[" + host + "]";
        return "http://" + host + ":" + a.getPort();
    }

    /** HTTP_PROXY/HTTPS_PROXY/ALL_PROXY (both cases) and NO_PROXY for loopback, for the session's commands. */
    public Map<String, String> environment() {
        return ProxyEnvironment.of(url());
    }

    public SessionContext session() {
        return session;
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
    }
}
