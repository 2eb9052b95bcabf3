package io.agentsh.proxy.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import io.agentsh.proxy.net.Transports;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** A local authoritative DNS stand-in (UDP): names from a map, NXDOMAIN for the rest. Never a real resolver. */
public final class FakeDns implements AutoCloseable {
    private final Map<String, List<InetAddress>> records = new ConcurrentHashMap<>();
    public final AtomicInteger queries = new AtomicInteger();
    private final Channel channel;
    private final Channel tcpChannel;

    public FakeDns(EventLoopGroup group, InetSocketAddress bind) {
        channel = new Bootstrap().group(group).channel(Transports.datagram())
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new SimpleChannelInboundHandler<DatagramDnsQuery>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery q) {
                                        answer(ctx, q);
                                    }
                                });
                    }
                }).bind(bind).syncUninterruptibly().channel();
        tcpChannel = new io.netty.bootstrap.ServerBootstrap().group(group).channel(Transports.server())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new io.netty.handler.codec.dns.TcpDnsQueryDecoder(),
                                new io.netty.handler.codec.dns.TcpDnsResponseEncoder(),
                                new SimpleChannelInboundHandler<io.netty.handler.codec.dns.DnsQuery>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, io.netty.handler.codec.dns.DnsQuery q) {
                                        var r = new io.netty.handler.codec.dns.DefaultDnsResponse(q.id());
                                        fill(q, r);
                                        ctx.writeAndFlush(r);
                                    }
                                });
                    }
                }).bind(address()).syncUninterruptibly().channel();
    }

    public FakeDns put(String name, String... ips) throws Exception {
        List<InetAddress> l = new java.util.ArrayList<>();
        for (String ip : ips) l.add(InetAddress.getByName(ip));
        records.put(name, l);
        return this;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    private void answer(ChannelHandlerContext ctx, DatagramDnsQuery q) {
        DatagramDnsResponse r = new DatagramDnsResponse(q.recipient(), q.sender(), q.id());
        fill(q, r);
        ctx.writeAndFlush(r);
    }

    private void fill(io.netty.handler.codec.dns.DnsQuery q, io.netty.handler.codec.dns.DnsResponse r) {
        queries.incrementAndGet();
        DnsQuestion question = q.recordAt(DnsSection.QUESTION);
        String name = question.name().endsWith(".") ? question.name().substring(0, question.name().length() - 1)
                : question.name();
        r.setAuthoritativeAnswer(true).setRecursionDesired(q.isRecursionDesired()).setRecursionAvailable(true);
        r.addRecord(DnsSection.QUESTION, question);
        List<InetAddress> ips = records.get(name.toLowerCase(java.util.Locale.ROOT));
        if (ips == null) {
            r.setCode(DnsResponseCode.NXDOMAIN);
        } else {
            for (InetAddress a : ips) {
                boolean want4 = question.type() == DnsRecordType.A && a instanceof Inet4Address;
                boolean want6 = question.type() == DnsRecordType.AAAA && a instanceof Inet6Address;
                if (want4 || want6) {
                    r.addRecord(DnsSection.ANSWER, new DefaultDnsRawRecord(question.name(), question.type(), 20,
                            Unpooled.wrappedBuffer(a.getAddress())));
                }
            }
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        tcpChannel.close().syncUninterruptibly();
    }
}
