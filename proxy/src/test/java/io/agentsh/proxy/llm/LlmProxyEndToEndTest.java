package io.agentsh.proxy.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentsh.proxy.dlp.CustomPattern;
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
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The proxy end to end on loopback: fake providers on 127.0.0.2 (HTTPS, test CA) and 127.0.0.3 (HTTP). */
class LlmProxyEndToEndTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String OPENAI_KEY = "sk-" + "Abc123Def456Ghi789".repeat(3);
    static final String AWS_KEY = "AKIAIOSFODNN7EXAMPLE";
    static final String CARD = "4111 1111 1111 1111";

    @TempDir
    Path sessions;
    static TestCa ca;
    FakeUpstream anthropic;
    FakeUpstream openai;
    LlmProxy proxy;
    final List<LlmEvent> events = new CopyOnWriteArrayList<>();
    final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeEach
    void setUp() throws Exception {
        if (ca == null) {
            ca = new TestCa();
        }
        anthropic = new FakeUpstream("127.0.0.2", ca.serverContext("127.0.0.2"));
        openai = new FakeUpstream("127.0.0.3", null);
    }

    @AfterEach
    void tearDown() {
        if (proxy != null) {
            proxy.close();
        }
        anthropic.close();
        openai.close();
    }

    LlmSessionHandle start(RateLimitSettings limits, DlpMode mode) throws Exception {
        LlmProxySettings s = new LlmProxySettings(LlmProxySettings.Mode.EMBEDDED, null, 0, anthropic.uri(), openai.uri(),
                limits, sessions, List.of(ca.caCert), 0, Duration.ofSeconds(10));
        proxy = LlmProxy.start(s, events::add);
        DlpSettings dlp = new DlpSettings(mode, null, List.of(
                new CustomPattern("openai_key", "OPENAI_KEY", "sk-[a-zA-Z0-9]{48,}"),
                new CustomPattern("aws_access_key", "AWS_KEY", "AKIA[0-9A-Z]{16}")), null);
        return proxy.registerSession("sess-1", Redactor.forSession(DlpEngine.compile(dlp), mode));
    }

    HttpResponse<String> post(String url, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("content-type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    List<JsonNode> logLines(LlmSessionHandle h) throws Exception {
        proxy.flushLogs();
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(h.requestLog())) {
            out.add(JSON.readTree(l));
        }
        return out;
    }

    @Test
    void anthropicRequestReachesTheHttpsUpstreamRedactedAndIsLoggedWithUsage() throws Exception {
        LlmSessionHandle h = start(null, DlpMode.REDACT);
        anthropic.reply = FakeUpstream.Reply.json("{\"id\":\"msg_1\",\"type\":\"message\",\"model\":\"claude-x\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"noted\"}],\"usage\":{\"input_tokens\":21,\"output_tokens\":5}}");
        String prompt = "{\"model\":\"claude-x\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":"
                + "\"use " + OPENAI_KEY + " and " + AWS_KEY + " and pay with " + CARD + "\"}]}";
        HttpResponse<String> r = post(h.anthropicBaseUrl() + "/v1/messages", prompt,
                "x-api-key", "sk-ant-test", "anthropic-version", "2023-06-01");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("noted", JSON.readTree(r.body()).at("/content/0/text").asText());

        assertEquals(1, anthropic.received.size());
        FakeUpstream.Received got = anthropic.received.get(0);
        assertEquals("/v1/messages", got.path());
        assertEquals(anthropic.uri().getAuthority(), got.host());
        String sent = JSON.readTree(got.body()).at("/messages/0/content").asText();
        assertEquals("use [REDACTED:api_key] and [REDACTED:AWS_KEY] and pay with [REDACTED:credit_card]", sent);
        assertFalse(got.body().contains("AKIA") || got.body().contains("4111") || got.body().contains("Abc123"));

        List<JsonNode> log = logLines(h);
        assertEquals(2, log.size(), log.toString());
        JsonNode req = log.get(0);
        JsonNode resp = log.get(1);
        assertEquals("anthropic", req.path("dialect").asText());
        assertEquals("claude-x", req.path("model").asText());
        assertEquals("/v1/messages", req.at("/request/path").asText());
        assertEquals("[REDACTED]", req.at("/request/headers/x-api-key/0").asText());
        assertTrue(req.at("/request/body_hash").asText().startsWith("sha256:"));
        assertEquals(3, req.at("/dlp/redactions").size(), req.toString());
        assertEquals(req.path("id").asText(), resp.path("request_id").asText());
        assertEquals(200, resp.at("/response/status").asInt());
        assertEquals(21, resp.at("/usage/input_tokens").asInt());
        assertEquals(5, resp.at("/usage/output_tokens").asInt());
        assertFalse(Files.readString(h.requestLog()).contains("AKIA"), "the log never holds a secret");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(h.requestLog())));

        LlmEvent ev = events.stream().filter(e -> e.type().equals("llm_request")).findFirst().orElseThrow();
        assertEquals("sess-1", ev.sessionId());
        assertEquals(200, ev.fields().get("status"));
        assertEquals(21L, ev.fields().get("input_tokens"));
        assertTrue(events.stream().anyMatch(e -> e.type().equals("llm_proxy_started")));
        assertEquals(1, proxy.stats("sess-1").requestsWithRedactions());
    }

    @Test
    void openAiStreamIsRedactedAcrossDeltasAndUsageComesFromTheLastChunk() throws Exception {
        LlmSessionHandle h = start(null, DlpMode.REDACT);
        List<String> events = new ArrayList<>();
        events.add("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
        for (String piece : List.of("Your key is AK", "IAIOSFOD", "NN7EXAMPLE", " and mail ", "bob@exam", "ple.com", " ok")) {
            events.add("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                    + JSON.writeValueAsString(piece) + "},\"finish_reason\":null}]}\n\n");
        }
        events.add("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        events.add("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":14,\"total_tokens\":23}}\n\n");
        events.add("data: [DONE]\n\n");
        openai.reply = FakeUpstream.Reply.sse(events);

        HttpResponse<String> r = post(h.openaiBaseUrl() + "/chat/completions",
                "{\"model\":\"gpt-x\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "authorization", "Bearer sk-test");
        assertEquals(200, r.statusCode());
        assertEquals("/v1/chat/completions", openai.received.get(0).path());
        StringBuilder text = new StringBuilder();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: {")) {
                for (JsonNode c : JSON.readTree(line.substring(6)).path("choices")) {
                    text.append(c.path("delta").path("content").asText(""));
                }
            }
        }
        assertEquals("Your key is [REDACTED:AWS_KEY] and mail [REDACTED:email] ok", text.toString());
        assertFalse(r.body().contains("EXAMPLE") || r.body().contains("bob@"), r.body());
        assertTrue(r.body().trim().endsWith("data: [DONE]"));

        JsonNode resp = logLines(h).get(1);
        assertEquals(9, resp.at("/usage/input_tokens").asInt());
        assertEquals(14, resp.at("/usage/output_tokens").asInt());
        assertEquals(2, resp.at("/dlp/redactions").size(), resp.toString());
    }

    @Test
    void anthropicStreamFlushesHeldTextAtBlockStop() throws Exception {
        LlmSessionHandle h = start(null, DlpMode.REDACT);
        List<String> ev = new ArrayList<>();
        ev.add("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"m\",\"usage\":{\"input_tokens\":30,\"output_tokens\":1}}}\n\n");
        ev.add("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        for (String p : List.of("card: 4111 11", "11 1111 ", "1111 and key ", OPENAI_KEY.substring(0, 20), OPENAI_KEY.substring(20))) {
            ev.add("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":"
                    + JSON.writeValueAsString(p) + "}}\n\n");
        }
        ev.add("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
        ev.add("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":42}}\n\n");
        ev.add("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        anthropic.reply = FakeUpstream.Reply.sse(ev);
        HttpResponse<String> r = post(h.anthropicBaseUrl() + "/v1/messages", "{\"model\":\"c\",\"stream\":true}",
                "x-api-key", "k");
        StringBuilder text = new StringBuilder();
        String body = r.body();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: ")) {
                JsonNode n = JSON.readTree(line.substring(6));
                if (n.path("type").asText().equals("content_block_delta")) {
                    text.append(n.at("/delta/text").asText());
                }
            }
        }
        assertEquals("card: [REDACTED:credit_card] and key [REDACTED:api_key]", text.toString());
        assertTrue(body.indexOf("content_block_stop") > body.lastIndexOf("content_block_delta"), body);
        JsonNode resp = logLines(h).get(1);
        assertEquals(30, resp.at("/usage/input_tokens").asInt());
        assertEquals(42, resp.at("/usage/output_tokens").asInt());
    }

    @Test
    void eleventhRequestInAMinuteGets429WithRetryAfter() throws Exception {
        LlmSessionHandle h = start(new RateLimitSettings(true, 10, 0, 0, 0), DlpMode.REDACT);
        anthropic.reply = FakeUpstream.Reply.json("{\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}");
        for (int i = 1; i <= 10; i++) {
            HttpResponse<String> r = post(h.anthropicBaseUrl() + "/v1/messages", "{}", "x-api-key", "k");
            assertEquals(200, r.statusCode(), "request " + i);
        }
        HttpResponse<String> r = post(h.anthropicBaseUrl() + "/v1/messages", "{}", "x-api-key", "k");
        assertEquals(429, r.statusCode());
        long retry = Long.parseLong(r.headers().firstValue("retry-after").orElseThrow());
        assertTrue(retry >= 1 && retry <= 6, "Retry-After " + retry);
        assertEquals("rate_limit_error", JSON.readTree(r.body()).at("/error/type").asText());
        assertEquals(10, anthropic.received.size());
    }

    @Test
    void tokenBudgetIsEnforcedFromReportedUsage() throws Exception {
        LlmSessionHandle h = start(new RateLimitSettings(true, 0, 0, 100, 0), DlpMode.REDACT);
        anthropic.reply = FakeUpstream.Reply.json("{\"usage\":{\"input_tokens\":80,\"output_tokens\":40}}");
        assertEquals(200, post(h.anthropicBaseUrl() + "/v1/messages", "{}", "x-api-key", "k").statusCode());
        HttpResponse<String> r = post(h.anthropicBaseUrl() + "/v1/messages", "{}", "x-api-key", "k");
        assertEquals(429, r.statusCode());
        assertTrue(r.body().contains("token budget exceeded"), r.body());
        assertTrue(r.headers().firstValue("retry-after").isPresent());
    }

    @Test
    void blockModeRefusesWithTheDetectorAndNeverCallsUpstream() throws Exception {
        LlmSessionHandle h = start(null, DlpMode.BLOCK);
        HttpResponse<String> r = post(h.anthropicBaseUrl() + "/v1/messages",
                "{\"messages\":[{\"content\":\"" + AWS_KEY + "\"}]}", "x-api-key", "k");
        assertEquals(403, r.statusCode());
        assertTrue(r.body().contains("aws_access_key"), r.body());
        assertEquals(0, anthropic.received.size());
    }

    @Test
    void responsesAreRedactedToo() throws Exception {
        LlmSessionHandle h = start(null, DlpMode.REDACT);
        openai.reply = FakeUpstream.Reply.json("{\"choices\":[{\"message\":{\"content\":\"the key is " + AWS_KEY + "\"}}],"
                + "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4}}");
        HttpResponse<String> r = post(h.openaiBaseUrl() + "/chat/completions", "{\"model\":\"m\"}", "authorization", "Bearer sk-x");
        assertEquals(200, r.statusCode());
        assertEquals("the key is [REDACTED:AWS_KEY]", JSON.readTree(r.body()).at("/choices/0/message/content").asText());
    }

    @Test
    void unknownDialectAndUnknownSessionAreRefused() throws Exception {
        LlmSessionHandle h = start(null, DlpMode.REDACT);
        assertEquals(400, post(h.anthropicBaseUrl() + "/v1/messages", "{}").statusCode());
        HttpResponse<String> r = post(proxy.baseUrl() + "/s/nope/v1/messages", "{}", "x-api-key", "k");
        assertEquals(404, r.statusCode());
        assertEquals(200, post(proxy.baseUrl() + "/v1/messages", "{}", "x-api-key", "k", "x-session-id", "sess-1").statusCode(),
                "a request without the prefix is routed by X-Session-ID");
        anthropic.received.clear();
        assertEquals(0, anthropic.received.size());
    }

    @Test
    void unreachableUpstreamIs502() throws Exception {
        LlmSessionHandle h = start(null, DlpMode.REDACT);
        anthropic.close();
        HttpResponse<String> r = post(h.anthropicBaseUrl() + "/v1/messages", "{}", "x-api-key", "k");
        assertEquals(502, r.statusCode());
        assertNotNull(JSON.readTree(r.body()).at("/error/message").asText());
    }

    @Test
    void untrustedUpstreamCertificateIsRefused() throws Exception {
        LlmProxySettings s = new LlmProxySettings(LlmProxySettings.Mode.EMBEDDED, null, 0, anthropic.uri(), openai.uri(),
                null, sessions, List.of(), 0, Duration.ofSeconds(10));
        proxy = LlmProxy.start(s, events::add);
        LlmSessionHandle h = proxy.registerSession("s2", Redactor.create(DlpSettings.defaults()));
        HttpResponse<String> r = post(h.anthropicBaseUrl() + "/v1/messages", "{}", "x-api-key", "k");
        assertEquals(502, r.statusCode(), r.body());
        assertEquals(0, anthropic.received.size());
    }

    @Test
    void largeBodiesAreScannedOffTheEventLoopBothWays() throws Exception {
        LlmSessionHandle h = start(null, DlpMode.REDACT);
        String filler = "lorem ipsum dolor sit amet ".repeat(20_000);   // ~540 KB
        anthropic.reply = FakeUpstream.Reply.json("{\"content\":[{\"type\":\"text\",\"text\":\"" + filler + AWS_KEY
                + "\"}],\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}");
        HttpResponse<String> r = post(h.anthropicBaseUrl() + "/v1/messages",
                "{\"messages\":[{\"content\":\"" + filler + AWS_KEY + "\"}]}", "x-api-key", "k");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().endsWith("[REDACTED:AWS_KEY]\"}],\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}"),
                r.body().substring(r.body().length() - 80));
        assertTrue(anthropic.received.get(0).body().endsWith("[REDACTED:AWS_KEY]\"}]}"));
    }

    @Test
    void openAiResponsesApiStreamIsRedactedAcrossDeltas() throws Exception {
        LlmSessionHandle h = start(null, DlpMode.REDACT);
        List<String> ev = new ArrayList<>();
        for (String p : List.of("key AKIAIOSF", "ODNN7EXAMPLE", " done")) {
            ev.add("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\","
                    + "\"output_index\":0,\"content_index\":0,\"delta\":" + JSON.writeValueAsString(p) + "}\n\n");
        }
        ev.add("event: response.output_text.done\ndata: {\"type\":\"response.output_text.done\",\"item_id\":\"msg_1\","
                + "\"output_index\":0,\"content_index\":0,\"text\":\"key AKIAIOSFODNN7EXAMPLE done\"}\n\n");
        ev.add("event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"usage\":"
                + "{\"input_tokens\":7,\"output_tokens\":3}}}\n\n");
        openai.reply = FakeUpstream.Reply.sse(ev);
        HttpResponse<String> r = post(h.openaiBaseUrl() + "/responses", "{\"model\":\"m\",\"stream\":true}",
                "authorization", "Bearer sk-x");
        StringBuilder text = new StringBuilder();
        String done = null;
        for (String line : r.body().split("\n")) {
            if (line.startsWith("data: ")) {
                JsonNode n = JSON.readTree(line.substring(6));
                if (n.path("type").asText().equals("response.output_text.delta")) {
                    text.append(n.path("delta").asText());
                } else if (n.path("type").asText().equals("response.output_text.done")) {
                    done = n.path("text").asText();
                }
            }
        }
        assertEquals("key [REDACTED:AWS_KEY] done", text.toString());
        assertEquals("key [REDACTED:AWS_KEY] done", done);
        assertFalse(r.body().contains("EXAMPLE"));
        JsonNode resp = logLines(h).get(1);
        assertEquals(7, resp.at("/usage/input_tokens").asInt());
    }

    @Test
    void storeBodiesKeepsRedactedBodiesNextToTheLog() throws Exception {
        proxy = LlmProxy.start(new LlmProxySettings(LlmProxySettings.Mode.EMBEDDED, null, 0, anthropic.uri(), openai.uri(),
                null, sessions, List.of(ca.caCert), 0, Duration.ofSeconds(10), true), events::add);
        LlmSessionHandle h = proxy.registerSession("s3", Redactor.create(DlpSettings.defaults()));
        anthropic.reply = FakeUpstream.Reply.json("{\"content\":[{\"text\":\"reach me at bob@example.com\"}]}");
        assertEquals(200, post(h.anthropicBaseUrl() + "/v1/messages", "{\"m\":\"alice@example.com\"}", "x-api-key", "k").statusCode());
        String id = logLines(h).get(0).path("id").asText();
        Path bodies = h.requestLog().resolveSibling("llm-bodies");
        assertEquals("{\"m\":\"[REDACTED:email]\"}", Files.readString(bodies.resolve(id + ".json")));
        assertEquals("{\"content\":[{\"text\":\"reach me at [REDACTED:email]\"}]}", Files.readString(bodies.resolve(id + ".resp.json")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(bodies.resolve(id + ".json"))));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        LlmSessionHandle h = start(null, DlpMode.REDACT);
        anthropic.reply = FakeUpstream.Reply.json("{\"ok\":1}");
        String path = URI.create(h.anthropicBaseUrl()).getPath() + "/v1/messages";
        String one = "POST " + path + " HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\nContent-Length: 2\r\n\r\n{}";
        String unknownDialect = "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}";
        String last = "POST " + path + " HTTP/1.1\r\nHost: x\r\nx-api-key: k\r\nConnection: close\r\nContent-Length: 2\r\n\r\n{}";
        try (java.net.Socket sock = new java.net.Socket("127.0.0.1", proxy.port())) {
            sock.setSoTimeout(20_000);
            sock.getOutputStream().write((one + unknownDialect + last).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            sock.getOutputStream().flush();
            String all = new String(sock.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            List<String> statuses = new ArrayList<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("HTTP/1\\.1 (\\d{3}) ").matcher(all);
            while (m.find()) {
                statuses.add(m.group(1));
            }
            assertEquals(List.of("200", "400", "200"), statuses, all);
        }
        assertEquals(2, anthropic.received.size());
    }
}
