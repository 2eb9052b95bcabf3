package io.agentsh.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentsh.core.json.Json;
import io.agentsh.core.policy.FilePolicyProvider;
import io.agentsh.policy.ServerConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Unix socket + shim route, API-key roles, policy hot reload, SSE. */
class ApiSurfaceTest {

    static FilePolicyProvider exeDev(Path dir) throws Exception {
        Path exe = TestDaemon.compat().resolve("exe.dev");
        return new FilePolicyProvider(dir, "default",
                ServerConfigLoader.load(exe.resolve("config.yaml")).config().engineOptions(), Duration.ofMillis(200));
    }

    /** One HTTP/1.1 request over a unix socket; returns "STATUS BODY". */
    static String overUnix(Path sock, String method, String path, String body) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String head = method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n";
            ch.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1)));
            ch.write(ByteBuffer.wrap(b));
            InputStream in = Channels.newInputStream(ch);
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String resp = all.toString(StandardCharsets.UTF_8);
            String status = resp.substring(9, 12);
            return status + " " + resp.substring(resp.indexOf("\r\n\r\n") + 4);
        }
    }

    /** The same request sent by a fresh child process (the shim route keys on the caller's pid). */
    static String overUnixFromChild(Path sock, String path, String body) throws Exception {
        String py = "import socket,sys\n"
                + "s=socket.socket(socket.AF_UNIX);s.connect(sys.argv[1]);b=sys.argv[3].encode()\n"
                + "s.sendall(('POST '+sys.argv[2]+' HTTP/1.1\\r\\nHost: x\\r\\nConnection: close\\r\\n"
                + "Content-Length: %d\\r\\n\\r\\n'%len(b)).encode()+b)\n"
                + "d=b''\nwhile True:\n  c=s.recv(65536)\n  if not c: break\n  d+=c\n"
                + "sys.stdout.write(d.decode())\n";
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", py, sock.toString(), path, body).start();
        String resp = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return resp.substring(9, 12) + " " + resp.substring(resp.indexOf("\r\n\r\n") + 4);
    }

    @Test
    void shimRouteOnTheUnixSocket(@TempDir Path ws) throws Exception {
        try (TestDaemon d = TestDaemon.start(exeDev(TestDaemon.compat().resolve("exe.dev")), b -> { })) {
            Path sock = d.daemon.unixSocketPath();
            assertTrue(Files.exists(sock), "unix socket bound");
            String health = overUnix(sock, "GET", "/health", "");
            assertEquals("200 ok\n", health);
            String sid = d.session(ws, null);
            String allow = overUnixFromChild(sock, "/api/v1/shim/exec", Json.encode(Map.of("session_id", sid,
                    "argv0", "-bash", "shell", "bash", "real_shell", "/bin/bash",
                    "args", List.of("-c", "echo hi"), "cwd", ws.toString(),
                    "env", List.of("PATH=/usr/bin:/bin", "AWS_SECRET_ACCESS_KEY=x", "HOME=/root"))));
            assertTrue(allow.startsWith("200 "), allow);
            JsonNode a = Json.MAPPER.readTree(allow.substring(4));
            assertEquals("exec", a.get("action").asText());
            assertEquals("/bin/bash", a.get("path").asText());
            assertEquals("[\"-bash\",\"-c\",\"echo hi\"]", a.get("argv").toString());
            String env = a.get("env").toString();
            assertTrue(env.contains("AGENTSH_IN_SESSION=1"), env);
            assertTrue(!env.contains("AWS_SECRET_ACCESS_KEY"), env);
            String deny = overUnixFromChild(sock, "/api/v1/shim/exec", Json.encode(Map.of("session_id", sid,
                    "argv0", "bash", "real_shell", "/bin/bash", "args", List.of("-c", "sudo whoami"),
                    "cwd", ws.toString(), "env", List.of())));
            assertTrue(deny.startsWith("403 "), deny);
            JsonNode n = Json.MAPPER.readTree(deny.substring(4));
            assertEquals("deny", n.get("action").asText());
            assertEquals("block-shell-escape", n.get("rule").asText());
            assertEquals(126, n.get("exit_code").asInt());
            TestDaemon.Reply tcp = d.post("/api/v1/shim/exec", "{\"session_id\":\"" + sid + "\"}");
            assertEquals(403, tcp.status());
        }
    }

    @Test
    void apiKeyRoles(@TempDir Path tmp) throws Exception {
        Path keys = tmp.resolve("keys.yaml");
        Files.writeString(keys, """
                - id: agent1
                  key: k-agent
                  role: agent
                - id: approver1
                  key: k-approver
                  role: approver
                - id: nokey
                  key: ""
                """);
        try (TestDaemon d = TestDaemon.start(exeDev(TestDaemon.compat().resolve("exe.dev")), b -> {
            b.authType = "api_key";
            b.apiKeysFile = keys;
            b.approvalsEnabled = true;
        })) {
            assertEquals(200, d.get("/health").status());
            assertEquals(401, d.get("/api/v1/sessions").status());
            assertEquals("{\"error\":\"unauthorized\"}\n", d.get("/metrics").body());
            assertEquals(200, call(d, "GET", "/api/v1/sessions", "k-agent").statusCode());
            HttpResponse<String> forbidden = call(d, "GET", "/api/v1/approvals", "k-agent");
            assertEquals(403, forbidden.statusCode());
            assertEquals("{\"error\":\"forbidden\"}\n", forbidden.body());
            assertEquals(200, call(d, "GET", "/api/v1/approvals", "k-approver").statusCode());
            assertEquals(401, call(d, "GET", "/api/v1/approvals", "wrong").statusCode());
        }
    }

    @Test
    void idleSessionsAreReaped(@TempDir Path ws) throws Exception {
        try (TestDaemon d = TestDaemon.start(new FakePolicies(Map.of(), null), b -> {
            b.idleTimeout = Duration.ofMillis(500);
            b.cleanupInterval = Duration.ofSeconds(1);
        })) {
            String sid = d.session(ws, null);
            assertEquals(200, d.get("/api/v1/sessions/" + sid).status());
            int status = 200;
            for (int i = 0; i < 100 && status == 200; i++) {
                Thread.sleep(100);
                status = d.get("/api/v1/sessions/" + sid).status();
            }
            assertEquals(404, status, "an idle session is ended by the reaper");
            // the session leaves the table before its session_destroyed event is written
            boolean recorded = false;
            for (int i = 0; i < 50 && !recorded; i++) {
                recorded = d.get("/api/v1/events/search?session_id=" + sid + "&type=session_destroyed").body()
                        .contains("idle_timeout");
                if (!recorded) Thread.sleep(50);
            }
            assertTrue(recorded, "session_destroyed with reason idle_timeout");
        }
    }

    @Test
    void nonLoopbackWithoutAuthIsRefused() {
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> TestDaemon.start(new FakePolicies(Map.of(), null), b -> b.httpAddr = "0.0.0.0:0"));
        assertEquals("refusing to listen on \"0.0.0.0:0\" with auth.type=none (use 127.0.0.1/localhost or enable auth)",
                e.getMessage());
    }

    @Test
    void policyReloadsAndKeepsTheLastGoodVersion(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("policies"));
        Path ws = Files.createDirectory(tmp.resolve("ws"));
        Path file = dir.resolve("default.yaml");
        String original = Files.readString(TestDaemon.compat().resolve("exe.dev/default.yaml"));
        Files.writeString(file, original);
        FilePolicyProvider policies = exeDev(dir);
        try (TestDaemon d = TestDaemon.start(policies, b -> b.policiesDir = dir)) {
            String sid = d.session(ws, null);
            String echo = "{\"command\":\"/bin/echo\",\"args\":[\"x\"]}";
            assertEquals(200, d.post("/api/v1/sessions/" + sid + "/exec", echo).status());
            Files.writeString(file, original.replace("command_rules:\n",
                    "command_rules:\n  - name: deny-echo-now\n    commands: [echo]\n    decision: deny\n"));
            policies.poll();
            TestDaemon.Reply r = d.post("/api/v1/sessions/" + sid + "/exec", echo);
            assertEquals(403, r.status(), r.body());
            assertEquals("deny-echo-now", r.json().at("/guidance/policy_rule").asText());
            Files.writeString(file, original + "\nthis_key_is_unknown: true\n");
            policies.poll();
            assertEquals(403, d.post("/api/v1/sessions/" + sid + "/exec", echo).status(),
                    "an invalid edit leaves the last good policy in force");
            String sid2 = d.session(ws, null);
            assertEquals(403, d.post("/api/v1/sessions/" + sid2 + "/exec", echo).status(),
                    "new sessions get the last good version too");
        }
    }

    @Test
    void eventStreamsAndExecStream(@TempDir Path ws) throws Exception {
        try (TestDaemon d = TestDaemon.start(new FakePolicies(Map.of(), null), b -> { })) {
            String sid = d.session(ws, null);
            HttpResponse<java.util.stream.Stream<String>> live = d.http.send(HttpRequest.newBuilder(
                    URI.create(d.base + "/api/v1/sessions/" + sid + "/events")).GET().build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertEquals(200, live.statusCode());
            var lines = live.body().iterator();
            assertEquals("event: ready", lines.next());
            assertEquals("data: {}", lines.next());
            d.post("/api/v1/sessions/" + sid + "/exec", "{\"command\":\"/bin/true\"}");
            String ev = "";
            while (lines.hasNext() && !ev.startsWith("data: ")) ev = lines.next();
            assertTrue(ev.contains("\"type\":\"command_policy\""), ev);
            live.body().close();

            HttpResponse<String> s = d.http.send(HttpRequest.newBuilder(
                    URI.create(d.base + "/api/v1/sessions/" + sid + "/exec/stream"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"command\":\"/bin/echo\",\"args\":[\"streamed\"]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, s.statusCode());
            assertTrue(s.body().contains("event: stdout\ndata: {\"command_id\":\"cmd-"), s.body());
            assertTrue(s.body().contains("\"data\":\"streamed\\n\",\"stream\":\"stdout\"}"), s.body());
            assertTrue(s.body().contains("event: done\ndata: {\"command_id\":"), s.body());
            assertTrue(s.body().contains("\"exit_code\":0"), s.body());
        }
    }

    private static HttpResponse<String> call(TestDaemon d, String method, String path, String key) throws Exception {
        return d.http.send(HttpRequest.newBuilder(URI.create(d.base + path)).header("X-API-Key", key)
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    }
}
