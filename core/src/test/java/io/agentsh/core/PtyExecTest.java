package io.agentsh.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentsh.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/v1/sessions/{id}/pty end to end against a real pty: terminal, resize, exit, deny, hang-up. */
public class PtyExecTest {
    private static TestDaemon d;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        d = TestDaemon.start(ApiSurfaceTest.exeDev(TestDaemon.compat().resolve("exe.dev")), b -> { });
    }

    @AfterAll
    static void stop() throws Exception {
        if (d != null) d.close();
    }

    /** A client that collects output and the final control frame. */
    public static final class Client implements WebSocket.Listener {
        public final ByteArrayOutputStream out = new ByteArrayOutputStream();
        public final CompletableFuture<JsonNode> last = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        WebSocket ws;

        static Client open(String sid) throws Exception {
            return open(d, sid);
        }

        public static Client open(TestDaemon daemon, String sid) throws Exception {
            Client c = new Client();
            c.ws = daemon.http.newWebSocketBuilder().buildAsync(
                    URI.create(daemon.base.replace("http://", "ws://") + "/api/v1/sessions/" + sid + "/pty"), c)
                    .get(10, TimeUnit.SECONDS);
            return c;
        }

        public void send(Map<String, Object> m) {
            ws.sendText(Json.encode(m), true).join();
        }

        public synchronized String output() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String waitFor(Pattern p) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (System.nanoTime() < end) {
                String o = output();
                if (p.matcher(o).find()) return o;
                if (last.isDone()) break;
                Thread.sleep(20);
            }
            throw new AssertionError("no " + p + " in output: " + output() + " / last frame: " + last.getNow(null));
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean lastPart) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            synchronized (this) {
                out.writeBytes(b);
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean lastPart) {
            text.append(data);
            if (lastPart) {
                try {
                    last.complete(Json.MAPPER.readTree(text.toString()));
                } catch (Exception e) {
                    last.completeExceptionally(e);
                }
                text.setLength(0);
            }
            w.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            last.completeExceptionally(error);
        }
    }

    @Test
    void commandGetsAControllingTerminalResizesAndExitCode(@TempDir Path ws) throws Exception {
        String sid = d.session(ws, null);
        Client c = Client.open(sid);
        c.send(Map.of("type", "start", "command", "/bin/sh", "rows", 30, "cols", 100, "args", List.of("-c",
                "tty; [ -t 0 ] && [ -t 1 ] && echo STDIN-IS-A-TTY; echo \"SIZE $(stty size)\"; "
                        + "read line; echo \"GOT $line\"; echo \"SIZE2 $(stty size)\"; "
                        + "ps -o tty= -p $$ | sed 's/^/CTTY /'; exit 7")));
        String o = c.waitFor(Pattern.compile("SIZE 30 100"));
        assertTrue(o.contains("/dev/pts/"), o);
        assertTrue(o.contains("STDIN-IS-A-TTY"), o);
        c.send(Map.of("type", "resize", "rows", 40, "cols", 120));
        Thread.sleep(100);
        c.ws.sendBinary(ByteBuffer.wrap("hello\r".getBytes(StandardCharsets.UTF_8)), true).join();
        o = c.waitFor(Pattern.compile("SIZE2 40 120"));
        assertTrue(o.contains("GOT hello"), o);
        JsonNode exit = c.last.get(20, TimeUnit.SECONDS);
        assertEquals("exit", exit.get("type").asText(), exit.toString());
        assertEquals(7, exit.get("exit_code").asInt());
        o = c.output();
        Matcher m = Pattern.compile("CTTY (pts/\\d+)").matcher(o);
        assertTrue(m.find(), "the shell has the pty as its controlling terminal: " + o);
    }

    @Test
    void deniedCommandGetsAnErrorFrameAndNeverRuns(@TempDir Path ws) throws Exception {
        String sid = d.session(ws, null);
        Path marker = ws.resolve("ran");
        TestDaemon.Reply plain = d.post("/api/v1/sessions/" + sid + "/exec",
                Json.encode(Map.of("command", "sudo", "args", List.of("touch", marker.toString()))));
        assertEquals(403, plain.status(), plain.body());
        Client c = Client.open(sid);
        c.send(Map.of("type", "start", "command", "sudo", "args", List.of("touch", marker.toString())));
        JsonNode err = c.last.get(20, TimeUnit.SECONDS);
        assertEquals("error", err.get("type").asText(), err.toString());
        assertEquals(403, err.get("code").asInt());
        assertEquals("command denied by policy", err.get("message").asText());
        assertFalse(Files.exists(marker));
        // The session's exec lock was released: the next command runs.
        Client next = Client.open(sid);
        next.send(Map.of("type", "start", "command", "/bin/echo", "args", List.of("after-deny")));
        assertEquals(0, next.last.get(20, TimeUnit.SECONDS).get("exit_code").asInt());
        assertTrue(next.output().contains("after-deny"), next.output());
    }

    @Test
    void unknownSessionAndBadStartFrames(@TempDir Path ws) throws Exception {
        Client c = Client.open("no-such-session");
        c.send(Map.of("type", "start", "command", "/bin/true"));
        JsonNode err = c.last.get(20, TimeUnit.SECONDS);
        assertEquals(404, err.get("code").asInt(), err.toString());
        assertEquals("session not found", err.get("message").asText());

        String sid = d.session(ws, null);
        Client bad = Client.open(sid);
        bad.send(Map.of("type", "resize", "rows", 1, "cols", 1));
        assertEquals("expected type=start", bad.last.get(20, TimeUnit.SECONDS).get("message").asText());

        HttpResponse<String> noUpgrade = d.http.send(HttpRequest.newBuilder(
                URI.create(d.base + "/api/v1/sessions/" + sid + "/pty")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, noUpgrade.statusCode());
        assertEquals("{\"error\":\"websocket upgrade required\"}\n", noUpgrade.body());
    }

    @Test
    void closingTheSocketEndsTheCommandAndFreesThePty(@TempDir Path ws) throws Exception {
        String sid = d.session(ws, null);
        long fdsBefore = openFds();
        for (int round = 0; round < 3; round++) {
            Client c = Client.open(sid);
            c.send(Map.of("type", "start", "command", "/bin/sh", "args", List.of("-c", "echo PID $$; exec sleep 1000")));
            Matcher m = Pattern.compile("PID (\\d+)").matcher(c.waitFor(Pattern.compile("PID \\d+")));
            assertTrue(m.find());
            long pid = Long.parseLong(m.group(1));
            assertTrue(ProcessHandle.of(pid).isPresent());
            c.ws.abort();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (Files.exists(Path.of("/proc/" + pid)) && System.nanoTime() < end) Thread.sleep(50);
            assertFalse(Files.exists(Path.of("/proc/" + pid)), "the command ended after the hang-up");
        }
        // The pty masters and reader threads are released (a little slack for unrelated daemon fds).
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (openPtmx() > 0 && System.nanoTime() < end) Thread.sleep(50);
        assertEquals(0, openPtmx(), "no pty master left open");
        assertTrue(openFds() <= fdsBefore + 5, "fds before " + fdsBefore + ", after " + openFds());
        // and the session takes the next command
        Client next = Client.open(sid);
        next.send(Map.of("type", "start", "command", "/bin/echo", "args", List.of("still-works")));
        assertNotNull(next.last.get(20, TimeUnit.SECONDS));
        assertTrue(next.output().contains("still-works"));
    }

    @Test
    void inputTheCommandNeverReadsDoesNotWedgeTheEnd(@TempDir Path ws) throws Exception {
        String sid = d.session(ws, null);
        Client c = Client.open(sid);
        c.send(Map.of("type", "start", "command", "/bin/sleep", "args", List.of("1")));
        byte[] chunk = "x".repeat(4096).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < 64; i++) c.ws.sendBinary(ByteBuffer.wrap(chunk), true).join();
        JsonNode exit = c.last.get(30, TimeUnit.SECONDS);
        assertEquals("exit", exit.get("type").asText(), exit.toString());
        assertEquals(0, exit.get("exit_code").asInt());
    }

    @Test
    void outputDlpAppliesToTheTerminalStreamAcrossChunks(@TempDir Path ws) throws Exception {
        try (TestDaemon dlp = TestDaemon.start(new FakePolicies(Map.of(), null), b -> { })) {
            dlp.daemon.execService().outputRedactors().enable(io.agentsh.proxy.dlp.DlpEngine.compile(
                    new io.agentsh.proxy.dlp.DlpSettings(io.agentsh.proxy.dlp.DlpMode.TOKENIZE,
                            java.util.EnumSet.of(io.agentsh.proxy.dlp.BuiltinDetector.EMAIL), List.of(), null)),
                    io.agentsh.proxy.dlp.DlpMode.TOKENIZE);
            String sid = dlp.session(ws, null);
            Client c = Client.open(dlp, sid);
            // The address leaves the command in two writes: the redactor must see it whole.
            c.send(Map.of("type", "start", "command", "/bin/sh", "args", List.of("-c",
                    "printf 'mail alice@exa'; sleep 0.02; printf 'mple.com end\\n'")));
            assertEquals(0, c.last.get(20, TimeUnit.SECONDS).get("exit_code").asInt());
            String o = c.output();
            assertFalse(o.contains("alice@example.com"), o);
            assertFalse(o.contains("alice@exa"), o);
            assertTrue(Pattern.compile("mail \\[TOKEN:email:[0-9a-f]{16}] end").matcher(o).find(), o);
        }
    }

    private static long openFds() throws Exception {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static long openPtmx() throws Exception {
        long n = 0;
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    if (Files.readSymbolicLink(p).toString().equals("/dev/ptmx")) n++;
                } catch (Exception ignored) {
                    // the fd closed while listing
                }
            }
        }
        return n;
    }
}
