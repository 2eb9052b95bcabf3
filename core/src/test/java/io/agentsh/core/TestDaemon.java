package io.agentsh.core;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentsh.core.config.DaemonConfig;
import io.agentsh.core.json.Json;
import io.agentsh.core.policy.PolicyProvider;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** A real daemon on an ephemeral loopback port with its own data dir, and an HTTP client for it. */
public final class TestDaemon implements AutoCloseable {
    public record Reply(int status, String body) {
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    public final Daemon daemon;
    public final Path dataDir;
    public final HttpClient http;
    public final String base;

    private TestDaemon(Daemon daemon, Path dataDir) {
        this.daemon = daemon;
        this.dataDir = dataDir;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.base = "http://127.0.0.1:" + daemon.httpPort();
    }

    /**
     * Starts a daemon on a data dir of its own, removed again by {@link #close()} (or here when the
     * start fails). Not a JUnit @TempDir: this helper serves static and per-test daemons alike, and
     * the unix socket inside it must keep a short path.
     */
    public static TestDaemon start(PolicyProvider policies, Consumer<DaemonConfig.Builder> tweak) throws Exception {
        Path data = Files.createTempDirectory("agentsh-test-");
        try {
            DaemonConfig.Builder b = DaemonConfig.builder();
            b.httpAddr = "127.0.0.1:0";
            b.dataDir = data;
            b.unixSocketPath = data.resolve("agentsh.sock");
            b.policiesDir = compat().resolve("exe.dev");
            tweak.accept(b);
            return new TestDaemon(Daemon.start(b.build(), policies), data);
        } catch (Exception | Error e) {
            deleteTree(data);
            throw e;
        }
    }

    /** ../shared/compat, found by walking up from the working directory. */
    public static Path compat() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("shared/compat");
            if (Files.isDirectory(c)) return c;
        }
        throw new IllegalStateException("shared/compat not found above " + Path.of("").toAbsolutePath());
    }

    public Reply send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        rb.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) rb.header("Content-Type", "application/json");
        HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    public Reply post(String path, String body) throws IOException, InterruptedException {
        return send("POST", path, body);
    }

    public Reply get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    /** Creates a session on {@code workspace} and returns its id. */
    public String session(Path workspace, String policy) throws Exception {
        String body = "{\"workspace\":" + Json.encode(workspace.toString())
                + (policy == null ? "" : ",\"policy\":" + Json.encode(policy)) + "}";
        Reply r = post("/api/v1/sessions", body);
        if (r.status() != 201) throw new AssertionError("create session: " + r.status() + " " + r.body());
        return r.json().get("id").asText();
    }

    @Override
    public void close() throws IOException {
        try {
            daemon.close();
            http.shutdownNow();
        } finally {
            deleteTree(dataDir);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (Stream<Path> w = Files.walk(root)) {
            w.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
