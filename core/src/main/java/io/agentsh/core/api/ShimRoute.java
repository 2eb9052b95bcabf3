package io.agentsh.core.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.agentsh.core.exec.Executables;
import io.agentsh.core.exec.GovernedProcesses;
import io.agentsh.core.policy.EnvLimitException;
import io.agentsh.core.server.ApiRequest;
import io.agentsh.core.server.ApiResponse;
import io.agentsh.core.session.Session;
import io.agentsh.core.session.SessionManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * POST /api/v1/shim/exec (docs/interfaces.md §2): the shell shim asks whether, and how, to exec
 * the real shell. Unix socket only; the caller's pid comes from SO_PEERCRED.
 */
public final class ShimRoute {
    public record Body(@JsonProperty("session_id") String sessionId, @JsonProperty("argv0") String argv0,
                       @JsonProperty("shell") String shell, @JsonProperty("real_shell") String realShell,
                       @JsonProperty("args") List<String> args, @JsonProperty("cwd") String cwd,
                       @JsonProperty("env") List<String> env, @JsonProperty("in_session_hint") Boolean inSessionHint) {}

    private final SessionManager sessions;
    private final CommandGate gate;
    private final GovernedProcesses governed;
    private final Map<String, String> configInject;
    private volatile ShimArming arming = ShimArming.NONE;

    public ShimRoute(SessionManager sessions, CommandGate gate, GovernedProcesses governed,
                     Map<String, String> configInject) {
        this.sessions = sessions;
        this.gate = gate;
        this.governed = governed;
        this.configInject = configInject;
    }

    /** The kernel layer's seam: shells the shim starts are armed through it. */
    public void arming(ShimArming a) {
        arming = a == null ? ShimArming.NONE : a;
    }

    public ApiResponse handle(ApiRequest q) {
        Body b = q.json(Body.class);
        if (b.realShell() == null || b.realShell().isEmpty() || !b.realShell().startsWith("/")) {
            throw new ApiException(400, "real_shell must be an absolute path");
        }
        List<String> args = b.args() == null ? List.of() : b.args();
        String argv0 = b.argv0() == null || b.argv0().isEmpty() ? b.realShell() : b.argv0();
        Map<String, String> callerEnv = envMap(b.env());
        int peer = q.caller().peerPid();

        // Nested: the caller already runs inside a governed session; its filter is inherited.
        if (governed.sessionOf(peer) != null) {
            return exec(b.realShell(), argv0, args, callerEnv, b.cwd());
        }
        if (b.sessionId() == null || b.sessionId().isEmpty()) throw new ApiException(400, "session_id is required");
        Session s = sessions.find(b.sessionId());
        if (s == null) {
            String ws = b.cwd() == null || b.cwd().isEmpty() ? "/" : b.cwd();
            s = sessions.create(new SessionManager.CreateRequest(b.sessionId(), ws, null, callerEnv.get("HOME"), null,
                    null, null));
        }
        String cmdId = "cmd-" + UUID.randomUUID();
        CommandGate.Outcome o = gate.check(s, cmdId, b.realShell(), args);
        if (o.denied()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("action", "deny");
            m.put("rule", o.check().rule() == null ? "" : o.check().rule());
            m.put("message", o.approval() == io.agentsh.core.approval.ApprovalOutcome.TIMED_OUT
                    ? "approval timed out" : "command denied by policy");
            m.put("exit_code", 126);
            return ApiResponse.json(403, m);
        }
        // The caller's environment is not trusted: all of it goes through the env policy.
        Map<String, String> add = new LinkedHashMap<>(callerEnv);
        add.put("AGENTSH_IN_SESSION", "1");
        add.put("AGENTSH_SESSION_ID", s.id());
        Map<String, String> env;
        try {
            env = o.check().env().build(Map.of(), add);
        } catch (EnvLimitException e) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("action", "deny");
            m.put("rule", "");
            m.put("message", e.getMessage());
            m.put("exit_code", 126);
            return ApiResponse.json(403, m);
        }
        if (!s.layerEnv().isEmpty()) {
            env = new LinkedHashMap<>(env);
            env.putAll(s.layerEnv());
        }
        String path = o.command();
        String argv0Out = argv0;
        if (o.check().isRedirect()) {
            String[] err = new String[1];
            path = Executables.resolve(o.command(), env.get("PATH"), err);
            if (path == null) throw new ApiException(500, "redirect target: " + err[0]);
            argv0Out = o.command();
        }
        List<String> armed;
        try {
            armed = arming.arm(s, cmdId, peer, path, argv0Out, o.args());
        } catch (io.agentsh.core.exec.CommandLauncher.LaunchException e) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("action", "deny");
            m.put("rule", "");
            m.put("message", "kernel enforcement not available: " + e.getMessage());
            m.put("exit_code", 126);
            return ApiResponse.json(403, m);
        }
        // The shim execs in place: this very pid becomes the session's process.
        governed.addShell(peer, s.id());
        if (armed != null) return execArgv(armed.getFirst(), armed, env, b.cwd());
        return exec(path, argv0Out, o.args(), env, b.cwd());
    }

    private static ApiResponse exec(String path, String argv0, List<String> args, Map<String, String> env, String cwd) {
        List<String> argv = new ArrayList<>(args.size() + 1);
        argv.add(argv0);
        argv.addAll(args);
        return execArgv(path, argv, env, cwd);
    }

    private static ApiResponse execArgv(String path, List<String> argv, Map<String, String> env, String cwd) {
        List<String> envList = new ArrayList<>(env.size());
        env.forEach((k, v) -> envList.add(k + "=" + v));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", "exec");
        m.put("path", path);
        m.put("argv", argv);
        m.put("env", envList);
        m.put("cwd", cwd == null ? "" : cwd);
        return ApiResponse.json(200, m);
    }

    private static Map<String, String> envMap(List<String> env) {
        Map<String, String> m = new LinkedHashMap<>();
        if (env == null) return m;
        for (String kv : env) {
            int eq = kv.indexOf('=');
            if (eq > 0) m.put(kv.substring(0, eq), kv.substring(eq + 1));
        }
        return m;
    }
}
