package io.agentsh.core.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.agentsh.core.approval.ApprovalManager;
import io.agentsh.core.audit.AuditLog;
import io.agentsh.core.audit.Event;
import io.agentsh.core.audit.EventQuery;
import io.agentsh.core.audit.SqliteEventStore;
import io.agentsh.core.config.DaemonConfig;
import io.agentsh.core.exec.ProcessGroups;
import io.agentsh.core.json.Json;
import io.agentsh.core.metrics.Metrics;
import io.agentsh.core.policy.PolicyProvider;
import io.agentsh.core.policy.PolicyTestResult;
import io.agentsh.core.policy.SessionPolicy;
import io.agentsh.core.server.Access;
import io.agentsh.core.server.ApiRequest;
import io.agentsh.core.server.ApiResponse;
import io.agentsh.core.server.Readiness;
import io.agentsh.core.server.Router;
import io.agentsh.core.session.CommandOutputs;
import io.agentsh.core.session.Session;
import io.agentsh.core.session.SessionManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** The HTTP API's routes (cli-api-shim.md §2), wired to the daemon's services. */
public final class ApiRoutes {
    /** Body of POST /api/v1/sessions. */
    public record CreateSessionBody(@JsonProperty("id") String id, @JsonProperty("workspace") String workspace,
                                    @JsonProperty("policy") String policy, @JsonProperty("profile") String profile,
                                    @JsonProperty("home") String home,
                                    @JsonProperty("detect_project_root") Boolean detectProjectRoot,
                                    @JsonProperty("project_root") String projectRoot,
                                    @JsonProperty("real_paths") Boolean realPaths) {}

    public record PatchSessionBody(@JsonProperty("cwd") String cwd, @JsonProperty("env") Map<String, String> env,
                                   @JsonProperty("unset") List<String> unset) {}

    public record ResolveBody(@JsonProperty("decision") String decision, @JsonProperty("reason") String reason) {}

    public record PolicyTestBody(@JsonProperty("session_id") String sessionId,
                                 @JsonProperty("operation") String operation, @JsonProperty("path") String path) {}

    private final DaemonConfig config;
    private final SessionManager sessions;
    private final ExecService exec;
    private final AuditLog audit;
    private final SqliteEventStore store;
    private final ApprovalManager approvals;
    private final PolicyProvider policies;
    private final Metrics metrics;
    private final Readiness readiness;

    public ApiRoutes(DaemonConfig config, SessionManager sessions, ExecService exec, AuditLog audit,
                     SqliteEventStore store, ApprovalManager approvals, PolicyProvider policies, Metrics metrics,
                     Readiness readiness) {
        this.config = config;
        this.sessions = sessions;
        this.exec = exec;
        this.audit = audit;
        this.store = store;
        this.approvals = approvals;
        this.policies = policies;
        this.metrics = metrics;
        this.readiness = readiness;
    }

    public void register(Router r) {
        r.add("GET", config.healthPath(), Access.PUBLIC, q -> ApiResponse.text(200, ApiResponse.TEXT, "ok\n"));
        r.add("GET", config.readinessPath(), Access.PUBLIC, q -> {
            List<String> failing = readiness.failing();
            return failing.isEmpty() ? ApiResponse.text(200, ApiResponse.TEXT, "ready\n")
                    : ApiResponse.text(503, ApiResponse.TEXT, "not ready: " + String.join(", ", failing) + "\n");
        });
        if (config.metricsEnabled()) {
            r.add("GET", config.metricsPath(), Access.ANY, q -> ApiResponse.text(200,
                    "text/plain; version=0.0.4; charset=utf-8", metrics.render()));
        }
        r.add("POST", "/api/v1/sessions", Access.ANY, this::createSession);
        r.add("GET", "/api/v1/sessions", Access.ANY,
                q -> ApiResponse.json(200, sessions.list().stream().map(SessionView::of).toList()));
        r.add("GET", "/api/v1/sessions/{id}", Access.ANY,
                q -> ApiResponse.json(200, SessionView.of(sessions.get(q.param("id")))));
        r.add("PATCH", "/api/v1/sessions/{id}", Access.ANY, this::patchSession);
        r.add("DELETE", "/api/v1/sessions/{id}", Access.ANY, q -> {
            sessions.destroy(q.param("id"));
            return ApiResponse.noContent();
        });
        r.add("POST", "/api/v1/sessions/{id}/exec", Access.ANY, this::execute);
        r.add("POST", "/api/v1/sessions/{id}/exec/stream", Access.ANY, this::executeStream);
        r.add("GET", "/api/v1/sessions/{id}/events", Access.ANY, this::liveEvents);
        r.add("GET", "/api/v1/sessions/{id}/history", Access.ANY, q -> {
            Session s = sessions.get(q.param("id"));
            return search(EventQueries.parse(q::query, s.id()));
        });
        r.add("GET", "/api/v1/sessions/{id}/proxy", Access.ANY, q -> ApiResponse.json(200,
                ProxyStatus.of(sessions.get(q.param("id")))));
        r.add("GET", "/api/v1/sessions/{id}/output/{cmd}", Access.ANY, this::output);
        r.add("POST", "/api/v1/sessions/{id}/kill/{cmd}", Access.ANY, this::kill);
        r.add("GET", "/api/v1/events/search", Access.ANY, q -> search(EventQueries.parse(q::query, null)));
        r.add("GET", "/api/v1/approvals", Access.APPROVER,
                q -> ApiResponse.json(200, approvals.enabled() ? approvals.list() : List.of()));
        r.add("POST", "/api/v1/approvals/{id}", Access.APPROVER, this::resolveApproval);
        r.add("POST", "/api/v1/policy/test", Access.ANY, this::policyTest);
    }

    private ApiResponse createSession(ApiRequest q) {
        CreateSessionBody b = q.json(CreateSessionBody.class);
        if (b.profile() != null && !b.profile().isEmpty()) {
            throw new ApiException(400, "mount profiles are not supported by this server");
        }
        Session s = sessions.create(new SessionManager.CreateRequest(b.id(), b.workspace(), b.policy(), b.home(),
                b.detectProjectRoot(), b.projectRoot(), b.realPaths()));
        return ApiResponse.json(201, SessionView.of(s));
    }

    private ApiResponse patchSession(ApiRequest q) {
        Session s = sessions.get(q.param("id"));
        PatchSessionBody b = q.json(PatchSessionBody.class);
        if (b.cwd() != null && !b.cwd().isEmpty()) {
            Path next = Path.of(s.cwd()).resolve(b.cwd()).normalize();
            if (!next.startsWith(Path.of(s.virtualRoot()))) {
                throw new ApiException(400, "cwd must be under " + s.virtualRoot());
            }
            s.cwd(next.toString());
        }
        if (b.env() != null) s.env().putAll(b.env());
        if (b.unset() != null) b.unset().forEach(s.env()::remove);
        audit.emit(Event.builder("session_updated", s.id()).field("cwd", s.cwd()).build());
        return ApiResponse.json(200, SessionView.of(s));
    }

    private ApiResponse execute(ApiRequest q) {
        Session s = sessions.get(q.param("id"));
        ExecRequest req = q.json(ExecRequest.class);
        ExecService.Decided d = exec.decide(s, req);
        if (d.denied() != null) return ApiResponse.json(403, d.denied());
        return ApiResponse.json(200, exec.run(d, io.agentsh.core.exec.ProcessRunner.OutputListener.NONE));
    }

    private ApiResponse executeStream(ApiRequest q) {
        Session s = sessions.get(q.param("id"));
        ExecRequest req = q.json(ExecRequest.class);
        ExecService.Decided d = exec.decide(s, req);
        if (d.denied() != null) {
            ExecResponse full = d.denied();
            ExecResponse.Events ev = full.events();
            ExecResponse bare = new ExecResponse(full.commandId(), full.sessionId(), full.timestamp(), full.request(),
                    full.result(), new ExecResponse.Events(ev.fileOperations(), ev.networkOperations(),
                    ev.blockedOperations(), ev.other(), null, null, null, null, ev.truncated()), null, null);
            return ApiResponse.json(403, bare);
        }
        return ApiResponse.sse(ch -> {
            io.agentsh.proxy.dlp.Redactor red = exec.redactor(s);
            Map<String, io.agentsh.proxy.dlp.StreamingRedactor> scrub = new java.util.concurrent.ConcurrentHashMap<>();
            java.util.function.BiConsumer<String, String> emit = (stream, text) -> {
                if (text.isEmpty()) return;
                Map<String, Object> m = new TreeMap<>();
                m.put("command_id", d.commandId());
                m.put("data", text);
                m.put("stream", stream);
                ch.send(stream, Json.encode(m));
            };
            ExecResponse resp = exec.run(d, (stream, data, len) -> {
                String text = new String(data, 0, len, StandardCharsets.UTF_8);
                if (red == null) {
                    emit.accept(stream, text);
                    return;
                }
                // Secrets can straddle chunks: the streaming redactor holds back a bounded tail.
                io.agentsh.proxy.dlp.StreamingRedactor sr = scrub.computeIfAbsent(stream, k -> red.newStream());
                synchronized (sr) {
                    emit.accept(stream, sr.feed(text));
                }
            });
            scrub.forEach((stream, sr) -> {
                synchronized (sr) {
                    emit.accept(stream, sr.finish());
                }
            });
            Map<String, Object> done = new TreeMap<>();
            done.put("command_id", d.commandId());
            done.put("duration_ms", resp.result().durationMs());
            done.put("exit_code", resp.result().exitCode());
            done.put("stderr_truncated", Boolean.TRUE.equals(resp.result().stderrTruncated()));
            done.put("stdout_truncated", Boolean.TRUE.equals(resp.result().stdoutTruncated()));
            ch.send("done", Json.encode(done));
        });
    }

    private ApiResponse liveEvents(ApiRequest q) {
        Session s = sessions.get(q.param("id"));
        return ApiResponse.sse(ch -> {
            BlockingQueue<Event> queue = new LinkedBlockingQueue<>(1000);
            Runnable unsubscribe = audit.subscribe(e -> {
                if (s.id().equals(e.sessionId()) && !queue.offer(e)) {
                    // a slow reader loses live events; they stay in the store for /history
                    ch.send("overflow", "{}");
                }
            });
            try {
                ch.send("ready", "{}");
                while (ch.isOpen() && sessions.find(s.id()) == s) {
                    Event e = queue.poll(1, TimeUnit.SECONDS);
                    if (e != null && !ch.send(null, Json.encode(e))) break;
                }
                Event e;
                while ((e = queue.poll()) != null) ch.send(null, Json.encode(e));
            } finally {
                unsubscribe.run();
            }
        });
    }

    private ApiResponse search(EventQuery query) throws Exception {
        if (store == null) return ApiResponse.json(200, null);
        audit.flush(2000);
        List<Event> found = store.query(query);
        return ApiResponse.json(200, found.isEmpty() ? null : found);
    }

    private ApiResponse output(ApiRequest q) {
        Session s = sessions.get(q.param("id"));
        String cmd = q.param("cmd");
        CommandOutputs.Output o = s.outputs().get(cmd);
        if (o == null) throw new ApiException(404, "output not found");
        String stream = q.query("stream") == null ? "stdout" : q.query("stream");
        if (!stream.equals("stdout") && !stream.equals("stderr")) throw new ApiException(400, "invalid stream");
        byte[] data = stream.equals("stdout") ? o.stdout() : o.stderr();
        long offset = parseLong(q.query("offset"), 0);
        long limit = parseLong(q.query("limit"), 65536);
        if (limit <= 0) limit = 65536;
        int from = (int) Math.min(Math.max(0, offset), data.length);
        int to = (int) Math.min((long) from + limit, data.length);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("command_id", cmd);
        m.put("stream", stream);
        m.put("offset", offset);
        m.put("limit", limit);
        m.put("total_bytes", stream.equals("stdout") ? o.stdoutTotal() : o.stderrTotal());
        m.put("truncated", stream.equals("stdout") ? o.stdoutTruncated() : o.stderrTruncated());
        m.put("data", new String(data, from, to - from, StandardCharsets.UTF_8));
        m.put("has_more", to < data.length);
        return ApiResponse.json(200, m);
    }

    private ApiResponse kill(ApiRequest q) {
        Session s = sessions.get(q.param("id"));
        Session.RunningCommand rc = s.running();
        if (rc == null || !rc.commandId().equals(q.param("cmd"))) throw new ApiException(404, "command not running");
        if (rc.pid() <= 1) throw new ApiException(409, "command pid not available");
        Thread.ofVirtual().name("agentsh-kill-" + rc.pid())
                .start(() -> ProcessGroups.terminate(rc.pid(), Duration.ofSeconds(2)));
        audit.emit(Event.builder("command_killed", s.id()).commandId(rc.commandId()).pid((int) rc.pid())
                .field("pid", rc.pid()).field("signal", "TERM").build());
        return ApiResponse.json(200, Map.of("ok", true));
    }

    private ApiResponse resolveApproval(ApiRequest q) {
        ResolveBody b = q.json(ResolveBody.class);
        String d = b.decision() == null ? "" : b.decision().toLowerCase(Locale.ROOT);
        boolean approve = d.equals("approve") || d.equals("allow");
        String approver = q.caller().keyId() != null ? "api_key:" + q.caller().keyId() : "operator";
        approvals.resolve(q.param("id"), approve, b.reason(), approver);
        return ApiResponse.json(200, Map.of("ok", true));
    }

    private ApiResponse policyTest(ApiRequest q) {
        PolicyTestBody b = q.json(PolicyTestBody.class);
        if (b.operation() == null || b.operation().isEmpty()) throw new ApiException(400, "operation is required");
        if (b.path() == null || b.path().isEmpty()) throw new ApiException(400, "path is required");
        Session s = sessions.find(b.sessionId());
        SessionPolicy p = s != null ? s.policy().get() : policies.global() == null ? null : policies.global().get();
        if (p == null) throw new ApiException(503, "policy engine not available");
        PolicyTestResult r = p.test(b.operation().toLowerCase(Locale.ROOT), b.path());
        Map<String, Object> m = new TreeMap<>(); // Go encodes maps with sorted keys
        m.put("decision", r.decision());
        m.put("policy_decision", r.policyDecision());
        m.put("rule", r.rule() == null ? "" : r.rule());
        m.put("reason", r.reason() == null ? "" : r.reason());
        if (r.redirectCommand() != null) {
            Map<String, Object> red = new TreeMap<>();
            red.put("command", r.redirectCommand());
            red.put("args", r.redirectArgs());
            m.put("redirect", red);
        }
        return ApiResponse.json(200, m);
    }

    private static long parseLong(String s, long dflt) {
        if (s == null || s.isEmpty()) return dflt;
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    static List<String> copy(List<String> l) {
        return l == null ? List.of() : new ArrayList<>(l);
    }
}
