package io.agentsh.cli;

import static io.agentsh.cli.CliTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The acceptance list through {@code agentsh policy-test --json --policy FILE}. */
class PolicyTestCliTest {
    static final String POLICY = CliTestSupport.compat("exe.dev/default.yaml").toString();

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', value = {
        "exec    | sudo                      |            | deny  | deny        | block-shell-escape",
        "exec    | echo                      |            | allow | allow       | allow-safe-commands",
        "write   | /workspace/test.txt       |            | allow | allow       | allow-workspace-write",
        "read    | /workspace/test.txt       |            | allow | allow       | allow-workspace-read",
        "write   | /tmp/test.txt             |            | allow | allow       | allow-tmp",
        "delete  | /workspace/test.txt       |            | allow | soft_delete | soft-delete-workspace",
        "read    | /root/.ssh/id_rsa         |            | deny  | approve     | approve-ssh-access",
        "read    | /root/.aws/credentials    |            | deny  | approve     | approve-aws-credentials",
        "write   | /usr/bin/evil             |            | deny  | deny        | default-deny-files",
        "write   | /etc/test.txt             |            | deny  | deny        | default-deny-files",
        "exec    | rm                        | -rf /tmp/x | deny  | deny        | block-rm-recursive",
        "exec    | ssh                       |            | deny  | deny        | block-network-tools",
        "connect | 169.254.169.254:80        |            | deny  | deny        | block-private-networks",
        "connect | evil.com:443              |            | deny  | deny        | block-evil-domains",
        "connect | registry.npm.example:443  |            | allow | allow       | allow-npm",
        "net_connect | registry.npm.example  |            | allow | allow       | allow-npm",
        "net     | 10.1.2.3:8080             |            | deny  | deny        | block-private-networks",
        "file_write | /tmp/x                 |            | allow | allow       | allow-tmp",
    })
    void acceptance(String op, String path, String args, String decision, String policyDecision, String rule) throws Exception {
        List<String> argv = new ArrayList<>(List.of("policy-test", "--json", "--policy", POLICY, "--op", op, "--path", path,
                "--var", "HOME=/root", "--var", "PROJECT_ROOT=/root"));
        if (args != null) { argv.add("--args"); argv.add(args); }
        CliTestSupport.Result r = run(argv.toArray(new String[0]));
        assertEquals(0, r.code(), r.err());
        Map<?, ?> m = new ObjectMapper().readValue(r.out(), Map.class);
        assertEquals(decision, m.get("decision"), r.out());
        assertEquals(policyDecision, m.get("policy_decision"), r.out());
        assertEquals(rule, m.get("rule"), r.out());
        assertTrue(m.containsKey("reason"));
    }

    @Test void jsonIsGoStyleAndReasonRendered() {
        CliTestSupport.Result r = run("debug", "policy-test", "--json", "--policy", POLICY, "--op", "read", "--path", "/root/.ssh/id_rsa");
        assertEquals("""
                {
                  "decision": "deny",
                  "policy_decision": "approve",
                  "reason": "Agent wants to access SSH keys: /root/.ssh/id_rsa",
                  "rule": "approve-ssh-access"
                }
                """, r.out());
    }

    @Test void humanOutput() {
        CliTestSupport.Result r = run("policy-test", "--policy", POLICY, "--op", "exec", "--path", "rm", "--args", "-r", "--args", "x");
        assertEquals("""
                Operation: exec
                Path:      rm

                Decision:  DENY
                Rule:      block-rm-recursive
                Reason:    Recursive delete blocked. Files can be removed individually.
                """, r.out());
    }

    @Test void redirectIsShown(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path p = dir.resolve("redir.yaml");
        java.nio.file.Files.writeString(p, """
                version: 1
                name: redir
                command_rules:
                  - name: fetch
                    commands: [curl]
                    decision: redirect
                    message: "use the fetcher for {{.Args}}"
                    redirect_to:
                      command: agentsh-fetch
                      args: ["--safe"]
                """);
        CliTestSupport.Result r = run("policy-test", "--json", "--policy", p.toString(), "--op", "exec", "--path", "curl", "--args", "http://x");
        assertEquals("""
                {
                  "decision": "redirect",
                  "policy_decision": "redirect",
                  "reason": "use the fetcher for http://x",
                  "redirect": {
                    "args": [
                      "--safe"
                    ],
                    "command": "agentsh-fetch"
                  },
                  "rule": "fetch"
                }
                """, r.out());
    }

    @Test void missingFlagsExit1AndBadLocalInputExit2() {
        assertEquals(1, run("policy-test", "--path", "x", "--policy", POLICY).code(), "as the reference's --op is required");
        CliTestSupport.Result r = run("policy-test", "--op", "read", "--policy", POLICY);
        assertEquals(1, r.code());
        assertEquals("agentsh: --path is required\n", r.err());
        r = run("policy-test", "--op", "frob", "--path", "/x", "--policy", POLICY);
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith("agentsh: unknown operation \"frob\""), r.err());
        r = run("policy-test", "--op", "read", "--path", "/x", "--policy", "/nonexistent/p.yaml");
        assertEquals(2, r.code());
        assertEquals("agentsh: /nonexistent/p.yaml: no such policy file\n", r.err());
    }

    @Test void unknownVerbAndFlagExit1WithoutUsageOrStackTrace() {
        CliTestSupport.Result r = run("frobnicate");
        assertEquals(1, r.code(), "usage errors exit 1 as the reference's CLI");
        assertTrue(r.err().contains("Unmatched argument"), r.err());
        assertTrue(!r.err().contains("\tat "), r.err());
        assertTrue(!r.err().contains("Usage:"), "no usage text, as the reference: " + r.err());
        assertEquals("", r.out());
        r = run("policy-test", "--bogus");
        assertEquals(1, r.code());
        assertTrue(r.err().startsWith("Unknown option: '--bogus'"), r.err());
        r = run("sesion", "list");
        assertEquals(1, r.code());
        assertTrue(r.err().contains("Did you mean: agentsh session"), r.err());
        r = run("session", "create", "--workspace");
        assertEquals(1, r.code(), "an option without its value is a usage error too");
        assertTrue(r.err().contains("Missing required parameter for option '--workspace'"), r.err());
    }

    @Test void version() {
        CliTestSupport.Result r = run("--version");
        assertEquals(0, r.code());
        assertEquals("agentsh 0.1.0\n", r.out());
    }

    @Test void sessionAsksTheServer() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicReference<String> body = new AtomicReference<>();
        AtomicReference<String> key = new AtomicReference<>();
        server.createContext("/api/v1/policy/test", ex -> {
            body.set(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            key.set(ex.getRequestHeaders().getFirst("X-API-Key"));
            byte[] resp = "{\"decision\":\"deny\",\"policy_decision\":\"deny\",\"rule\":\"r1\",\"reason\":\"no <way>\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, resp.length);
            ex.getResponseBody().write(resp);
            ex.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            CliTestSupport.Result r = run("--server", url, "--api-key", "k1", "policy-test", "--session", "s-1", "--op", "file_read",
                    "--path", "/etc/passwd", "--json");
            assertEquals(0, r.code(), r.err());
            Map<?, ?> sent = new ObjectMapper().readValue(body.get(), Map.class);
            assertEquals(Map.of("operation", "file_read", "path", "/etc/passwd", "session_id", "s-1"), sent);
            assertEquals("k1", key.get());
            assertTrue(r.out().contains("\"reason\": \"no \\u003cway\\u003e\""), r.out());
        } finally {
            server.stop(0);
        }
        CliTestSupport.Result down = run("--server", "http://127.0.0.1:1", "policy-test", "--session", "s", "--op", "read", "--path", "/x");
        assertEquals(1, down.code(), "a transport error exits 1, as the reference's debug policy-test");
        assertTrue(down.err().startsWith("agentsh: cannot reach agentsh server at http://127.0.0.1:1"), down.err());
    }
}
