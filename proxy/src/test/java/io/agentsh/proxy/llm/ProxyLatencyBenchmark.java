package io.agentsh.proxy.llm;

import io.agentsh.proxy.bench.MixedText;
import io.agentsh.proxy.dlp.DlpEngine;
import io.agentsh.proxy.dlp.DlpMode;
import io.agentsh.proxy.dlp.DlpSettings;
import io.agentsh.proxy.dlp.Redactor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Added latency of the LLM proxy for a small non-streaming request: the same request to a fake
 * provider on 127.0.0.2, once directly and once through the proxy (DLP on, JSONL log on).
 * Added latency = median(viaProxy) - median(direct).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ProxyLatencyBenchmark {
    static final String BODY = "{\"model\":\"claude-x\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\","
            + "\"content\":\"Summarise the build log: 2026-11-23 INFO build ok in 42 s, 318 tests passed.\"}]}";

    FakeUpstream upstream;
    LlmProxy proxy;
    HttpClient client;
    HttpRequest direct;
    HttpRequest viaProxy;
    Path dir;

    @Setup
    public void setUp() throws Exception {
        upstream = new FakeUpstream("127.0.0.2", null);
        upstream.reply = FakeUpstream.Reply.json("{\"id\":\"msg\",\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],"
                + "\"usage\":{\"input_tokens\":30,\"output_tokens\":2}}");
        dir = Files.createTempDirectory("agentsh-bench");
        proxy = LlmProxy.start(new LlmProxySettings(LlmProxySettings.Mode.EMBEDDED, null, 0, upstream.uri(), upstream.uri(),
                null, dir, List.of(), 0, Duration.ofSeconds(30)), LlmEventSink.NONE);
        Redactor r = Redactor.forSession(DlpEngine.compile(new DlpSettings(DlpMode.REDACT, null, MixedText.EXE_DEV_PATTERNS,
                null)), DlpMode.REDACT);
        LlmSessionHandle h = proxy.registerSession("bench", r);
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        direct = request(upstream.uri() + "/v1/messages");
        viaProxy = request(h.anthropicBaseUrl() + "/v1/messages");
    }

    private static HttpRequest request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(BODY))
                .header("content-type", "application/json").header("x-api-key", "k")
                .header("anthropic-version", "2023-06-01").build();
    }

    @TearDown
    public void tearDown() throws java.io.IOException {
        proxy.close();
        upstream.close();
        try (var w = Files.walk(dir)) {
            w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public int direct() throws Exception {
        upstream.received.clear();
        return client.send(direct, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
    }

    @Benchmark
    public int viaProxy() throws Exception {
        upstream.received.clear();
        return client.send(viaProxy, HttpResponse.BodyHandlers.ofByteArray()).statusCode();
    }
}
