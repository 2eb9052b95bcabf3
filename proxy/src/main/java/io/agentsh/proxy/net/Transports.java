package io.agentsh.proxy.net;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

import java.util.concurrent.ThreadFactory;

/** Native epoll when available (it exposes the socket fd the transparent path needs), NIO otherwise. */
public final class Transports {
    private Transports() {}

    public static boolean epoll() {
        return Epoll.isAvailable();
    }

    public static EventLoopGroup group(int threads, ThreadFactory tf) {
        IoHandlerFactory f = epoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return tf == null ? new MultiThreadIoEventLoopGroup(threads, f) : new MultiThreadIoEventLoopGroup(threads, tf, f);
    }

    public static Class<? extends SocketChannel> socket() {
        return epoll() ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** Unix-domain stream sockets (connect_redirects' redirect_to_unix); null without epoll. */
    public static Class<? extends io.netty.channel.Channel> domainSocket() {
        return epoll() ? io.netty.channel.epoll.EpollDomainSocketChannel.class : null;
    }

    public static Class<? extends ServerChannel> server() {
        return epoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends DatagramChannel> datagram() {
        return epoll() ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    /** A server channel whose socket is created now, by the calling thread (hence in its namespace). */
    public static ServerChannel newServerChannel() {
        return epoll() ? new EpollServerSocketChannel() : new NioServerSocketChannel();
    }

    public static DatagramChannel newDatagramChannel() {
        return epoll() ? new EpollDatagramChannel() : new NioDatagramChannel();
    }
}
