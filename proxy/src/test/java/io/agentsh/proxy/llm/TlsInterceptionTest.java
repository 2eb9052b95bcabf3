package io.agentsh.proxy.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentsh.proxy.dlp.DlpSettings;
import io.agentsh.proxy.dlp.Redactor;
import io.agentsh.proxy.llm.tls.InterceptionCa;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Optional TLS interception: a client that trusts the per-install CA talks TLS "to the provider"
 * (here the fake provider's address 127.0.0.2) through a connection handed to the proxy, and its
 * request reaches the real (fake) provider redacted.
 */
class TlsInterceptionTest {
    @TempDir
    Path tmp;

    @Test
    void interceptedTlsRequestIsRedactedAndForwarded() throws Exception {
        TestCa upstreamCa = new TestCa();
        try (FakeUpstream upstream = new FakeUpstream("127.0.0.2", upstreamCa.serverContext("127.0.0.2"))) {
            upstream.reply = FakeUpstream.Reply.json("{\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}");
            LlmProxy proxy = LlmProxy.start(new LlmProxySettings(LlmProxySettings.Mode.EMBEDDED, null, 0, upstream.uri(),
                    null, null, tmp.resolve("sessions"), List.of(upstreamCa.caCert), 0, Duration.ofSeconds(10)), null);
            EventLoopGroup tunnelLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
            try {
                InterceptionCa ca = InterceptionCa.loadOrCreate(tmp.resolve("ca"));
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("ca/ca.key"))));
                assertEquals(ca.certificate(), InterceptionCa.loadOrCreate(tmp.resolve("ca")).certificate(), "reused, not regenerated");
                int port = upstream.uri().getPort();
                assertFalse(proxy.intercepts("127.0.0.2", port), "off by default");
                proxy.enableTlsInterception(ca);
                assertTrue(proxy.intercepts("127.0.0.2", port));
                assertFalse(proxy.intercepts("127.0.0.9", 443), "only configured providers");
                proxy.registerSession("s1", Redactor.create(DlpSettings.defaults()));
                assertThrows(IllegalStateException.class, () -> proxy.interceptTls(null, "example.org", 443, "s1"));

                // Stands in for the network proxy's CONNECT tunnel: every connection is handed over.
                Channel tunnel = new ServerBootstrap().group(tunnelLoop).channel(NioServerSocketChannel.class)
                        .childHandler(new ChannelInitializer<SocketChannel>() {
                            @Override
                            protected void initChannel(SocketChannel ch) {
                                proxy.interceptTls(ch, "127.0.0.2", port, "s1");
                            }
                        }).bind(new InetSocketAddress("127.0.0.4", 0)).sync().channel();
                int tunnelPort = ((InetSocketAddress) tunnel.localAddress()).getPort();

                String body = "{\"messages\":[{\"role\":\"user\",\"content\":\"mail bob@example.com and sk-"
                        + "a".repeat(30) + "\"}]}";
                String response = exchange(clientContext(ca), tunnelPort, "POST /v1/messages HTTP/1.1\r\nHost: 127.0.0.2\r\n"
                        + "x-api-key: k\r\ncontent-type: application/json\r\nconnection: close\r\ncontent-length: "
                        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body);
                assertTrue(response.startsWith("HTTP/1.1 200"), response);
                assertEquals(1, upstream.received.size());
                assertFalse(upstream.received.get(0).body().contains("bob@"), upstream.received.get(0).body());
                assertTrue(upstream.received.get(0).body().contains("[REDACTED:api_key]"));

                // A client that does not trust the interception CA gets no connection at all.
                assertThrows(SSLHandshakeException.class, () -> exchange(clientContext(new TestCa().caCert), tunnelPort, "GET / HTTP/1.1\r\n\r\n"));
                tunnel.close().sync();
            } finally {
                tunnelLoop.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
                proxy.close();
            }
        }
    }

    private static SSLContext clientContext(InterceptionCa ca) throws Exception {
        return clientContext(ca.certificate());
    }

    private static SSLContext clientContext(java.security.cert.X509Certificate trusted) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setCertificateEntry("ca", trusted);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /** One request over TLS to the tunnel, verifying the certificate as the provider's (127.0.0.2). */
    private static String exchange(SSLContext ctx, int tunnelPort, String request) throws Exception {
        try (Socket raw = new Socket("127.0.0.4", tunnelPort);
             SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(raw, "127.0.0.2", tunnelPort, true)) {
            SSLParameters p = tls.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS");
            tls.setSSLParameters(p);
            tls.setSoTimeout(15_000);
            tls.startHandshake();
            OutputStream out = tls.getOutputStream();
            out.write(request.getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = tls.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
