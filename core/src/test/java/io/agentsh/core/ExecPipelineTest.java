package io.agentsh.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentsh.core.approval.OperatorToken;
import io.agentsh.core.json.Json;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exec API's mechanics over real HTTP, with a fixed-decision policy double. */
class ExecPipelineTest {
    static TestDaemon d;
    @TempDir static Path ws;

    @BeforeAll
    static void start() throws Exception {
        d = TestDaemon.start(new FakePolicies(Map.of("sudo", "deny", "printf", "approve", "rev", "approve"),
                Duration.ofSeconds(1)), b -> b.approvalsEnabled = true);
    }

    @AfterAll
    static void stop() throws Exception {
        d.close();
    }

    private String exec(String sid, String json) throws Exception {
        return d.post("/api/v1/sessions/" + sid + "/exec", json).body();
    }

    @Test
    void healthReadyMetrics() throws Exception {
        assertEquals("ok\n", d.get("/health").body());
        assertEquals("ready\n", d.get("/ready").body());
        TestDaemon.Reply m = d.get("/metrics");
        assertEquals(200, m.status());
        assertTrue(m.body().contains("agentsh_sessions_active"), m.body());
        assertTrue(m.body().contains("agentsh_audit_dropped_events_total 0"), m.body());
    }

    @Test
    void sessionLifecycle() throws Exception {
        TestDaemon.Reply r = d.post("/api/v1/sessions", "{\"workspace\":" + Json.encode(ws.toString()) + "}");
        assertEquals(201, r.status(), r.body());
        JsonNode s = r.json();
        String id = s.get("id").asText();
        assertTrue(id.startsWith("session-"), id);
        assertEquals("ready", s.get("state").asText());
        assertEquals(ws.toRealPath().toString(), s.get("workspace").asText());
        assertEquals(ws.toRealPath().toString(), s.get("workspace_mount").asText());
        assertEquals("default", s.get("policy").asText());
        assertEquals("/workspace", s.get("cwd").asText());
        assertTrue(s.get("created_at").asText().endsWith("Z"));
        assertEquals(200, d.get("/api/v1/sessions/" + id).status());
        assertTrue(d.get("/api/v1/sessions").body().contains(id));
        assertEquals(204, d.send("DELETE", "/api/v1/sessions/" + id, null).status());
        TestDaemon.Reply gone = d.get("/api/v1/sessions/" + id);
        assertEquals(404, gone.status());
        assertEquals("{\"error\":\"session not found\"}\n", gone.body());
        assertEquals(409, d.post("/api/v1/sessions", "{\"id\":\"dup-1\",\"workspace\":" + Json.encode(ws.toString())
                + "}").status() == 201 ? d.post("/api/v1/sessions", "{\"id\":\"dup-1\",\"workspace\":"
                + Json.encode(ws.toString()) + "}").status() : -1);
        assertEquals(400, d.post("/api/v1/sessions", "{\"id\":\"bad id!\",\"workspace\":\"/tmp\"}").status());
        assertEquals(400, d.post("/api/v1/sessions", "{}").status());
    }

    @Test
    void echoRuns() throws Exception {
        String sid = d.session(ws, null);
        TestDaemon.Reply r = d.post("/api/v1/sessions/" + sid + "/exec",
                "{\"command\":\"/bin/echo\",\"args\":[\"policy-test\"]}");
        assertEquals(200, r.status(), r.body());
        JsonNode j = r.json();
        assertEquals(0, j.at("/result/exit_code").asInt());
        assertEquals("policy-test\n", j.at("/result/stdout").asText());
        assertEquals("ok", j.at("/guidance/status").asText());
        assertTrue(j.at("/command_id").asText().startsWith("cmd-"));
        assertTrue(j.at("/events/file_operations").isArray());
        assertFalse(j.at("/result").has("stderr"), "empty stderr is omitted");
    }

    @Test
    void workingDirAndStdin() throws Exception {
        Files.createDirectories(ws.resolve("sub"));
        String sid = d.session(ws, null);
        JsonNode j = d.post("/api/v1/sessions/" + sid + "/exec",
                "{\"command\":\"/bin/pwd\",\"working_dir\":\"sub\"}").json();
        assertEquals(ws.toRealPath().resolve("sub") + "\n", j.at("/result/stdout").asText());
        j = d.post("/api/v1/sessions/" + sid + "/exec", "{\"command\":\"/bin/cat\",\"stdin\":\"fed\"}").json();
        assertEquals("fed", j.at("/result/stdout").asText());
        j = d.post("/api/v1/sessions/" + sid + "/exec", "{\"command\":\"/bin/pwd\",\"working_dir\":\"/etc\"}").json();
        assertEquals(2, j.at("/result/exit_code").asInt());
        assertEquals("working_dir must be under /workspace\n", j.at("/result/stderr").asText());
    }

    @Test
    void timeoutIs124() throws Exception {
        String sid = d.session(ws, null);
        long t0 = System.nanoTime();
        JsonNode j = d.post("/api/v1/sessions/" + sid + "/exec",
                "{\"command\":\"/bin/sleep\",\"args\":[\"30\"],\"timeout\":\"300ms\"}").json();
        assertEquals(124, j.at("/result/exit_code").asInt());
        assertTrue(j.at("/result/stderr").asText().endsWith("command timed out\n"));
        assertEquals("context deadline exceeded", j.at("/result/error/message").asText());
        assertTrue(j.at("/result/stdout_truncated").asBoolean());
        assertEquals("command timed out", j.at("/guidance/reason").asText());
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(10).toNanos());
    }

    @Test
    void missingBinaryIs127() throws Exception {
        String sid = d.session(ws, null);
        JsonNode j = d.post("/api/v1/sessions/" + sid + "/exec", "{\"command\":\"no-such-binary-xyz\"}").json();
        assertEquals(127, j.at("/result/exit_code").asInt());
        assertEquals("start: exec: \"no-such-binary-xyz\": executable file not found in $PATH",
                j.at("/result/error/message").asText());
        assertEquals("use_absolute_exe", j.at("/guidance/suggestions/0/action").asText());
    }

    @Test
    void badRequests() throws Exception {
        String sid = d.session(ws, null);
        TestDaemon.Reply r = d.post("/api/v1/sessions/" + sid + "/exec", "{not json");
        assertEquals(400, r.status());
        assertEquals("{\"error\":\"invalid json\"}\n", r.body());
        r = d.post("/api/v1/sessions/" + sid + "/exec", "{\"command\":\"  \"}");
        assertEquals(400, r.status());
        assertEquals("{\"error\":\"command is required\"}\n", r.body());
        r = d.post("/api/v1/sessions/nope/exec", "{\"command\":\"/bin/true\"}");
        assertEquals(404, r.status());
        assertEquals("{\"error\":\"session not found\"}\n", r.body());
        assertEquals(404, d.get("/no/such/route").status());
    }

    @Test
    void denialShape() throws Exception {
        String sid = d.session(ws, null);
        TestDaemon.Reply r = d.post("/api/v1/sessions/" + sid + "/exec",
                "{\"command\":\"/usr/bin/sudo\",\"args\":[\"whoami\"]}");
        assertEquals(403, r.status(), r.body());
        JsonNode j = r.json();
        assertEquals(126, j.at("/result/exit_code").asInt());
        assertEquals("E_POLICY_DENIED", j.at("/result/error/code").asText());
        assertEquals("command denied by policy", j.at("/result/error/message").asText());
        assertEquals("deny-sudo", j.at("/result/error/policy_rule").asText());
        assertEquals("deny-sudo", j.at("/guidance/policy_rule").asText());
        assertTrue(j.at("/guidance/blocked").asBoolean());
        assertEquals("command_precheck", j.at("/guidance/blocked_operation").asText());
        assertEquals("/usr/bin/sudo", j.at("/guidance/blocked_target").asText());
        assertEquals("deny-sudo", j.at("/events/blocked_operations/0/policy/rule").asText());
        assertEquals("command_precheck", j.at("/events/blocked_operations/0/operation").asText());
        assertEquals(1, j.at("/events/blocked_operations_count").asInt());
        assertEquals("adjust_policy", j.at("/guidance/suggestions/0/action").asText());
        assertEquals("", j.at("/guidance/suggestions/0/command").asText());
        assertFalse(j.get("result").has("stdout"));
    }

    @Test
    void approvalAllowRunsTheCommand() throws Exception {
        String sid = d.session(ws, null);
        CompletableFuture<TestDaemon.Reply> pending = CompletableFuture.supplyAsync(() -> {
            try {
                return d.post("/api/v1/sessions/" + sid + "/exec",
                        "{\"command\":\"/usr/bin/printf\",\"args\":[\"approved\"]}");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        String token = Files.readString(d.dataDir.resolve("operator.token")).trim();
        String id = null;
        for (int i = 0; i < 200 && id == null; i++) {
            JsonNode list = Json.MAPPER.readTree(operatorGet("/api/v1/approvals", token).body());
            for (JsonNode a : list) if (a.get("session_id").asText().equals(sid)) id = a.get("id").asText();
            if (id == null) Thread.sleep(10);
        }
        assertTrue(id != null && id.startsWith("approval-"), "approval listed");
        assertFalse(pending.isDone(), "exec waits for the approver");
        HttpResponse<String> res = d.http.send(HttpRequest.newBuilder(URI.create(d.base + "/api/v1/approvals/" + id))
                .header(OperatorToken.HEADER, token)
                .POST(HttpRequest.BodyPublishers.ofString("{\"decision\":\"approve\",\"reason\":\"ok\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        TestDaemon.Reply r = pending.get();
        assertEquals(200, r.status(), r.body());
        assertEquals("approved", r.json().at("/result/stdout").asText());
    }

    @Test
    void approvalTimesOut() throws Exception {
        String sid = d.session(ws, null);
        TestDaemon.Reply r = d.post("/api/v1/sessions/" + sid + "/exec", "{\"command\":\"/usr/bin/rev\"}");
        assertEquals(403, r.status(), r.body());
        JsonNode j = r.json();
        assertEquals(126, j.at("/result/exit_code").asInt());
        assertEquals("E_APPROVAL_TIMEOUT", j.at("/result/error/code").asText());
        assertEquals("approval timed out", j.at("/guidance/reason").asText());
        assertTrue(j.at("/guidance/retryable").asBoolean());
        assertEquals("request_approval", j.at("/guidance/suggestions/0/action").asText());
    }

    @Test
    void approvalsNeedACredential() throws Exception {
        TestDaemon.Reply r = d.get("/api/v1/approvals");
        assertEquals(403, r.status());
        assertTrue(r.body().contains("approvals endpoints require auth"), r.body());
    }

    @Test
    void aGovernedProcessCannotApproveEvenWithTheToken() throws Exception {
        String sid = d.session(ws, null);
        String token = Files.readString(d.dataDir.resolve("operator.token")).trim();
        String script = "import urllib.request,sys\n"
                + "r=urllib.request.Request(sys.argv[1],headers={'" + OperatorToken.HEADER + "':sys.argv[2]})\n"
                + "try:\n  print(urllib.request.urlopen(r).status)\n"
                + "except urllib.error.HTTPError as e:\n  print(e.code, e.read().decode())\n";
        JsonNode j = d.post("/api/v1/sessions/" + sid + "/exec", Json.encode(Map.of("command", "/usr/bin/python3",
                "args", java.util.List.of("-c", script, d.base + "/api/v1/approvals", token)))).json();
        assertTrue(j.at("/result/stdout").asText().startsWith("403"), j.toString());
        assertTrue(j.at("/result/stdout").asText().contains("inside an agentsh session"), j.toString());
    }

    @Test
    void eventsAreStoredAndSearchable() throws Exception {
        String sid = d.session(ws, null);
        d.post("/api/v1/sessions/" + sid + "/exec", "{\"command\":\"/bin/true\"}");
        JsonNode events = d.get("/api/v1/events/search?session_id=" + sid + "&order=asc").json();
        assertTrue(events.isArray(), events.toString());
        assertEquals("session_created", events.get(0).get("type").asText());
        StringBuilder types = new StringBuilder();
        for (JsonNode e : events) types.append(e.get("type").asText()).append(',');
        assertTrue(types.toString().contains("command_policy,command_started,command_finished"), types.toString());
        JsonNode none = d.get("/api/v1/events/search?session_id=nobody").json();
        assertTrue(none.isNull());
        assertEquals(400, d.get("/api/v1/events/search?since=garbage").status());
    }

    private HttpResponse<String> operatorGet(String path, String token) throws Exception {
        return d.http.send(HttpRequest.newBuilder(URI.create(d.base + path)).header(OperatorToken.HEADER, token)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
