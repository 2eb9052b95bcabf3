package io.agentsh.cli.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentsh.core.Daemon;
import io.agentsh.core.config.DaemonConfig;
import io.agentsh.core.json.Json;
import io.agentsh.core.policy.FilePolicyProvider;
import io.agentsh.policy.ServerConfigLoader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java client verbs against a real daemon: output and exit codes as the reference's. */
class ClientVerbsTest {
    static Daemon daemon;
    static String server;
    @TempDir static Path ws;
    @TempDir static Path data;

    record Run(int code, String out, String err) {}

    static Path compat() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("shared/compat"))) return p.resolve("shared/compat");
        }
        throw new IllegalStateException("shared/compat not found");
    }

    @BeforeAll
    static void start() throws Exception {
        Path exe = compat().resolve("exe.dev");
        DaemonConfig.Builder b = DaemonConfig.builder();
        b.httpAddr = "127.0.0.1:0";
        b.dataDir = data;
        b.unixSocketPath = data.resolve("agentsh.sock");
        b.policiesDir = exe;
        daemon = Daemon.start(b.build(), new FilePolicyProvider(exe, "default",
                ServerConfigLoader.load(exe.resolve("config.yaml")).config().engineOptions(), Duration.ofSeconds(1)));
        server = "http://127.0.0.1:" + daemon.httpPort();
    }

    @AfterAll
    static void stop() {
        daemon.close();
    }

    static synchronized Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            int code = io.agentsh.cli.Main.commandLine().execute(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    static String session() throws Exception {
        Run r = run("session", "create", "--server", server, "--workspace", ws.toString(), "--json");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().startsWith("{\n  \"id\": \"session-"), r.out());
        return Json.MAPPER.readTree(r.out()).get("id").asText();
    }

    @Test
    void execShellOutput() throws Exception {
        String sid = session();
        Run ok = run("exec", "--server", server, sid, "--", "/bin/echo", "hi");
        assertEquals(new Run(0, "hi\n", ""), ok);
        Run denied = run("exec", "--server", server, sid, "--", "/usr/bin/sudo", "whoami");
        assertEquals(new Run(126, "", "agentsh: command denied by policy (rule=block-shell-escape)\n"
                + "agentsh: hint: operation denied by policy; adjust policy or change command\n"), denied);
        Run missing = run("exec", "--server", server, sid, "--", "no-such-tool-xyz");
        assertEquals(new Run(127, "", "agentsh: command failed\n"
                + "agentsh: hint: use an absolute executable path (or install the missing tool if allowed)\n"), missing);
        Run slow = run("exec", "--server", server, "--timeout", "200ms", sid, "--", "/bin/sleep", "5");
        assertEquals(new Run(124, "", "command timed out\nagentsh: command timed out\n"
                + "agentsh: try: agentsh exec --timeout 2m ...\n"), slow);
        Run failed = run("exec", "--server", server, sid, "--", "/bin/ls", "/no/such/dir");
        assertEquals(2, failed.code());
        assertTrue(failed.err().endsWith("agentsh: command failed\n"), failed.err());
    }

    @Test
    void execJsonOutput() throws Exception {
        String sid = session();
        Run r = run("exec", "--server", server, "--output", "json", sid, "--", "/usr/bin/rm", "-rf", "/tmp/d");
        assertEquals(126, r.code());
        JsonNode j = Json.MAPPER.readTree(r.out());
        assertEquals("block-rm-recursive", j.at("/guidance/policy_rule").asText());
        assertTrue(r.out().contains("\n  \"result\": {\n    \"exit_code\": 126,"), r.out());
        assertEquals("summary", j.at("/request/include_events").asText());
        Run bad = run("exec", "--server", server, "--output", "yaml", sid, "--", "/bin/true");
        assertEquals(new Run(1, "", "invalid --output \"yaml\" (expected shell|json)\n"), bad);
    }

    @Test
    void unreachableServerIsReportedLikeTheReference() {
        assertEquals(new Run(1, "", "Post \"http://127.0.0.1:1/api/v1/sessions/x/exec\": dial tcp 127.0.0.1:1: "
                + "connect: connection refused\n"), run("--server", "http://127.0.0.1:1", "exec", "x", "--", "/bin/true"));
    }

    @Test
    void execAutoCreatesAMissingSession() {
        Run r = run("exec", "--server", server, "--root", ws.toString(), "auto-created-1", "--", "/bin/echo", "x");
        assertEquals(new Run(0, "x\n", ""), r);
        assertEquals(0, run("session", "info", "--server", server, "auto-created-1").code());
    }

    @Test
    void policyTestAndSessionVerbs() throws Exception {
        String sid = session();
        Run pt = run("--server", server, "debug", "policy-test", "--session", sid, "--op", "exec", "--path", "sudo",
                "--json");
        assertEquals(new Run(0, "{\n  \"decision\": \"deny\",\n  \"policy_decision\": \"deny\",\n  \"reason\": \"\",\n"
                + "  \"rule\": \"block-shell-escape\"\n}\n", ""), pt);
        Run human = run("--server", server, "debug", "policy-test", "--session", sid, "--op", "exec", "--path", "sudo");
        assertEquals("Operation: exec\nPath:      sudo\n\nDecision:  DENY\nRule:      block-shell-escape\n", human.out());
        Run list = run("session", "list", "--server", "unix://" + daemon.unixSocketPath());
        assertEquals(0, list.code(), list.err());
        assertTrue(list.out().contains(sid));
        assertEquals(new Run(0, "ok\n", ""), run("session", "destroy", "--server", server, sid));
        Run gone = run("session", "info", "--server", server, sid);
        assertEquals(new Run(1, "", "GET /api/v1/sessions/" + sid + ": 404 Not Found: {\"error\":\"session not found\"}\n"),
                gone);
    }

    @Test
    void eventsQueryAndApprovals() throws Exception {
        String sid = session();
        run("exec", "--server", server, sid, "--", "/bin/true");
        Run q = run("events", "query", "--server", server, "--session", sid, "--type", "command_finished");
        assertEquals(0, q.code(), q.err());
        assertTrue(q.out().startsWith("[\n  {\n"), q.out());
        assertTrue(q.out().contains("\"type\": \"command_finished\""), q.out());
        Run none = run("events", "query", "--server", server, "--session", sid, "--type", "no_such_type");
        assertEquals(new Run(0, "null\n", ""), none);
        Run list = run("approve", "list", "--server", server, "--operator-token-file",
                data.resolve("operator.token").toString());
        assertEquals(new Run(0, "[]\n", ""), list);
        assertEquals(new Run(1, "", "choose exactly one of --allow or --deny\n"),
                run("approve", "resolve", "--server", server, "x"));
    }
}
