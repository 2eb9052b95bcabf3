package io.agentsh.core.layers;

import io.agentsh.core.Daemon;
import io.agentsh.core.exec.CommandLauncher;
import io.agentsh.core.exec.LaunchPlan;
import io.agentsh.core.exec.LaunchRequest;
import io.agentsh.core.kernel.detect.MechanismProbes;
import io.agentsh.core.kernel.supervisor.ArmingPlan;
import io.agentsh.core.kernel.supervisor.EngineKernelPolicy;
import io.agentsh.core.kernel.supervisor.KernelPlans;
import io.agentsh.core.kernel.supervisor.PendingArm;
import io.agentsh.core.kernel.supervisor.SupervisionBackend;
import io.agentsh.core.kernel.supervisor.SupervisorOptions;
import io.agentsh.core.mode.SecurityModes;
import io.agentsh.core.mode.StartupModes;
import io.agentsh.core.ns.ProcessNamespaces;
import io.agentsh.core.policy.EnginePolicy;
import io.agentsh.core.policy.SessionPolicy;
import io.agentsh.core.session.Session;
import io.agentsh.core.session.SessionListener;
import io.agentsh.policy.Engine;
import io.agentsh.policy.ServerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * Kernel enforcement for every governed command: API/stream exec through a {@link CommandLauncher}
 * that starts agentsh-exec-wrapper, and shim-started shells through the shim route's arming seam
 * (the shim execs the wrapper in place). One {@link ArmingPlan} per session and policy version,
 * its Landlock ruleset closed with the session. The supervisor's decisions go to the audit log.
 *
 * <p>When kernel enforcement is configured but cannot be armed (no wrapper, no seccomp user
 * notification) every command is refused with the reason, unless {@code sandbox.allow_degraded}.
 */
public final class KernelLayer implements CommandLauncher, SessionListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KernelLayer.class.getName());

    private record SessionPlan(SessionPolicy policy, ArmingPlan plan) {}

    private final Daemon daemon;
    private final ServerConfig config;
    private final Path wrapper;
    private final Path runtimeDir;
    private final SupervisorOptions options;
    private final CgroupLayer cgroups;
    private final SupervisionBackend backend;
    private final Map<String, SessionPlan> plans = new ConcurrentHashMap<>();

    private KernelLayer(Daemon daemon, ServerConfig config, Path wrapper, Path runtimeDir, SupervisorOptions options,
                        CgroupLayer cgroups, SupervisionBackend backend) {
        this.daemon = daemon;
        this.backend = backend;
        this.cgroups = cgroups;
        this.config = config;
        this.wrapper = wrapper;
        this.runtimeDir = runtimeDir;
        this.options = options;
    }

    /** True when the config asks for kernel enforcement of commands (seccomp or ptrace; SecurityModes picks the backend). */
    public static boolean wanted(ServerConfig cfg) {
        String mode = cfg.string("security.mode");
        return cfg.bool("sandbox.enabled") && (cfg.bool("sandbox.seccomp.enabled") || cfg.bool("sandbox.ptrace.enabled")
                || "full".equals(mode) || "landlock".equals(mode) || "ptrace".equals(mode));
    }

    /**
     * Installs the layer when the config wants it. Returns null when not wanted, or when it cannot
     * be armed and degraded mode is allowed (a warning is logged).
     */
    public static KernelLayer install(Daemon daemon, ServerConfig cfg, SupervisorOptions options) {
        if (!wanted(cfg)) return null;
        String notArmable = unavailableReason();
        SecurityModes.Selection mode = null;
        if (notArmable == null) {
            try {
                mode = StartupModes.select(cfg, MechanismProbes.findWrapper());
                mode.warnings().forEach(LOG::warning);
                if (mode.backend() == null) notArmable = "security mode '" + mode.mode() + "' has no kernel supervisor";
            } catch (SecurityModes.ModeUnavailableException e) {
                notArmable = e.getMessage();
            }
        }
        String unavailable = notArmable;
        if (unavailable != null) {
            if (cfg.bool("sandbox.allow_degraded")) {
                LOG.warning("kernel enforcement unavailable (" + unavailable + "); sandbox.allow_degraded: commands run "
                        + "with the API/shim pre-check only");
                return null;
            }
            LOG.severe("kernel enforcement unavailable (" + unavailable + "); every command is refused "
                    + "(set sandbox.allow_degraded: true to run without it)");
            CommandLauncher refuse = r -> {
                throw new LaunchException("kernel enforcement unavailable: " + unavailable);
            };
            daemon.execService().launcher(refuse);
            daemon.shimRoute().arming((s, c, pid, path, argv0, args) -> {
                throw new LaunchException(unavailable);
            });
            return null;
        }
        KernelLayer k = new KernelLayer(daemon, cfg, MechanismProbes.findWrapper(), runtimeDir(daemon), options,
                CgroupLayer.install(cfg, daemon.audit()), mode.backend());
        daemon.sessions().addListener(k);
        daemon.execService().launcher(k);
        daemon.shimRoute().arming(k::armShell);
        daemon.addLayer(k);
        LOG.info("kernel enforcement: commands armed by " + k.wrapper + " (mode " + mode.mode() + ", backend "
                + mode.backend().name().toLowerCase() + (cfg.bool("landlock.enabled") ? ", Landlock when the kernel has it" : "") + ")");
        return k;
    }

    /** Without the wrapper nothing can be armed; which mechanism serves the tree is SecurityModes' choice. */
    static String unavailableReason() {
        Path w = MechanismProbes.findWrapper();
        if (w == null || !Files.isExecutable(w)) return "agentsh-exec-wrapper not installed";
        return null;
    }

    private static Path runtimeDir(Daemon daemon) {
        Path sock = daemon.config().unixSocketPath();
        if (sock != null && sock.getParent() != null && Files.isWritable(sock.getParent())) {
            return sock.getParent().resolve("arm");
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "agentsh-arm-" + System.getProperty("user.name"));
    }

    @Override
    public LaunchPlan plan(LaunchRequest r) throws LaunchException {
        Session s = session(r.sessionId());
        ArmingPlan ap = plan(s);
        CgroupLayer.Placed cg = place(s, r.commandId());
        PendingArm arm;
        try {
            arm = open(s, r.commandId(), ap, cg);
        } catch (LaunchException e) {
            if (cg != null) cg.finish();
            throw e;
        }
        List<String> argv = withPrefix(s, arm.argv(r.executable(), r.argv0(), r.args()));
        return new LaunchPlan(argv, r.env(), r.workingDir(), new LaunchPlan.Listener() {
            private volatile Map<String, Object> resources = Map.of();

            @Override
            public void started(long pid) {
                arm.started(pid);
            }

            @Override
            public void finished(long pid, int exitCode) {
                if (pid < 0) arm.startFailed();
                // The runner has ended the process group; finish kills what escaped it inside the cgroup.
                if (cg != null) resources = cg.finish();
            }

            @Override
            public Map<String, Object> resources() {
                return resources;
            }
        });
    }

    /** Shim path: the caller (pid) execs the wrapper in place; it keeps its session and terminal. */
    List<String> armShell(Session s, String commandId, int pid, String path, String argv0, List<String> args)
            throws LaunchException {
        ArmingPlan p = plan(s);
        CgroupLayer.Placed cg = place(s, commandId);
        PendingArm arm;
        try {
            arm = open(s, commandId, p.withoutSetsid(), cg);
        } catch (LaunchException e) {
            if (cg != null) cg.finish();
            throw e;
        }
        arm.started(pid);
        arm.armed().whenComplete((sup, e) -> {
            if (e != null) {
                LOG.warning("shim shell of session " + s.id() + " (pid " + pid + ") not armed: " + e.getMessage());
                if (cg != null) cg.finish();
            } else if (cg != null) {
                // The supervisor sees the tree end (every user of the filter gone): then the cgroup goes.
                sup.done().whenComplete((v, x) -> cg.finish());
            }
        });
        return withPrefix(s, arm.argv(path, argv0, args));
    }

    private CgroupLayer.Placed place(Session s, String commandId) throws LaunchException {
        return cgroups == null ? null : cgroups.place(s, commandId);
    }

    /** The session's launch prefix (network namespace entry) before the wrapper, which execs in place. */
    private static List<String> withPrefix(Session s, List<String> argv) {
        List<String> prefix = s.launchPrefix();
        if (prefix.isEmpty()) return argv;
        List<String> out = new java.util.ArrayList<>(prefix.size() + argv.size());
        out.addAll(prefix);
        out.addAll(argv);
        return out;
    }

    private PendingArm open(Session s, String commandId, ArmingPlan plan, CgroupLayer.Placed cg) throws LaunchException {
        try {
            return PendingArm.open(wrapper, runtimeDir, s.id(), new EngineKernelPolicy(engine(s)), plan,
                    new AuditEnforcementEvents(daemon.audit(), commandId), options,
                    cg == null ? pid -> { } : cg::join);
        } catch (IOException | RuntimeException e) {
            throw new LaunchException("cannot prepare kernel enforcement: " + e.getMessage());
        }
    }

    private Session session(String id) throws LaunchException {
        Session s = daemon.sessions().find(id);
        if (s == null) throw new LaunchException("session " + id + " is gone");
        return s;
    }

    private static Engine engine(Session s) throws LaunchException {
        if (s.policy().get() instanceof EnginePolicy ep) return ep.engine();
        throw new LaunchException("the session's policy has no compiled engine for the kernel supervisor");
    }

    /** The session's plan for its current policy; rebuilt after a policy reload. */
    private ArmingPlan plan(Session s) throws LaunchException {
        SessionPolicy current = s.policy().get();
        SessionPlan cached = plans.get(s.id());
        if (cached != null && cached.policy() == current) return cached.plan();
        Engine engine = engine(s);
        ArmingPlan plan;
        try {
            plan = ProcessNamespaces.fromConfig(config).applyTo(KernelPlans.forSession(config, engine.policy(),
                    engine.options().variables(), new EngineKernelPolicy(engine), s.workspace().toString(), backend));
        } catch (IOException | RuntimeException e) {
            throw new LaunchException("cannot build the kernel plan: " + e.getMessage());
        }
        SessionPlan old = plans.put(s.id(), new SessionPlan(current, plan));
        // An older plan's ruleset may still be on its way to a wrapper; it is closed with the session.
        if (old != null && old.plan().landlock() != null) retired.computeIfAbsent(s.id(), k -> new java.util.ArrayList<>())
                .add(old.plan());
        return plan;
    }

    private final Map<String, List<ArmingPlan>> retired = new ConcurrentHashMap<>();

    @Override
    public void destroyed(Session s) {
        SessionPlan p = plans.remove(s.id());
        if (p != null && p.plan().landlock() != null) p.plan().landlock().close();
        List<ArmingPlan> old = retired.remove(s.id());
        if (old != null) for (ArmingPlan a : old) a.landlock().close();
    }

    @Override
    public void close() {
        for (String id : List.copyOf(plans.keySet())) {
            SessionPlan p = plans.remove(id);
            if (p != null && p.plan().landlock() != null) p.plan().landlock().close();
        }
    }
}
