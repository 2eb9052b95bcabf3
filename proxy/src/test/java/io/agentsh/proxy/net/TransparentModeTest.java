package io.agentsh.proxy.net;

import io.agentsh.proxy.testing.FakeDns;
import io.agentsh.proxy.testing.Sh;
import io.agentsh.proxy.testing.Standins;
import io.agentsh.proxy.testing.TestNamespace;
import io.agentsh.proxy.testing.TestPolicy;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Transparent mode end to end, as root: a private "daemon" namespace (where the proxy runs and
 * dials from, and where stand-ins answer the forbidden addresses) and a session namespace built
 * by {@link NetworkService} with veth + nftables. Clients inside the session ignore proxy
 * variables ({@code curl --noproxy '*'}, python sockets) and are governed all the same.
 */
class TransparentModeTest {
    static TestNamespace daemon;
    static EventLoopGroup group;
    static Standins standins;
    static FakeDns dns;
    static NetworkService service;
    static SessionNetwork session;
    static Channel udpStandin;
    static final AtomicInteger udpPackets = new AtomicInteger();
    static final List<NetEvent> events = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void setUp() throws Exception {
        Assumptions.assumeTrue(TestNamespace.available(),
                "transparent mode test skipped: needs root with ip netns, veth and nft (not available here)");
        daemon = new TestNamespace("daemon");
        daemon.addLoopbackAddresses("169.254.169.254/32", "10.0.0.1/32", "192.168.1.1/32", "198.51.100.7/32",
                "198.51.100.8/32", "198.51.100.9/32", "198.51.100.10/32", "198.51.100.12/32", "198.51.100.13/32", "203.0.113.5/32", "fd00:aaaa::2/128", "fd00:aaaa::9/128");
        group = Transports.group(1, daemon.threadFactory("standin"));
        standins = new Standins(group);
        var ssl = new io.agentsh.proxy.testing.TestCa("sniffed.test").serverContext();
        daemon.call(() -> {
            standins.https(new InetSocketAddress("0.0.0.0", 8443), "TLS", ssl);
            standins.http(new InetSocketAddress("0.0.0.0", 80), "MARKER");
            standins.http(new InetSocketAddress("0.0.0.0", 8080), "MARKER");
            standins.http(new InetSocketAddress("fd00:aaaa::2", 8081), "MARKER6");
            standins.http(new InetSocketAddress("fd00:aaaa::9", 8081), "MARKER6");
            dns = new FakeDns(group, new InetSocketAddress("127.0.0.1", 5353));
            standins.countUntilEof(new InetSocketAddress("203.0.113.5", 7000));
            udpStandin = new Bootstrap().group(group).channel(Transports.datagram())
                    .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                            udpPackets.incrementAndGet();
                        }
                    }).bind(new InetSocketAddress("0.0.0.0", 9999)).syncUninterruptibly().channel();
            return null;
        });
        dns.put("public.test", "198.51.100.7").put("unlisted.test", "198.51.100.8").put("rebind.test", "192.168.1.1")
                .put("evil.com", "203.0.113.5").put("v6.test", "fd00:aaaa::2")
                .put("sniffed.test", "198.51.100.9").put("redirected.test", "198.51.100.11")
                .put("approve.test", "198.51.100.12").put("approve-no.test", "198.51.100.13");
        ProxyConfig cfg = ProxyConfig.of(List.of(dns.address())).withThreads(2)
                .withThreadFactory(daemon.threadFactory("proxy"));
        service = NetworkService.start(cfg, events::add,
                new NetworkOptions(null, true, "10.251.0.0/16", daemon.name));
        assertTrue(service.transparentStatus().available(), service.transparentStatus().detail());
        NetworkPolicy policy = TestPolicy.standard().allowCidr("allow-doc-net", "203.0.113.0/24")
                .allowDomains("allow-by-name", java.util.Set.of(8080, 8443), "sniffed.test", "redirected.test")
                .connectRedirect("redirected.test:8080", ConnectRedirectTarget.of("to-public", "198.51.100.7:8080", null,
                        "passthrough", null, "warn", "moved", "fail_closed"))
                .approveDomains("approve-by-name", java.util.Set.of(8080), "approve.test", "approve-no.test")
                .approver((target, pending) -> java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> target.startsWith("approve.test:") ? pending.approved("approval-t1")
                                : pending.refused("approval-t2", "approval timed out"),
                        java.util.concurrent.CompletableFuture.delayedExecutor(200, java.util.concurrent.TimeUnit.MILLISECONDS,
                                java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor())));
        session = service.openSession("sess-transparent", policy);
        assertEquals("transparent", session.mode(), session.fallbackReason());
    }

    @AfterAll
    static void tearDown() throws Exception {
        String ns = session == null ? null : session.netnsName().orElse(null);
        if (session != null) session.close();
        if (service != null) service.close();
        if (udpStandin != null) udpStandin.close().syncUninterruptibly();
        if (dns != null) dns.close();
        if (standins != null) standins.close();
        if (group != null) group.shutdownGracefully().syncUninterruptibly();
        if (daemon != null) daemon.close();
        if (ns != null) {
            assertFalse(Sh.exec(List.of("ip", "netns", "list"), 10).out().contains(ns), "namespace removed");
        }
    }

    static Sh.Result inSession(String... cmd) throws Exception {
        List<String> l = new ArrayList<>(List.of("ip", "netns", "exec", session.netnsName().orElseThrow()));
        l.addAll(List.of(cmd));
        return Sh.exec(l, 30);
    }

    static Sh.Result curl(String... args) throws Exception {
        List<String> l = new ArrayList<>(List.of("env", "-u", "HTTP_PROXY", "-u", "http_proxy", "curl", "-sS",
                "--noproxy", "*", "--max-time", "5"));
        l.addAll(List.of(args));
        return inSession(l.toArray(String[]::new));
    }

    static Sh.Result python(String code) throws Exception {
        return inSession("python3", "-c", code);
    }

    @Test
    void allowedNameIsReachedWithoutProxyVariables() throws Exception {
        Sh.Result r = curl("http://public.test:8080/x");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("standin MARKER local=198.51.100.7 uri=/x"), r.out());
        assertTrue(events.stream().anyMatch(e -> e.type().equals("net_connect") && "public.test".equals(e.domain())
                && e.policy().allowed() && "198.51.100.7:8080".equals(e.remote())));
    }

    @Test
    void metadataAndPrivateAddressesAreResetNotReached() throws Exception {
        for (String url : List.of("http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/", "http://192.168.1.1:8080/",
                "http://2852039166/", "http://rebind.test/")) {
            Sh.Result r = curl(url);
            assertNotEquals(0, r.exit(), url);
            assertFalse(r.out().contains("standin"), url + " reached the stand-in: " + r.out());
        }
        assertTrue(events.stream().anyMatch(e -> e.type().equals("net_connect") && "169.254.169.254:80".equals(e.remote())
                && !e.policy().allowed() && "block-private-networks".equals(e.policy().rule())));
    }

    @Test
    void nameInNoAllowRuleIsReset() throws Exception {
        Sh.Result r = curl("http://unlisted.test/");
        assertNotEquals(0, r.exit());
        assertFalse(r.out().contains("standin"));
        // A reset is the expected answer; under heavy CPU load curl has also been seen to report the
        // reset as a failed connect (exit 7). Either way nothing reached the stand-in (checked above).
        assertTrue(r.err().contains("reset") || r.err().contains("Empty reply") || r.err().contains("Recv failure")
                || r.exit() == 7, r.err());
    }

    @Test
    void everyDnsQueryReachesTheDnsProxyWhateverServerItNames() throws Exception {
        for (String server : List.of("@8.8.8.8", "@127.0.0.53", "@10.255.255.53", "@2001:db8::53", "@::1")) {
            Sh.Result udp = inSession("dig", server, "+tries=1", "+time=3", "public.test", "A");
            assertTrue(udp.out().contains("198.51.100.7"), server + ": " + udp.out());
            Sh.Result tcp = inSession("dig", server, "+tcp", "+tries=1", "+time=3", "evil.com", "A");
            assertTrue(tcp.out().contains("status: REFUSED"), server + " tcp: " + tcp.out());
        }
    }

    @Test
    void deniedNameIsRefusedAtDnsAndItsAddressStaysUnnamed() throws Exception {
        Sh.Result r = curl("http://evil.com/");
        assertEquals(6, r.exit(), "curl: could not resolve host; " + r.err());
        assertTrue(events.stream().anyMatch(e -> e.type().equals("dns_query") && "evil.com".equals(e.domain())
                && !e.policy().allowed()));
    }

    @Test
    void pythonSocketsAreGovernedToo() throws Exception {
        Sh.Result denied = python("""
                import socket
                try:
                    s = socket.create_connection(("10.0.0.1", 80), timeout=5)
                    s.sendall(b"GET / HTTP/1.0\\r\\n\\r\\n")
                    print("GOT", s.recv(1000))
                except Exception as e:
                    print("ERR", type(e).__name__)
                """);
        assertFalse(denied.out().contains("standin"), denied.out());
        assertTrue(denied.out().contains("ConnectionResetError") || denied.out().contains("GOT b''"), denied.out() + denied.err());
        Sh.Result allowed = python("""
                import socket
                s = socket.create_connection(("203.0.113.5", 8080), timeout=5)
                s.sendall(b"GET /py HTTP/1.0\\r\\n\\r\\n")
                data = b""
                while True:
                    d = s.recv(4096)
                    if not d: break
                    data += d
                print(data.decode())
                """);
        assertTrue(allowed.out().contains("standin MARKER local=203.0.113.5 uri=/py"), allowed.out() + allowed.err());
    }

    @Test
    void halfCloseIsPassedThrough() throws Exception {
        Sh.Result r = python("""
                import socket
                s = socket.create_connection(("203.0.113.5", 7000), timeout=5)
                s.sendall(b"x" * 100000)
                s.shutdown(socket.SHUT_WR)
                data = b""
                while True:
                    d = s.recv(4096)
                    if not d: break
                    data += d
                print(data.decode())
                """);
        assertTrue(r.out().contains("got 100000 bytes"), "out=" + r.out() + " err=" + r.err() + " events="
                + events.stream().filter(e -> String.valueOf(e.remote()).contains("7000")).toList());
        long deadline = System.currentTimeMillis() + 5000;
        while (System.currentTimeMillis() < deadline && events.stream().noneMatch(e -> e.type().equals("net_close")
                && "203.0.113.5:7000".equals(e.remote()))) Thread.sleep(20);
        NetEvent close = events.stream().filter(e -> e.type().equals("net_close") && "203.0.113.5:7000".equals(e.remote()))
                .findFirst().orElseThrow();
        assertEquals(100000L, close.fields().get("bytes_sent"));
        assertEquals((long) "got 100000 bytes\n".length(), close.fields().get("bytes_received"));
    }

    @Test
    void udpToOtherPortsAndRawSocketsAreDropped() throws Exception {
        Sh.Result r = python("""
                import socket
                s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                for dst in [("10.0.0.1", 9999), ("203.0.113.5", 9999), ("198.51.100.7", 9999)]:
                    try:
                        s.sendto(b"exfil", dst)
                        print("SENT", dst)
                    except OSError as e:
                        print("ERR", e.errno)
                try:
                    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
                    raw.sendto(b"\\x08\\x00\\xf7\\xff\\x00\\x00\\x00\\x00", ("10.0.0.1", 0))
                    print("RAW SENT")
                except OSError as e:
                    print("RAW ERR", e.errno)
                """);
        Thread.sleep(500);
        assertEquals(0, udpPackets.get(), "UDP reached the daemon side: " + r.out());
        assertTrue(r.out().contains("RAW ERR 1") || r.out().contains("RAW SENT"), r.out() + r.err());
    }

    @Test
    void ipv6IsGovernedNotIgnored() throws Exception {
        Sh.Result ok = curl("-g", "http://[fd00:aaaa::2]:8081/six");
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("standin MARKER6 local=fd00:aaaa:0:0:0:0:0:2 uri=/six"), ok.out());
        Sh.Result denied = curl("-g", "http://[fd00:aaaa::9]:8081/");
        assertNotEquals(0, denied.exit());
        assertFalse(denied.out().contains("standin"));
    }

    @Test
    void daemonSideOfTheVethIsNotReachable() throws Exception {
        String hostIp = "10.251.0." + (session.context() == null ? 1 : 1);
        Sh.Result r = curl("http://" + hostIp + ":8080/");
        assertNotEquals(0, r.exit());
        assertFalse(r.out().contains("standin"));
    }

    @Test
    void proxyAwareClientsGetTheExplicitProxyInsideTheNamespace() throws Exception {
        String url = session.proxyUrl();
        Sh.Result ok = inSession("curl", "-sS", "--max-time", "5", "--proxy", url, "http://public.test:8080/p");
        assertTrue(ok.out().contains("standin MARKER local=198.51.100.7 uri=/p"), ok.out() + ok.err());
        Sh.Result denied = inSession("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "5",
                "--proxy", url, "http://unlisted.test/");
        assertEquals("403", denied.out().strip());
        assertEquals(url, session.environment().get("HTTPS_PROXY"));
    }

    static String pythonGet(String ip, int port, String host) throws Exception {
        Sh.Result r = python("""
                import socket
                try:
                    s = socket.create_connection(("%s", %d), timeout=8)
                    s.sendall(b"GET /sniff HTTP/1.0\\r\\nHost: %s\\r\\n\\r\\n")
                    data = b""
                    while True:
                        d = s.recv(4096)
                        if not d: break
                        data += d
                    print(data.decode())
                except Exception as e:
                    print("ERR", type(e).__name__)
                """.formatted(ip, port, host));
        return r.out() + r.err();
    }

    @Test
    void hostHeaderNamesAnAddressTheClientResolvedWithoutUs() throws Exception {
        // 198.51.100.9 is in no CIDR rule; the client never asked our DNS for sniffed.test (think /etc/hosts)
        String out = pythonGet("198.51.100.9", 8080, "sniffed.test");
        assertTrue(out.contains("standin MARKER local=198.51.100.9 uri=/sniff"), out);
        assertTrue(events.stream().anyMatch(e -> e.type().equals("net_connect") && "sniffed.test".equals(e.domain())
                && "198.51.100.9:8080".equals(e.remote()) && e.policy().allowed()));
    }

    @Test
    void spoofedHostHeaderUnlocksNothing() throws Exception {
        // sniffed.test resolves to .9, not .10: naming an allowed host does not open another address
        String out = pythonGet("198.51.100.10", 8080, "sniffed.test");
        assertFalse(out.contains("standin"), out);
        assertTrue(events.stream().anyMatch(e -> e.type().equals("net_connect") && "198.51.100.10:8080".equals(e.remote())
                && !e.policy().allowed() && e.policy().message().contains("does not resolve")), events.toString());
    }

    @Test
    void tlsServerNameNamesTheAddressAndASpoofedOneIsReset() throws Exception {
        Sh.Result ok = curl("-k", "--resolve", "sniffed.test:8443:198.51.100.9", "https://sniffed.test:8443/tls");
        assertEquals(0, ok.exit(), ok.err());
        assertTrue(ok.out().contains("standin TLS local=198.51.100.9 uri=/tls") && ok.out().contains("sni=sniffed.test"),
                ok.out());
        Sh.Result spoof = curl("-k", "--resolve", "sniffed.test:8443:198.51.100.10", "https://sniffed.test:8443/tls");
        assertNotEquals(0, spoof.exit());
        assertFalse(spoof.out().contains("standin"), spoof.out());
    }

    @Test
    void cidrDenyStillAppliesToANameThatReallyResolvesThere() throws Exception {
        // rebind.test is allowed by name and really resolves to 192.168.1.1, which a CIDR rule denies
        String out = pythonGet("192.168.1.1", 8080, "rebind.test");
        assertFalse(out.contains("standin"), out);
    }

    @Test
    void connectRedirectAppliesToTransparentConnections() throws Exception {
        Sh.Result r = curl("http://redirected.test:8080/moved");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().contains("standin MARKER local=198.51.100.7 uri=/moved"), r.out());
        assertTrue(events.stream().anyMatch(e -> e.type().equals("connect_redirect") && "redirected.test".equals(e.domain())
                && "to-public".equals(e.fields().get("rule"))));
        assertTrue(events.stream().anyMatch(e -> e.type().equals("net_connect") && "redirected.test".equals(e.domain())
                && "198.51.100.7:8080".equals(e.fields().get("redirect_to"))));
    }

    @Test
    void approvalRoundTripDecidesTransparentConnections() throws Exception {
        Sh.Result ok = curl("http://approve.test:8080/ap");
        assertEquals(0, ok.exit(), ok.err() + events.stream().filter(e -> String.valueOf(e.remote()).contains("100.12")
                || "approve.test".equals(e.domain())).toList());
        assertTrue(ok.out().contains("standin MARKER local=198.51.100.12 uri=/ap"), ok.out());
        Sh.Result no = curl("http://approve-no.test:8080/");
        assertNotEquals(0, no.exit());
        assertFalse(no.out().contains("standin"), no.out());
        assertTrue(events.stream().anyMatch(e -> e.type().equals("net_connect") && "approve-no.test".equals(e.domain())
                && !e.policy().allowed() && "approval-t2".equals(e.policy().approvalId())
                && "approval timed out".equals(e.policy().message())));
    }
}
