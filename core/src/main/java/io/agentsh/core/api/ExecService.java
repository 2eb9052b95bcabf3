package io.agentsh.core.api;

import io.agentsh.core.approval.ApprovalManager;
import io.agentsh.core.approval.ApprovalOutcome;
import io.agentsh.core.audit.AuditLog;
import io.agentsh.core.audit.Event;
import io.agentsh.core.audit.PolicyInfo;
import io.agentsh.core.config.DaemonConfig;
import io.agentsh.core.exec.CommandLauncher;
import io.agentsh.core.exec.Executables;
import io.agentsh.core.exec.GovernedProcesses;
import io.agentsh.core.exec.LaunchPlan;
import io.agentsh.core.exec.LaunchRequest;
import io.agentsh.core.exec.ProcessRunner;
import io.agentsh.core.exec.RunResult;
import io.agentsh.core.exec.WorkingDirs;
import io.agentsh.core.json.GoDuration;
import io.agentsh.core.metrics.Metrics;
import io.agentsh.core.policy.CommandCheck;
import io.agentsh.core.policy.EnvLimitException;
import io.agentsh.core.policy.SessionPolicy;
import io.agentsh.core.session.CommandOutputs;
import io.agentsh.core.session.Session;
import io.agentsh.core.session.SessionState;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The exec pipeline (reference core.go execInSessionCore): pre-check, redirect, approval, audit,
 * environment, launch, capture, response. One foreground command per session at a time.
 */
public final class ExecService {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
    private static final int MAX_EVENTS_PER_COMMAND = 5000;
    private static final String[] BASE_ENV_KEYS = {"PATH", "LANG", "LC_ALL", "LC_CTYPE", "TERM", "HOME"};

    /** The pre-check's outcome: either a finished denial or a command cleared to run. */
    public static final class Decided {
        final Session session;
        final String commandId;
        final Instant started;
        final ExecRequest request;
        final CommandCheck check;
        final ExecResponse denied;
        final long startNanos;
        /** What the command used (its cgroup's counters), set by {@code launch}; null when not measured. */
        Map<String, Object> resources;

        Decided(Session session, String commandId, Instant started, long startNanos, ExecRequest request,
                CommandCheck check, ExecResponse denied) {
            this.session = session;
            this.commandId = commandId;
            this.started = started;
            this.startNanos = startNanos;
            this.request = request;
            this.check = check;
            this.denied = denied;
        }

        public ExecResponse denied() { return denied; }

        public String commandId() { return commandId; }
    }

    private final DaemonConfig config;
    private final AuditLog audit;
    private final ApprovalManager approvals;
    private final AtomicReference<CommandLauncher> launcher;
    private final ProcessRunner runner;
    private final GovernedProcesses governed;
    private final Metrics metrics;
    private final Map<String, List<Event>> collecting = new ConcurrentHashMap<>();
    private final CommandGate gate;

    public ExecService(DaemonConfig config, AuditLog audit, ApprovalManager approvals, CommandLauncher launcher,
                       ProcessRunner runner, GovernedProcesses governed, Metrics metrics) {
        this.config = config;
        this.audit = audit;
        this.approvals = approvals;
        this.launcher = new AtomicReference<>(launcher);
        this.runner = runner;
        this.governed = governed;
        this.metrics = metrics;
        this.gate = new CommandGate(audit, approvals, metrics);
        audit.subscribe(this::collect);
    }

    private final SessionRedactors outputRedactors = new SessionRedactors();

    /**
     * DLP for command output (CONTRACT §2: secrets are redacted from exec results), a redactor per
     * session; the daemon registers {@link #outputRedactors()} as a session listener.
     */
    public SessionRedactors outputRedactors() {
        return outputRedactors;
    }

    /** The session's output redactor, or null when output DLP is off. */
    public io.agentsh.proxy.dlp.Redactor redactor(Session s) {
        return outputRedactors.forSession(s.id());
    }

    private byte[] redact(Session s, byte[] output) {
        io.agentsh.proxy.dlp.Redactor r = redactor(s);
        return r == null ? output : r.redactOutput(output).bytes();
    }

    /** The launch seam: the kernel layer installs its wrapper-based launcher here. */
    public void launcher(CommandLauncher l) {
        launcher.set(l);
    }

    private void collect(Event e) {
        if (e.commandId() == null) return;
        List<Event> list = collecting.get(e.commandId());
        if (list != null) {
            synchronized (list) {
                if (list.size() < MAX_EVENTS_PER_COMMAND) list.add(e);
            }
        }
    }

    public ExecResponse exec(Session s, ExecRequest req, ProcessRunner.OutputListener listener) {
        Decided d = decide(s, req);
        return d.denied != null ? d.denied : run(d, listener);
    }

    /** Validates, takes the session's exec lock and runs the policy pre-check (plus approval). */
    public Decided decide(Session s, ExecRequest req) {
        if (req.command() == null || req.command().isBlank()) throw new ApiException(400, "command is required");
        String cmdId = "cmd-" + UUID.randomUUID();
        long t0 = System.nanoTime();
        collecting.put(cmdId, Collections.synchronizedList(new ArrayList<>()));
        s.execLock().lock();
        boolean handedOff = false;
        try {
            s.state(SessionState.BUSY);
            s.touch();
            Instant started = Instant.now();
            CommandGate.Outcome o = gate.check(s, cmdId, req.command(), req.argsOrEmpty());
            ExecRequest effective = o.check().isRedirect() ? req.withCommand(o.command(), o.args()) : req;
            if (o.denied()) {
                ExecResponse resp = deniedResponse(s, cmdId, started, effective, o.check(), o.precheckEvent(),
                        o.approval());
                metrics.execFinished("denied", System.nanoTime() - t0);
                return new Decided(s, cmdId, started, t0, effective, o.check(), resp);
            }
            handedOff = true;
            return new Decided(s, cmdId, started, t0, effective, o.check(), null);
        } finally {
            if (!handedOff) release(s, cmdId);
        }
    }

    private void release(Session s, String cmdId) {
        collecting.remove(cmdId);
        s.state(SessionState.READY);
        s.touch();
        s.execLock().unlock();
    }

    private ExecResponse deniedResponse(Session s, String cmdId, Instant started, ExecRequest req, CommandCheck check,
                                        Event precheck, ApprovalOutcome approvalOutcome) {
        boolean approvalRelated = "approve".equals(check.policyDecision());
        boolean timedOut = approvalOutcome == ApprovalOutcome.TIMED_OUT;
        String code = timedOut ? "E_APPROVAL_TIMEOUT" : approvalRelated ? "E_APPROVAL_DENIED" : "E_POLICY_DENIED";
        ExecResponse.Suggestion sugg = approvalRelated ? Guidance.REQUEST_APPROVAL : Guidance.ADJUST_POLICY;
        ExecResponse.Result result = new ExecResponse.Result(126, null, null, null, null, null, null, 0,
                new ExecResponse.ErrorInfo(code, "command denied by policy", emptyToNull(check.rule()), List.of(sugg),
                        null), null);
        ExecResponse.Events events = EventBuckets.denied(precheck, req.includeEvents());
        return new ExecResponse(cmdId, s.id(), started, req, result, events, null,
                Guidance.denied(emptyToNull(check.rule()), req.command(), approvalRelated, timedOut));
    }

    /** Runs a command cleared by {@link #decide}; always releases the session's exec lock. */
    public ExecResponse run(Decided d, ProcessRunner.OutputListener listener) {
        Session s = d.session;
        ExecRequest req = d.request;
        try {
            ExecResponse builtin = Builtins.run(s, d.commandId, d.started, req);
            if (builtin != null) {
                metrics.execFinished(builtin.result().exitCode() == 0 ? "ok" : "failed", System.nanoTime() - d.startNanos);
                return builtin;
            }
            SessionPolicy policy = s.policy().get();
            RunResult r = launch(s, d, policy, listener);
            String outcome = r.startError() != null ? "not_found" : r.timedOut() ? "timeout"
                    : r.exitCode() == 0 ? "ok" : "failed";
            metrics.execFinished(outcome, System.nanoTime() - d.startNanos);
            return response(s, d, r);
        } finally {
            release(s, d.commandId);
        }
    }

    private RunResult launch(Session s, Decided d, SessionPolicy policy, ProcessRunner.OutputListener listener) {
        ExecRequest req = d.request;
        Path cwd;
        try {
            cwd = WorkingDirs.resolve(s, req.workingDir());
        } catch (WorkingDirs.BadWorkingDir e) {
            return failed(2, e.getMessage() + "\n", null);
        }
        Map<String, String> base = new LinkedHashMap<>();
        for (String k : BASE_ENV_KEYS) {
            String v = System.getenv(k);
            if (v != null && !v.isEmpty()) base.put(k, v);
        }
        base.putIfAbsent("PATH", "/usr/bin:/bin");
        Map<String, String> add = new LinkedHashMap<>(s.env());
        if (req.env() != null) add.putAll(req.env());
        add.put("AGENTSH_IN_SESSION", "1");
        add.put("AGENTSH_SESSION_ID", s.id());
        Map<String, String> env;
        try {
            env = d.check.env().build(base, add);
        } catch (EnvLimitException e) {
            return failed(2, e.getMessage() + "\n", null);
        }
        if (!s.layerEnv().isEmpty()) {
            env = new LinkedHashMap<>(env);
            env.putAll(s.layerEnv());
        }
        String[] err = new String[1];
        String exe = Executables.resolve(req.command(), env.get("PATH"), err);
        if (exe == null) return failed(127, "", err[0]);
        Duration timeout = chooseTimeout(req.timeout(), policy.commandTimeout());
        LaunchPlan plan;
        try {
            plan = launcher.get().plan(new LaunchRequest(s.id(), d.commandId, exe, req.command(), req.argsOrEmpty(),
                    req.argv0(), env, cwd));
        } catch (CommandLauncher.LaunchException e) {
            return failed(126, "", "start: " + e.getMessage());
        }
        audit.emit(Event.builder("command_started", s.id()).commandId(d.commandId)
                .field("command", req.command()).field("args", req.args()).build());
        long[] pidHolder = {-1};
        RunResult r = runner.run(plan, req.stdin(), timeout, listener, pid -> {
            pidHolder[0] = pid;
            governed.add(pid, s.id());
            s.running(new Session.RunningCommand(d.commandId, pid));
        });
        d.resources = plan.listener().resources();
        if (pidHolder[0] > 0) {
            governed.remove(pidHolder[0]);
            s.clearRunning(new Session.RunningCommand(d.commandId, pidHolder[0]));
        }
        Event.Builder fin = Event.builder("command_finished", s.id()).commandId(d.commandId)
                .field("exit_code", r.exitCode()).field("duration_ms", r.durationMs());
        if (r.pid() > 0) fin.pid((int) r.pid());
        if (r.timedOut()) fin.field("error", "context deadline exceeded");
        if (r.startError() != null) fin.field("error", r.startError());
        audit.emit(fin.build());
        return r;
    }

    private static RunResult failed(int exit, String stderr, String startError) {
        byte[] e = stderr.getBytes(StandardCharsets.UTF_8);
        return new RunResult(-1, exit, new byte[0], e, 0, e.length, false, false, false, startError, 0);
    }

    static Duration chooseTimeout(String requested, Duration policyCap) {
        Duration t = DEFAULT_TIMEOUT;
        if (requested != null && !requested.isBlank()) {
            try {
                Duration d = GoDuration.parse(requested);
                if (!d.isNegative() && !d.isZero()) t = d;
            } catch (IllegalArgumentException ignored) {
                // the reference ignores an unparsable timeout
            }
        }
        if (policyCap != null && !policyCap.isZero() && t.compareTo(policyCap) > 0) t = policyCap;
        return t;
    }

    private ExecResponse response(Session s, Decided d, RunResult raw) {
        RunResult r = new RunResult(raw.pid(), raw.exitCode(), redact(s, raw.stdout()), redact(s, raw.stderr()),
                raw.stdoutTotal(), raw.stderrTotal(), raw.stdoutTruncated(), raw.stderrTruncated(), raw.timedOut(),
                raw.startError(), raw.durationMs());
        s.outputs().put(d.commandId, new CommandOutputs.Output(r.stdout(), r.stderr(), r.stdoutTotal(),
                r.stderrTotal(), r.stdoutTruncated(), r.stderrTruncated()));
        List<Event> events;
        List<Event> live = collecting.get(d.commandId);
        synchronized (live) {
            events = List.copyOf(live);
        }
        ExecResponse.Events buckets = EventBuckets.classify(events, d.request.includeEvents());
        List<Event> blocked = new ArrayList<>();
        for (Event e : events) if (e.isBlocked()) blocked.add(e);

        String errMsg = r.timedOut() ? "context deadline exceeded" : r.startError();
        ExecResponse.ErrorInfo error = null;
        if (r.exitCode() != 0) {
            error = new ExecResponse.ErrorInfo("E_COMMAND_FAILED",
                    errMsg != null ? errMsg : "exit status " + r.exitCode(), null, null, null);
        }
        ExecResponse.Pagination page = null;
        if (r.stdoutTruncated() && !r.timedOut()) {
            page = new ExecResponse.Pagination(0, ProcessRunner.DEFAULT_CAPTURE_CAP, true,
                    "agentsh output " + s.id() + " " + d.commandId + " --stream stdout --offset "
                            + r.stdout().length + " --limit " + ProcessRunner.DEFAULT_CAPTURE_CAP);
        }
        ExecResponse.Result result = new ExecResponse.Result(r.exitCode(), text(r.stdout()), text(r.stderr()),
                r.stdoutTruncated() ? Boolean.TRUE : null, r.stderrTruncated() ? Boolean.TRUE : null,
                r.stdoutTotal() == 0 ? null : r.stdoutTotal(), r.stderrTotal() == 0 ? null : r.stderrTotal(),
                r.durationMs(), error, page);
        ExecResponse.Guidance g = Guidance.ran(blocked, r.exitCode(), errMsg, !s.realPaths());
        if (d.check.isRedirect()) g = Redirects.addGuidance(g, d.check, d.request);
        return new ExecResponse(d.commandId, s.id(), d.started, d.request, result, buckets, d.resources, g);
    }

    private static String text(byte[] b) {
        return b.length == 0 ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
