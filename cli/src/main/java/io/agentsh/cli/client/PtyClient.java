package io.agentsh.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentsh.core.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The client side of {@code agentsh exec --pty} (reference exec_pty.go): a WebSocket to
 * {@code /api/v1/sessions/SID/pty}, the local terminal in raw mode while it runs (when stdin and
 * stdout are terminals), stdin up as binary frames, output down to stdout, SIGWINCH as resize and
 * INT/TERM/HUP/QUIT as signal frames, and the command's exit code as ours.
 */
final class PtyClient {
    /** How the conversation ended: an exit frame, or an error frame (code 0 when it had none). */
    record Ending(Integer exitCode, int errorCode, String message) {}

    private final ApiClient client;
    private final LocalTerminal terminal;
    private final InputStream in;
    private final OutputStream out;

    PtyClient(ApiClient client, LocalTerminal terminal, InputStream in, OutputStream out) {
        this.client = client;
        this.terminal = terminal;
        this.in = in;
        this.out = out;
    }

    Ending run(String sid, ObjectNode start) throws IOException, InterruptedException {
        URI server = client.server();
        if (!"http".equals(server.getScheme())) {
            throw new ClientCommand.Exit(1, "--pty needs an http:// server URL (the WebSocket client does not speak unix sockets)");
        }
        if (terminal.isTerminal()) {
            int[] size = terminal.size();
            if (size != null) {
                start.put("rows", size[0]);
                start.put("cols", size[1]);
            }
        }
        Listener listener = new Listener(out);
        WebSocket.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                .newWebSocketBuilder();
        if (client.apiKey() != null && !client.apiKey().isEmpty()) b.header("X-API-Key", client.apiKey());
        String tp = System.getenv("TRACEPARENT");
        if (tp != null && !tp.isEmpty()) b.header("Traceparent", tp);
        URI uri = URI.create("ws://" + server.getRawAuthority() + "/api/v1/sessions/" + sid + "/pty");
        WebSocket ws;
        try {
            ws = b.buildAsync(uri, listener).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            Throwable c = e.getCause() != null ? e.getCause() : e;
            throw new IOException("GET " + uri + ": " + (c.getMessage() != null ? c.getMessage() : c.toString()), c);
        }
        ws.sendText(Json.encode(start), true).join();
        boolean raw = terminal.isTerminal() && terminal.enterRaw();
        try {
            terminal.onSignals(size -> send(ws, Map.of("type", "resize", "rows", size[0], "cols", size[1])),
                    name -> send(ws, Map.of("type", "signal", "name", name)));
            Thread stdin = Thread.ofPlatform().daemon().name("agentsh-pty-stdin").start(() -> pumpStdin(in, ws));
            Ending end = listener.ending.join();
            stdin.interrupt();
            return end;
        } finally {
            if (raw) terminal.restore();
            ws.abort();
        }
    }

    private static void send(WebSocket ws, Map<String, Object> frame) {
        try {
            ws.sendText(Json.encode(frame), true);
        } catch (RuntimeException ignored) {
            // the socket is closing: nothing to deliver to
        }
    }

    /** Our stdin, as typed (raw mode), up to the command. */
    private static void pumpStdin(InputStream in, WebSocket ws) {
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                ws.sendBinary(ByteBuffer.wrap(buf.clone(), 0, n), true).get();
            }
        } catch (IOException | ExecutionException | RuntimeException e) {
            // stdin closed or the socket went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Listener implements WebSocket.Listener {
        final CompletableFuture<Ending> ending = new CompletableFuture<>();
        private final OutputStream out;
        private final StringBuilder text = new StringBuilder();

        Listener(OutputStream out) {
            this.out = out;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            try {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                out.write(b);
                out.flush();
            } catch (IOException ignored) {
                // our stdout is gone; the command still gets to finish
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String t = text.toString();
                text.setLength(0);
                try {
                    JsonNode n = Json.MAPPER.readTree(t);
                    switch (n.path("type").asText("")) {
                        case "exit" -> ending.complete(new Ending(n.path("exit_code").asInt(0), 0, null));
                        case "error" -> ending.complete(new Ending(null, n.path("code").asInt(0),
                                n.path("message").asText("")));
                        default -> { }
                    }
                } catch (IOException e) {
                    ending.complete(new Ending(null, 0, "malformed control frame from the server: " + t));
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            ending.complete(new Ending(null, 0, "connection closed by the server before the command ended"));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            ending.complete(new Ending(null, 0, "pty connection failed: " + error.getMessage()));
        }
    }
}
