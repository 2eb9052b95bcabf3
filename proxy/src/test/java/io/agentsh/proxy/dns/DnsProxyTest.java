package io.agentsh.proxy.dns;

import io.agentsh.proxy.net.NetEvent;
import io.agentsh.proxy.net.NetRuntime;
import io.agentsh.proxy.net.ProxyConfig;
import io.agentsh.proxy.net.SessionContext;
import io.agentsh.proxy.net.Transports;
import io.agentsh.proxy.testing.FakeDns;
import io.agentsh.proxy.testing.Sh;
import io.agentsh.proxy.testing.TestNamespace;
import io.agentsh.proxy.testing.TestPolicy;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DNS proxy against a fake upstream, queried with dig over UDP and TCP inside a private namespace. */
class DnsProxyTest {
    static TestNamespace ns;
    static EventLoopGroup group;
    static FakeDns upstream;
    static NetRuntime rt;
    static SessionContext session;
    static DnsProxy proxy;
    static final List<NetEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        Assumptions.assumeTrue(TestNamespace.available(), "needs root, ip netns and nft");
        ns = new TestNamespace("dns");
        group = Transports.group(1, ns.threadFactory("fakedns"));
        upstream = ns.call(() -> new FakeDns(group, new InetSocketAddress("127.0.0.1", 5353)));
        upstream.put("allowed.test", "127.0.0.2", "fd00:aaaa::2").put("evil.com", "127.0.0.9")
                .put("unlisted.test", "198.51.100.7").put("redirected.test", "198.51.100.99");
        rt = new NetRuntime(ProxyConfig.of(List.of(upstream.address())).withThreads(1)
                .withThreadFactory(ns.threadFactory("dnsproxy")), events::add);
        session = new SessionContext("sess-dns",
                TestPolicy.standard().dnsRedirect("to-vertex", "redirected.test", "10.0.0.50"),
                new DnsCorrelationCache(30, 100));
        proxy = ns.call(() -> DnsProxy.start(rt, session, new InetSocketAddress("127.0.0.1", 0), null));
    }

    @AfterAll
    static void tearDown() {
        if (proxy != null) proxy.close();
        if (rt != null) rt.close();
        if (upstream != null) upstream.close();
        if (group != null) group.shutdownGracefully().syncUninterruptibly();
        if (ns != null) ns.close();
    }

    static String dig(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("dig", "@127.0.0.1", "-p",
                String.valueOf(proxy.address().getPort()), "+tries=1", "+time=3"));
        cmd.addAll(List.of(args));
        Sh.Result r = Sh.exec(ns.exec(cmd.toArray(String[]::new)), 20);
        return r.out();
    }

    @Test
    void allowedNameIsAnsweredFromUpstreamAndCached() throws Exception {
        String out = dig("allowed.test", "A");
        assertTrue(out.contains("status: NOERROR") && out.contains("127.0.0.2"), out);
        assertEquals("allowed.test", session.dnsCache().nameFor(InetAddress.getByName("127.0.0.2")));
        String six = dig("allowed.test", "AAAA");
        assertTrue(six.contains("fd00:aaaa::2"), six);
    }

    @Test
    void tcpQueriesWork() throws Exception {
        String out = dig("+tcp", "allowed.test", "A");
        assertTrue(out.contains("status: NOERROR") && out.contains("127.0.0.2"), out);
    }

    @Test
    void deniedNameIsRefusedWithoutAskingUpstream() throws Exception {
        int before = upstream.queries.get();
        String out = dig("evil.com", "A");
        assertTrue(out.contains("status: REFUSED"), out);
        assertEquals(before, upstream.queries.get());
        assertNull(session.dnsCache().nameFor(InetAddress.getByName("127.0.0.9")));
        assertTrue(events.stream().anyMatch(e -> e.type().equals("dns_query") && "evil.com".equals(e.domain())
                && !e.policy().allowed() && "block-evil".equals(e.policy().rule())));
        assertTrue(dig("+tcp", "www.evil.com", "A").contains("status: REFUSED"));
    }

    @Test
    void defaultDenyIsMonitorOnlyForLookups() throws Exception {
        String out = dig("unlisted.test", "A");
        assertTrue(out.contains("status: NOERROR") && out.contains("198.51.100.7"), out);
        assertTrue(events.stream().anyMatch(e -> e.type().equals("dns_query") && "unlisted.test".equals(e.domain())
                && e.policy().allowed() && "dns-monitor-only".equals(e.policy().rule())));
    }

    @Test
    void redirectAnswersEveryRecordType() throws Exception {
        int before = upstream.queries.get();
        String a = dig("redirected.test", "A");
        assertTrue(a.contains("status: NOERROR") && a.contains("10.0.0.50") && !a.contains("198.51.100.99"), a);
        for (String type : List.of("AAAA", "MX", "TXT", "HTTPS")) {
            String o = dig("redirected.test", type);
            assertTrue(o.contains("status: NOERROR") && o.contains("ANSWER: 0"), type + ": " + o);
        }
        assertEquals(before, upstream.queries.get(), "a redirected name never goes upstream");
        assertEquals("redirected.test", session.dnsCache().nameFor(InetAddress.getByName("10.0.0.50")));
        assertTrue(events.stream().anyMatch(e -> e.type().equals("dns_redirect")
                && "10.0.0.50".equals(e.fields().get("resolved_to"))));
    }

    @Test
    void nxdomainPassesThrough() throws Exception {
        assertTrue(dig("missing.test", "A").contains("status: NXDOMAIN"));
    }
}
