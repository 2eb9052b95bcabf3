package io.agentsh.proxy.net;

import io.agentsh.proxy.dns.DnsCorrelationCache;
import io.agentsh.proxy.testing.FakeDns;
import io.agentsh.proxy.testing.RawHttp;
import io.agentsh.proxy.testing.Sh;
import io.agentsh.proxy.testing.Standins;
import io.agentsh.proxy.testing.TestCa;
import io.agentsh.proxy.testing.TestNamespace;
import io.agentsh.proxy.testing.TestPolicy;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * connect_redirects and the approval round trip through the explicit proxy, in a private
 * namespace. The proxy runs on ONE event loop, so an approval wait that blocked it would stall
 * every other connection (checked).
 */
class RedirectApprovalTest {
    static TestNamespace ns;
    static EventLoopGroup serverGroup;
    static Standins standins;
    static FakeDns dns;
    static NetRuntime rt;
    static ExplicitProxy proxy;
    static TestCa ca;
    static TestPolicy policy;
    static Path unixDir;
    static Thread unixServer;
    static ServerSocketChannel unixListener;
    static final List<NetEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void setUp(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(TestNamespace.available(), "needs root, ip netns and nft");
        ns = new TestNamespace("rd");
        ns.addLoopbackAddresses("198.51.100.7/32", "10.0.0.1/32");
        serverGroup = Transports.group(1, ns.threadFactory("standin"));
        standins = new Standins(serverGroup);
        ca = new TestCa("allowed.test", "redirect.test", "vertex.test");
        var ssl = ca.serverContext();
        ns.call(() -> {
            standins.http(new InetSocketAddress("0.0.0.0", 8080), "MARKER");
            standins.https(new InetSocketAddress("127.0.0.2", 8443), "TLS", ssl);
            dns = new FakeDns(serverGroup, new InetSocketAddress("127.0.0.1", 5353));
            return null;
        });
        dns.put("allowed.test", "127.0.0.2").put("fallback.test", "127.0.0.2").put("closed.test", "127.0.0.2")
                .put("approve.test", "198.51.100.7").put("approve-slow.test", "198.51.100.7")
                .put("approve-timeout.test", "198.51.100.7").put("approve-deny.test", "198.51.100.7")
                .put("vertex.test", "127.0.0.2");
        unixDir = tmp;
        startUnixServer(tmp.resolve("upstream.sock"));
        policy = new TestPolicy()
                .allowCidr("allow-standin", "127.0.0.2/32")
                .denyCidr("block-private-networks", "10.0.0.0/8", "127.0.0.0/8")
                .allowDomains("allow-redirected", Set.of(8080, 8443, 80), "redirect.test", "unix.test",
                        "sni.test")
                .approveDomains("approve-unknown", Set.of(8080), "approve.test", "approve-slow.test",
                        "approve-timeout.test", "approve-deny.test")
                .connectRedirect("redirect.test:8080", target("to-standin", "allowed.test:8080", null, "fail_closed"))
                .connectRedirect("redirect.test:8443", target("to-tls", "127.0.0.2:8443", null, "fail_closed"))
                .connectRedirect("sni.test:8443", new ConnectRedirectTarget("rewrite", "127.0.0.2", 8443, null,
                        "rewrite_sni", "vertex.test", "warn", "to vertex", "fail_closed"))
                .connectRedirect("unix.test:80", target("to-unix", null, tmp.resolve("upstream.sock").toString(),
                        "fail_closed"))
                .connectRedirect("fallback.test:8080", target("dead-target", "127.0.0.2:8099", null, "retry_original"))
                .connectRedirect("closed.test:8080", target("dead-closed", "127.0.0.2:8099", null, "fail_closed"))
                .approver((t, pending) -> switch (t) {
                    case "approve.test:8080" -> later(100, pending.approved("approval-ok"));
                    case "approve-slow.test:8080" -> later(2500, pending.approved("approval-slow"));
                    case "approve-timeout.test:8080" -> later(300, pending.refused("approval-late", "approval timed out"));
                    default -> later(50, pending.refused("approval-no", "denied by approver"));
                });
        rt = new NetRuntime(ProxyConfig.of(List.of(dns.address())).withThreads(1)
                .withThreadFactory(ns.threadFactory("proxy")), events::add);
        SessionContext s = new SessionContext("sess-redirect", policy, new DnsCorrelationCache(30, 100));
        proxy = ns.call(() -> ExplicitProxy.start(rt, s, new InetSocketAddress("127.0.0.1", 0), null));
    }

    static ConnectRedirectTarget target(String rule, String to, String unix, String onFailure) {
        return ConnectRedirectTarget.of(rule, to, unix, "passthrough", null, "audit_only", "", onFailure);
    }

    static CompletableFuture<NetDecision> later(long ms, NetDecision d) {
        return CompletableFuture.supplyAsync(() -> d, // not the common pool: it may be busy with the test's own blocking work
                CompletableFuture.delayedExecutor(ms, TimeUnit.MILLISECONDS, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()));
    }

    /** A unix-socket upstream that answers one fixed HTTP response per connection. */
    static void startUnixServer(Path sock) throws IOException {
        unixListener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        unixListener.bind(UnixDomainSocketAddress.of(sock));
        unixServer = Thread.ofVirtual().start(() -> {
            while (unixListener.isOpen()) {
                try (SocketChannel c = unixListener.accept()) {
                    ByteBuffer in = ByteBuffer.allocate(4096);
                    String req = "";
                    while (!req.contains("\r\n\r\n") && c.read(in) > 0) {
                        req = new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1);
                    }
                    String body = "unix upstream got " + req.lines().findFirst().orElse("") + "\n";
                    c.write(ByteBuffer.wrap(("HTTP/1.1 200 OK\r\nContent-Length: " + body.length()
                            + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1)));
                } catch (IOException e) {
                    // listener closed, or a client went away
                }
            }
        });
    }

    @AfterAll
    static void tearDown() throws Exception {
        if (proxy != null) proxy.close();
        if (rt != null) rt.close();
        if (dns != null) dns.close();
        if (standins != null) standins.close();
        if (serverGroup != null) serverGroup.shutdownGracefully().syncUninterruptibly();
        if (unixListener != null) unixListener.close();
        if (ns != null) ns.close();
    }

    static RawHttp.Response get(String target) throws Exception {
        return ns.call(() -> {
            try (RawHttp c = new RawHttp(proxy.address())) {
                return c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            }
        });
    }

    static NetEvent awaitEvent(java.util.function.Predicate<NetEvent> p) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline) {
            for (NetEvent e : events) if (p.test(e)) return e;
            Thread.sleep(20);
        }
        return null;
    }

    @Test
    void plainHttpIsRedirectedEvenWhenTheOriginalNameDoesNotResolve() throws Exception {
        RawHttp.Response r = get("http://redirect.test:8080/r");
        assertEquals(200, r.status(), r.head() + r.body());
        assertTrue(r.body().contains("standin MARKER local=127.0.0.2 uri=/r"), r.body());
        NetEvent ev = awaitEvent(e -> e.type().equals("connect_redirect") && "redirect.test".equals(e.domain()));
        assertNotNull(ev, "connect_redirect event");
        assertEquals("to-standin", ev.fields().get("rule"));
        assertEquals("allowed.test:8080", ev.fields().get("redirect_to"));
        NetEvent conn = awaitEvent(e -> e.type().equals("net_connect") && "redirect.test".equals(e.domain()));
        assertEquals("allowed.test:8080", conn.fields().get("redirect_to"));
        assertEquals("127.0.0.2", conn.fields().get("resolved_ip"));
    }

    @Test
    void connectTunnelIsRedirected(@TempDir Path tmp) throws Exception {
        Path pem = ca.writeCaPem(tmp);
        Sh.Result r = Sh.exec(ns.exec("curl", "-sS", "--max-time", "10", "--cacert", pem.toString(),
                "--proxy", proxy.url(), "https://redirect.test:8443/tls"), 20);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("standin TLS local=127.0.0.2 uri=/tls") && r.out().contains("sni=redirect.test"),
                r.out());
    }

    @Test
    void rewriteSniIsRecordedButTheClientsOwnNameIsPassedThrough() throws Exception {
        // Rewriting the ClientHello in flight would break the handshake transcript: the tunnel keeps sni.test.
        Sh.Result r = Sh.exec(ns.exec("curl", "-sSk", "--max-time", "10", "--proxy", proxy.url(),
                "https://sni.test:8443/sni"), 20);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("uri=/sni") && r.out().contains("sni=sni.test"), r.out());
        NetEvent conn = awaitEvent(e -> e.type().equals("net_connect") && "sni.test".equals(e.domain()));
        assertEquals("rewrite_sni", conn.fields().get("redirect_tls"));
        assertEquals("vertex.test", conn.fields().get("redirect_sni"));
        assertEquals(false, conn.fields().get("sni_rewritten"));
    }

    @Test
    void unixSocketTarget() throws Exception {
        RawHttp.Response r = get("http://unix.test/u");
        assertEquals(200, r.status(), r.head() + r.body());
        assertTrue(r.body().contains("unix upstream got GET /u HTTP/1.1"), r.body());
        NetEvent conn = awaitEvent(e -> e.type().equals("net_connect") && "unix.test".equals(e.domain()));
        assertEquals(unixDir.resolve("upstream.sock").toString(), conn.fields().get("redirect_to_unix"));
    }

    @Test
    void unreachableTargetFallsBackOnlyWhenTheRuleSaysSo() throws Exception {
        RawHttp.Response ok = get("http://fallback.test:8080/f");
        assertEquals(200, ok.status(), ok.body());
        assertTrue(ok.body().contains("local=127.0.0.2 uri=/f"), ok.body());
        assertNotNull(awaitEvent(e -> e.type().equals("connect_redirect_fallback") && "fallback.test".equals(e.domain())));
        assertEquals(502, get("http://closed.test:8080/").status());
    }

    @Test
    void approvedConnectionGoesThroughWithTheApprovalId() throws Exception {
        RawHttp.Response r = get("http://approve.test:8080/a");
        assertEquals(200, r.status(), r.body());
        assertTrue(r.body().contains("local=198.51.100.7 uri=/a"), r.body());
        NetEvent conn = awaitEvent(e -> e.type().equals("net_connect") && "approve.test".equals(e.domain()));
        assertTrue(conn.policy().allowed());
        assertEquals("approval-ok", conn.policy().approvalId());
        assertEquals("approve", conn.policy().policyDecision());
    }

    @Test
    void approvalTimeoutAndRefusalDeny() throws Exception {
        RawHttp.Response t = get("http://approve-timeout.test:8080/");
        assertEquals(403, t.status());
        assertTrue(t.body().contains("rule=approve-unknown") && t.body().contains("approval timed out"), t.body());
        assertFalse(t.body().contains("standin"));
        RawHttp.Response d = get("http://approve-deny.test:8080/");
        assertEquals(403, d.status());
        assertTrue(d.body().contains("denied by approver"), d.body());
        RawHttp.Response c = ns.call(() -> {
            try (RawHttp h = new RawHttp(proxy.address())) {
                return h.send("CONNECT approve-timeout.test:8080 HTTP/1.1\r\nHost: approve-timeout.test:8080\r\n\r\n");
            }
        });
        assertEquals(403, c.status());
        NetEvent ev = awaitEvent(e -> e.type().equals("net_connect") && "approve-timeout.test".equals(e.domain()));
        assertFalse(ev.policy().allowed());
        assertEquals("deny", ev.policy().effectiveDecision());
        assertEquals("approval-late", ev.policy().approvalId());
    }

    @Test
    void waitingForAnApprovalDoesNotBlockTheEventLoop() throws Exception {
        var own = java.util.concurrent.Executors.newSingleThreadExecutor(ns.threadFactory("slow-client"));
        var slow = own.submit(() -> {
            try (RawHttp c = new RawHttp(proxy.address())) {
                return c.send("GET http://approve-slow.test:8080/s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            }
        });
        Thread.sleep(300); // the slow request is now parked in its approval
        for (int i = 0; i < 5; i++) assertEquals(200, get("http://allowed.test:8080/q" + i).status());
        // served on the same (only) event loop while the approval was still pending
        assertFalse(slow.isDone(), "other connections had to wait for the approval");
        RawHttp.Response r = slow.get(10, TimeUnit.SECONDS);
        own.shutdown();
        assertEquals(200, r.status(), r.body());
    }
}
