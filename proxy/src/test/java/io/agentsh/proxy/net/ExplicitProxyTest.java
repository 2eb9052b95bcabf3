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

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The explicit proxy end to end, inside a private network namespace whose lo carries the
 * forbidden addresses (169.254.169.254, 10.0.0.1, 192.168.1.1) answered by stand-ins: a request
 * that gets "standin" back from one of those is an enforcement failure.
 */
class ExplicitProxyTest {
    static TestNamespace ns;
    static EventLoopGroup serverGroup;
    static Standins standins;
    static FakeDns dns;
    static NetRuntime rt;
    static ExplicitProxy proxy;
    static TestCa ca;
    static final List<NetEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        Assumptions.assumeTrue(TestNamespace.available(), "needs root, ip netns and nft");
        ns = new TestNamespace("px");
        ns.addLoopbackAddresses("169.254.169.254/32", "10.0.0.1/32", "192.168.1.1/32", "198.51.100.7/32");
        serverGroup = Transports.group(1, ns.threadFactory("standin"));
        standins = new Standins(serverGroup);
        ca = new TestCa("allowed.test");
        var ssl = ca.serverContext();
        ns.call(() -> {
            standins.http(new InetSocketAddress("0.0.0.0", 80), "MARKER");
            standins.http(new InetSocketAddress("0.0.0.0", 8080), "MARKER");
            standins.http(new InetSocketAddress("::1", 8082), "MARKER6");
            standins.https(new InetSocketAddress("127.0.0.2", 8443), "TLS", ssl);
            dns = new FakeDns(serverGroup, new InetSocketAddress("127.0.0.1", 5353));
            return null;
        });
        dns.put("allowed.test", "127.0.0.2").put("rebind.test", "192.168.1.1").put("evil.com", "127.0.0.2")
                .put("unlisted.test", "198.51.100.7").put("public.test", "198.51.100.7")
                .put("mixed.test", "192.168.1.1", "169.254.169.254", "127.0.0.2");
        rt = new NetRuntime(ProxyConfig.of(List.of(dns.address())).withThreads(2)
                .withThreadFactory(ns.threadFactory("proxy")), events::add);
        SessionContext s = new SessionContext("sess-explicit", TestPolicy.standard(), new DnsCorrelationCache(30, 100));
        proxy = ns.call(() -> ExplicitProxy.start(rt, s, new InetSocketAddress("127.0.0.1", 0), null));
    }

    @AfterAll
    static void tearDown() {
        if (proxy != null) proxy.close();
        if (rt != null) rt.close();
        if (dns != null) dns.close();
        if (standins != null) standins.close();
        if (serverGroup != null) serverGroup.shutdownGracefully().syncUninterruptibly();
        if (ns != null) ns.close();
    }

    static RawHttp.Response get(String target) throws Exception {
        return ns.call(() -> {
            try (RawHttp c = new RawHttp(proxy.address())) {
                return c.send("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            }
        });
    }

    @Test
    void standinsReallyAnswerTheForbiddenAddresses() throws Exception {
        // Without this, a 403 could just mean "nothing there"; the stand-ins make the denials meaningful.
        for (String ip : List.of("169.254.169.254", "10.0.0.1", "192.168.1.1", "198.51.100.7")) {
            RawHttp.Response r = ns.call(() -> {
                try (RawHttp c = new RawHttp(new InetSocketAddress(ip, 80))) {
                    return c.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                }
            });
            assertTrue(r.body().contains("standin MARKER local=" + ip), r.body());
        }
    }

    @Test
    void allowedPlainHttpReachesStandinWithOriginFormRequest() throws Exception {
        RawHttp.Response r = get("http://allowed.test:8080/hello?x=1");
        assertEquals(200, r.status(), r.head());
        assertTrue(r.body().contains("local=127.0.0.2 uri=/hello?x=1 host=allowed.test:8080"), r.body());
    }

    @Test
    void metadataAddressIsDeniedInEveryLiteralForm() throws Exception {
        for (String host : List.of("169.254.169.254", "2852039166", "0xA9FEA9FE", "0xa9.0xfe.0xa9.0xfe",
                "0251.0376.0251.0376", "169.254.43518", "[::ffff:169.254.169.254]", "[::ffff:a9fe:a9fe]",
                "169.254.169.254.")) {
            RawHttp.Response r = get("http://" + host + "/latest/meta-data/");
            assertEquals(403, r.status(), host + " -> " + r.head() + r.body());
            assertTrue(r.body().contains("blocked by policy (rule=block-private-networks)"), host + ": " + r.body());
            assertFalse(r.body().contains("standin"), host);
        }
    }

    @Test
    void privateTenAndMappedFormsAreDenied() throws Exception {
        for (String host : List.of("10.0.0.1", "[::ffff:10.0.0.1]", "167772161", "0x0a000001", "012.0.0.1")) {
            RawHttp.Response r = get("http://" + host + "/");
            assertEquals(403, r.status(), host);
            assertFalse(r.body().contains("standin"), host);
        }
    }

    @Test
    void ipv6LoopbackIsDenied() throws Exception {
        RawHttp.Response r = get("http://[::1]:8082/");
        assertEquals(403, r.status(), r.body());
        assertFalse(r.body().contains("standin"));
    }

    @Test
    void nameResolvingToPrivateAddressIsDeniedByTheDialledAddress() throws Exception {
        RawHttp.Response r = get("http://rebind.test/");
        assertEquals(403, r.status());
        assertTrue(r.body().contains("rule=block-private-networks"), r.body());
    }

    @Test
    void evilComIsDeniedOverHttpAndConnect() throws Exception {
        assertEquals(403, get("http://evil.com/").status());
        RawHttp.Response r = ns.call(() -> {
            try (RawHttp c = new RawHttp(proxy.address())) {
                return c.send("CONNECT evil.com:443 HTTP/1.1\r\nHost: evil.com:443\r\n\r\n");
            }
        });
        assertEquals(403, r.status());
        assertTrue(events.stream().anyMatch(e -> e.type().equals("net_connect") && "evil.com".equals(e.domain())
                && e.policy() != null && "block-evil".equals(e.policy().rule()) && !e.policy().allowed()));
    }

    @Test
    void nameInNoAllowRuleFallsToDefaultDeny() throws Exception {
        RawHttp.Response r = get("http://unlisted.test/");
        assertEquals(403, r.status());
        assertTrue(r.body().contains("rule=default-deny-network"), r.body());
        // the same address under an allowed name works: the stand-in is really there
        RawHttp.Response ok = get("http://public.test/");
        assertEquals(200, ok.status());
        assertTrue(ok.body().contains("local=198.51.100.7"), ok.body());
    }

    @Test
    void keepAliveReusesClientAndUpstreamConnections() throws Exception {
        int before = standins.connections.get();
        List<RawHttp.Response> rs = ns.call(() -> {
            try (RawHttp c = new RawHttp(proxy.address())) {
                RawHttp.Response a = c.send("GET http://allowed.test:8080/one HTTP/1.1\r\nHost: allowed.test:8080\r\n\r\n");
                RawHttp.Response b = c.send("POST http://allowed.test:8080/two HTTP/1.1\r\nHost: allowed.test:8080\r\n"
                        + "Content-Length: 5\r\n\r\nhello");
                RawHttp.Response d = c.send("POST http://allowed.test:8080/three HTTP/1.1\r\nHost: allowed.test:8080\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n");
                return List.of(a, b, d);
            }
        });
        assertEquals(200, rs.get(0).status());
        assertTrue(rs.get(1).body().contains("uri=/two") && rs.get(1).body().contains("reqbody=hello"), rs.get(1).body());
        assertTrue(rs.get(2).body().contains("reqbody=abcde"), rs.get(2).body());
        assertEquals(before + 1, standins.connections.get(), "one upstream connection for three requests");
    }

    @Test
    void halfClosingClientStillGetsItsAnswerAndTheConnectionCloses() throws Exception {
        // the client reads continuously while a response is awaited, so its FIN is seen then:
        // the answer must still come back before the proxy closes
        List<Object> r = ns.call(() -> {
            try (RawHttp c = new RawHttp(proxy.address())) {
                c.socket().getOutputStream().write(("GET http://allowed.test:8080/half HTTP/1.1\r\n"
                        + "Host: allowed.test:8080\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                c.socket().shutdownOutput();
                RawHttp.Response resp = c.read();
                return List.of(resp, c.closedByPeer());
            }
        });
        RawHttp.Response resp = (RawHttp.Response) r.get(0);
        assertEquals(200, resp.status());
        assertTrue(resp.body().contains("uri=/half"), resp.body());
        assertEquals(true, r.get(1), "closed after the answer");
    }

    @Test
    void aChunkedBodyCutShortByTheClientsCloseNeverReachesTheOriginAsComplete() throws Exception {
        RawHttp.Response r = ns.call(() -> {
            try (RawHttp c = new RawHttp(proxy.address())) {
                RawHttp.Response first = c.send("GET http://allowed.test:8080/warm HTTP/1.1\r\nHost: allowed.test:8080\r\n\r\n");
                c.socket().getOutputStream().write(("POST http://allowed.test:8080/cut HTTP/1.1\r\nHost: allowed.test:8080\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n2\r\nab\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                c.socket().getOutputStream().flush();
                Thread.sleep(200); // the head and the partial chunk go upstream first
                c.socket().shutdownOutput();
                RawHttp.Response second = c.read();
                return second.status() == -1 ? first : second;
            }
        });
        assertEquals(200, r.status(), "no answer for the cut request, only for the first: " + r.head());
        Thread.sleep(300);
        assertTrue(standins.uris.contains("/warm"), standins.uris.toString());
        assertFalse(standins.uris.contains("/cut"), "the origin must not see the cut body as a complete request");
    }

    @Test
    void aMalformedChunkIsNotTurnedIntoTheEndOfTheBody() throws Exception {
        // the decoder reports a bad chunk size as a failed last part; passing that on would
        // make the client codec write the terminating chunk: the origin would see "ab" as complete
        RawHttp.Response r = ns.call(() -> {
            try (RawHttp c = new RawHttp(proxy.address())) {
                c.socket().getOutputStream().write(("POST http://allowed.test:8080/malformed HTTP/1.1\r\nHost: allowed.test:8080\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n2\r\nab\r\nZZ\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                c.socket().getOutputStream().flush();
                return c.read();
            }
        });
        assertTrue(r.status() == -1 || r.status() >= 400, r.head());
        Thread.sleep(300);
        assertFalse(standins.uris.contains("/malformed"), "the origin must not see a malformed body as complete");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderOnOneConnection() throws Exception {
        List<RawHttp.Response> rs = ns.call(() -> {
            try (RawHttp c = new RawHttp(proxy.address())) {
                StringBuilder all = new StringBuilder();
                for (int i = 0; i < 5; i++) {
                    all.append("GET http://allowed.test:8080/p").append(i).append(" HTTP/1.1\r\nHost: allowed.test:8080\r\n\r\n");
                }
                all.append("GET http://10.0.0.1/after HTTP/1.1\r\nHost: x\r\n\r\n"); // denied: 403 and close
                c.socket().getOutputStream().write(all.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                List<RawHttp.Response> out = new java.util.ArrayList<>();
                for (int i = 0; i < 6; i++) out.add(c.read());
                return out;
            }
        });
        for (int i = 0; i < 5; i++) {
            assertEquals(200, rs.get(i).status());
            assertTrue(rs.get(i).body().contains("uri=/p" + i), rs.get(i).body());
        }
        assertEquals(403, rs.get(5).status());
        assertTrue(rs.get(5).body().contains("rule="), rs.get(5).body());
    }

    @Test
    void onlyAnAllowedCandidateAddressIsDialled() throws Exception {
        // mixed.test answers 192.168.1.1, 169.254.169.254 and 127.0.0.2: only the last may be dialled
        for (int i = 0; i < 3; i++) {
            RawHttp.Response r = get("http://mixed.test:8080/m");
            assertEquals(200, r.status());
            assertTrue(r.body().contains("local=127.0.0.2"), r.body());
        }
    }

    @Test
    void manyConcurrentKeepAliveClients() throws Exception {
        int clients = 100;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(clients, ns.threadFactory("client"));
        try {
            List<java.util.concurrent.Future<Integer>> fs = new java.util.ArrayList<>();
            for (int c = 0; c < clients; c++) {
                fs.add(pool.submit(() -> {
                    int ok = 0;
                    try (RawHttp h = new RawHttp(proxy.address())) {
                        for (int i = 0; i < 5; i++) {
                            RawHttp.Response r = h.send("GET http://allowed.test:8080/c" + i
                                    + " HTTP/1.1\r\nHost: allowed.test:8080\r\n\r\n");
                            if (r.status() == 200 && r.body().contains("uri=/c" + i)) ok++;
                        }
                    }
                    return ok;
                }));
            }
            int total = 0;
            for (var f : fs) total += f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(clients * 5, total);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void upstreamFailureIs502() throws Exception {
        RawHttp.Response r = get("http://allowed.test:8081/");
        assertEquals(502, r.status());
    }

    @Test
    void unresolvableNameIs502() throws Exception {
        assertEquals(502, get("http://nxdomain.test/").status());
    }

    @Test
    void httpsThroughConnectWithCurl(@TempDir Path tmp) throws Exception {
        Path pem = ca.writeCaPem(tmp);
        Sh.Result r = Sh.exec(ns.exec("curl", "-sS", "--max-time", "10", "--cacert", pem.toString(),
                "--proxy", proxy.url(), "https://allowed.test:8443/tls"), 20);
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("standin TLS local=127.0.0.2 uri=/tls"), r.out());
        // the tunnel's close is reported with byte counts
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline && events.stream().noneMatch(e -> e.type().equals("net_close")
                && "allowed.test".equals(e.domain()))) Thread.sleep(20);
        NetEvent close = events.stream().filter(e -> e.type().equals("net_close") && "allowed.test".equals(e.domain()))
                .findFirst().orElseThrow();
        assertTrue(((Long) close.fields().get("bytes_sent")) > 100 && ((Long) close.fields().get("bytes_received")) > 100,
                close.toString());
        assertTrue(events.stream().anyMatch(e -> e.type().equals("dns_query") && "allowed.test".equals(e.domain())
                && "proxy".equals(e.fields().get("source"))));
    }

    @Test
    void curlToMetadataThroughProxyIsForbidden() throws Exception {
        for (String url : List.of("http://169.254.169.254/latest/meta-data/", "https://169.254.169.254/")) {
            Sh.Result r = Sh.exec(ns.exec("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "10",
                    "--proxy", proxy.url(), url), 20);
            String code = r.out().strip();
            assertTrue(code.equals("403") || (url.startsWith("https") && code.equals("000")), url + " -> " + code);
            if (url.startsWith("https")) {
                Sh.Result v = Sh.exec(ns.exec("curl", "-sv", "--max-time", "10", "--proxy", proxy.url(), url), 20);
                assertTrue(v.err().contains("403"), v.err());
            }
        }
    }

    @Test
    void countersMove() throws Exception {
        long denied = rt.metrics().connectionsDenied();
        long allowed = rt.metrics().connectionsAllowed();
        get("http://10.0.0.1/");
        get("http://allowed.test:8080/");
        assertEquals(denied + 1, rt.metrics().connectionsDenied());
        assertEquals(allowed + 1, rt.metrics().connectionsAllowed());
        assertTrue(rt.metrics().prometheus().contains("agentsh_net_connections_total{decision=\"deny\"}"));
    }

    @Test
    void environmentNamesTheProxyInBothCases() {
        var env = proxy.environment();
        for (String k : List.of("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")) {
            assertEquals(proxy.url(), env.get(k), k);
        }
        assertEquals("localhost,127.0.0.1,::1", env.get("NO_PROXY"));
        assertEquals(env.get("NO_PROXY"), env.get("no_proxy"));
    }

    @Test
    void largeBodiesStreamBothWaysOnAKeptAliveConnection() throws Exception {
        String big = "x".repeat(900_000);
        List<RawHttp.Response> rs = ns.call(() -> {
            try (RawHttp c = new RawHttp(proxy.address())) {
                RawHttp.Response a = c.send("POST http://allowed.test:8080/big HTTP/1.1\r\nHost: allowed.test:8080\r\n"
                        + "Content-Length: " + big.length() + "\r\n\r\n" + big);
                RawHttp.Response b = c.send("GET http://allowed.test:8080/after HTTP/1.1\r\nHost: allowed.test:8080\r\n\r\n");
                return List.of(a, b);
            }
        });
        assertEquals(200, rs.get(0).status());
        assertTrue(rs.get(0).body().endsWith("reqbody=" + big + "\n"), "the 900 kB body came back whole");
        assertTrue(rs.get(1).body().contains("uri=/after"), rs.get(1).body());
    }
}
