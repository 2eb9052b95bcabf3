package io.agentsh.proxy.llm;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * A stand-in for a provider on 127.0.0.x (never a real host): records each request and answers
 * with a canned JSON body or an SSE stream written event by event with flushes in between.
 */
final class FakeUpstream implements AutoCloseable {

    record Received(String method, String path, String host, String body, String authorization) {
    }

    /** What to answer: JSON (status + body) or SSE (a list of raw events, flushed one by one). */
    record Reply(int status, String json, List<String> sseEvents) {
        static Reply json(String body) {
            return new Reply(200, body, null);
        }

        static Reply sse(List<String> events) {
            return new Reply(200, null, events);
        }
    }

    final List<Received> received = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final boolean tls;
    volatile Reply reply = Reply.json("{}");

    FakeUpstream(String ip, SSLContext ssl) throws IOException {
        this.tls = ssl != null;
        InetSocketAddress addr = new InetSocketAddress(ip, 0);
        if (ssl != null) {
            HttpsServer s = HttpsServer.create(addr, 0);
            s.setHttpsConfigurator(new HttpsConfigurator(ssl));
            server = s;
        } else {
            server = HttpServer.create(addr, 0);
        }
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri() {
        return URI.create((tls ? "https" : "http") + "://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort());
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        received.add(new Received(ex.getRequestMethod(), ex.getRequestURI().toString(),
                ex.getRequestHeaders().getFirst("Host"), body, ex.getRequestHeaders().getFirst("Authorization")));
        Reply r = reply;
        if (r.sseEvents() == null) {
            byte[] b = r.json().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(r.status(), b.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(b);
            }
            return;
        }
        ex.getResponseHeaders().set("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream o = ex.getResponseBody()) {
            for (String e : r.sseEvents()) {
                o.write(e.getBytes(StandardCharsets.UTF_8));
                o.flush();
                try {
                    Thread.sleep(2);   // separate chunks on the wire
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
