package io.agentsh.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentsh.core.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * agentsh exec [SESSION_ID] -- COMMAND [ARGS...] (cli-api-shim.md §1.5). The reference behaviour
 * the native client mirrors: same request, same output, same exit codes.
 */
@Command(name = "exec", description = "Run a command in a session")
public final class ExecCommand extends ClientCommand {
    private static final Set<String> TRUTHY = Set.of("1", "true", "t", "yes", "y", "on");

    @Option(names = "--timeout", description = "command timeout (Go duration, e.g. 30s)")
    String timeout;

    @Option(names = "--json", description = "the full ExecRequest as JSON")
    String jsonRequest;

    @Option(names = "--stream", description = "stream output (server-sent events)")
    boolean stream;

    @Option(names = "--pty", description = "interactive PTY")
    boolean pty;

    @Option(names = "--argv0", description = "argv[0] for the command")
    String argv0;

    @Option(names = "--output", description = "shell|json (env AGENTSH_OUTPUT, default shell)")
    String output;

    @Option(names = "--events", description = "all|summary|blocked|none (env AGENTSH_EVENTS)")
    String events;

    @Option(names = "--root", description = "workspace for an auto-created session (env AGENTSH_SESSION_ROOT, else $PWD)")
    String root;

    @Option(names = "--no-detect-root", description = "auto-create the session without project-root detection")
    boolean noDetectRoot;

    @Option(names = "--project-root", description = "project root for an auto-created session")
    String projectRoot;

    @Option(names = "--session-file", description = "cached session-id file; deleted when the session is gone")
    String sessionFile;

    @Option(names = "--real-paths", description = "auto-create the session in real-paths mode")
    boolean realPaths;

    @Parameters(paramLabel = "ARGS", description = "[SESSION_ID] COMMAND [ARGS...]")
    List<String> positional = new ArrayList<>();

    @Override
    protected int run() throws Exception {
        String out = output != null ? output : System.getenv().getOrDefault("AGENTSH_OUTPUT", "");
        if (out.isEmpty()) out = "shell";
        if (!out.equals("shell") && !out.equals("json")) {
            throw new Exit(1, "invalid --output \"" + out + "\" (expected shell|json)");
        }
        String ev = events != null ? events : System.getenv().getOrDefault("AGENTSH_EVENTS", "");
        if (ev.isEmpty()) ev = out.equals("shell") ? "none" : "summary";
        if (!Set.of("all", "summary", "blocked", "none").contains(ev)) {
            throw new Exit(1, "invalid --events \"" + ev + "\" (expected all|summary|blocked|none)");
        }
        if (pty && stream) throw new Exit(1, "--pty and --stream are mutually exclusive");
        if (pty && out.equals("json")) throw new Exit(1, "--pty requires --output=shell");

        String envId = System.getenv().getOrDefault("AGENTSH_SESSION_ID", "").trim();
        String sid;
        ObjectNode req;
        List<String> args = new ArrayList<>(positional);
        if (jsonRequest != null) {
            try {
                JsonNode n = Json.MAPPER.readTree(jsonRequest);
                if (!(n instanceof ObjectNode o)) throw new IOException("not an object");
                req = o;
            } catch (IOException e) {
                throw new Exit(1, "invalid --json: " + e.getMessage());
            }
            sid = !envId.isEmpty() ? envId : args.isEmpty() ? "" : args.get(0);
            if (sid.isEmpty()) {
                throw new Exit(1, "session id is required (provide as argument or set AGENTSH_SESSION_ID)");
            }
        } else {
            if (!envId.isEmpty()) {
                sid = envId;
                if (!args.isEmpty() && args.get(0).equals(envId)) args.remove(0);
            } else {
                if (args.isEmpty()) {
                    throw new Exit(1, "session id is required (provide as argument or set AGENTSH_SESSION_ID)");
                }
                sid = args.remove(0);
            }
            if (args.isEmpty()) throw new Exit(1, "command is required");
            req = Json.MAPPER.createObjectNode();
            req.put("command", args.get(0));
            ArrayNode a = req.putArray("args");
            args.subList(1, args.size()).forEach(a::add);
            if (timeout != null && !timeout.isEmpty()) req.put("timeout", timeout);
            if (argv0 != null && !argv0.isEmpty()) req.put("argv0", argv0);
            if (stream) req.put("stream_output", true);
        }
        if (!req.has("include_events")) req.put("include_events", ev);

        ApiClient client = options.client();
        if (pty) return ptyExec(client, sid, req);
        String path = "/api/v1/sessions/" + sid + (stream ? "/exec/stream" : "/exec");
        if (stream) return streamExec(client, sid, path, req, out.equals("json"));
        ApiClient.Response r = client.send("POST", path, Json.encode(req));
        if (r.status() == 404 && r.body().contains("session not found")) {
            if (autoCreate(client, sid)) r = client.send("POST", path, Json.encode(req));
            else if (sessionFile != null) {
                Files.deleteIfExists(Path.of(sessionFile));
                throw new Exit(1, "session \"" + sid + "\" no longer exists (cache invalidated); retry your command");
            }
        }
        JsonNode resp = decode(r, path);
        int exit = resp.path("result").path("exit_code").asInt(0);
        if (out.equals("json")) {
            out().print(Json.indent(resp));
            return exit;
        }
        printShell(resp);
        return exit;
    }

    /** --pty: the WebSocket flow; a deny is exit 126 with a tip (or exit 1 with AGENTSH_PTY_DENY_MODE=error). */
    private int ptyExec(ApiClient client, String sid, ObjectNode req) throws Exception {
        ObjectNode start = Json.MAPPER.createObjectNode();
        start.put("type", "start");
        for (String k : List.of("command", "args", "argv0", "working_dir", "env")) {
            if (req.hasNonNull(k)) start.set(k, req.get(k));
        }
        PtyClient pc = new PtyClient(client, new LocalTerminal(), System.in, out());
        PtyClient.Ending end = pc.run(sid, start.deepCopy());
        if (end.errorCode() == 404 && end.message().contains("session") && autoCreate(client, sid)) {
            end = pc.run(sid, start.deepCopy());
        } else if (end.errorCode() == 404 && end.message().contains("session") && sessionFile != null) {
            Files.deleteIfExists(Path.of(sessionFile));
            throw new Exit(1, "session \"" + sid + "\" no longer exists (cache invalidated); retry your command");
        }
        if (end.exitCode() != null) return end.exitCode();
        if (end.errorCode() == 403) {
            if ("error".equalsIgnoreCase(System.getenv().getOrDefault("AGENTSH_PTY_DENY_MODE", "").trim())) {
                throw new Exit(1, end.message());
            }
            StringBuilder tip = new StringBuilder("agentsh exec --output json --events=blocked ").append(sid).append(" --");
            tip.append(' ').append(req.path("command").asText(""));
            for (JsonNode a : req.path("args")) tip.append(' ').append(a.asText());
            err().println(end.message());
            err().println("Tip: re-run without --pty to see policy details:");
            err().println(tip);
            return 126;
        }
        throw new Exit(1, end.message());
    }

    /** A 2xx body, or a non-2xx one that is an ExecResponse (policy denials arrive as 403). */
    private static JsonNode decode(ApiClient.Response r, String path) throws IOException {
        JsonNode n = null;
        try {
            n = Json.MAPPER.readTree(r.body());
        } catch (IOException ignored) {
            // not JSON: reported below as an HTTP error
        }
        if (r.ok() && n != null) return n;
        if (n != null && !n.path("command_id").asText("").isEmpty() && !n.path("session_id").asText("").isEmpty()) {
            return n;
        }
        throw new ApiClient.HttpError("POST", path, r);
    }

    private boolean autoCreate(ApiClient client, String sid) throws IOException {
        String noAuto = System.getenv().getOrDefault("AGENTSH_NO_AUTO", "").toLowerCase(Locale.ROOT);
        if (TRUTHY.contains(noAuto)) return false;
        String ws = root != null && !root.isEmpty() ? root : System.getenv().getOrDefault("AGENTSH_SESSION_ROOT", "");
        if (ws.isEmpty()) ws = Path.of("").toAbsolutePath().toString();
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.put("id", sid);
        body.put("workspace", ws);
        body.put("home", System.getenv().getOrDefault("HOME", ""));
        if (noDetectRoot) body.put("detect_project_root", false);
        if (projectRoot != null && !projectRoot.isEmpty()) body.put("project_root", projectRoot);
        if (realPaths) body.put("real_paths", true);
        ApiClient.Response r = client.send("POST", "/api/v1/sessions", Json.encode(body));
        return r.ok() || r.status() == 409;
    }

    /** printShellExec: output verbatim, then the guidance lines on stderr. */
    static void printShell(JsonNode resp) {
        JsonNode result = resp.path("result");
        String so = result.path("stdout").asText("");
        String se = result.path("stderr").asText("");
        if (!so.isEmpty()) {
            out().print(so);
            out().flush();
        }
        if (!se.isEmpty()) {
            err().print(se);
            err().flush();
        }
        int exit = result.path("exit_code").asInt(0);
        JsonNode g = resp.get("guidance");
        if (g != null && !g.isNull()) {
            String reason = g.path("reason").asText("");
            if (!reason.isEmpty() && (g.path("blocked").asBoolean(false) || exit != 0)) {
                String rule = g.path("policy_rule").asText("");
                err().println("agentsh: " + reason + (rule.isEmpty() ? "" : " (rule=" + rule + ")"));
                for (JsonNode s : g.path("substitutions")) {
                    String cmd = s.path("command").asText("");
                    if (!cmd.isEmpty()) err().println("agentsh: try: " + cmd);
                }
                for (JsonNode s : g.path("suggestions")) {
                    String cmd = s.path("command").asText("");
                    if (!cmd.isEmpty()) err().println("agentsh: try: " + cmd);
                    else err().println("agentsh: hint: " + s.path("reason").asText(""));
                }
            }
        } else {
            JsonNode blocked = resp.path("events").path("blocked_operations");
            if (blocked.isArray() && !blocked.isEmpty()) {
                JsonNode e = blocked.get(0);
                String rule = e.path("policy").path("rule").asText("");
                String target = e.path("path").asText(e.path("domain").asText(e.path("remote").asText("")));
                String msg = e.path("policy").path("message").asText("");
                err().println(rule.isEmpty() ? "agentsh: blocked by policy: " + target
                        : "agentsh: blocked by policy (rule=" + rule + "): " + (msg.isEmpty() ? target : msg));
            }
        }
        err().flush();
    }

    private int streamExec(ApiClient client, String sid, String path, ObjectNode req, boolean json) throws IOException {
        int[] exit = {0};
        try {
            client.stream("POST", path, Json.encode(req), (event, data) -> handleFrame(event, data, json, exit));
        } catch (ApiClient.HttpError e) {
            if (e.response().status() == 404 && e.response().body().contains("session not found") && autoCreate(client, sid)) {
                client.stream("POST", path, Json.encode(req), (event, data) -> handleFrame(event, data, json, exit));
            } else {
                throw e;
            }
        }
        return exit[0];
    }

    private static void handleFrame(String event, String data, boolean json, int[] exit) {
        JsonNode d;
        try {
            d = Json.MAPPER.readTree(data);
        } catch (IOException e) {
            return;
        }
        switch (event == null ? "" : event) {
            case "stdout", "stderr" -> {
                String text = d.path("data").asText("");
                java.io.PrintStream ps = event.equals("stdout") ? out() : err();
                if (json) ps.print("[" + event + "] " + text + (text.endsWith("\n") ? "" : "\n"));
                else ps.write(text.getBytes(StandardCharsets.UTF_8), 0, text.getBytes(StandardCharsets.UTF_8).length);
                ps.flush();
            }
            case "done" -> {
                exit[0] = d.path("exit_code").asInt(0);
                if (exit[0] != 0 && json) {
                    err().println("exit_code=" + exit[0] + " duration_ms=" + d.path("duration_ms").asLong(0));
                }
            }
            default -> { }
        }
    }
}
