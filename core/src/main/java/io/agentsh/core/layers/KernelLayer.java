package io.agentsh.core.layers;

import io.agentsh.core.Daemon;
import io.agentsh.core.exec.CommandLauncher;
import io.agentsh.core.exec.LaunchPlan;
import io.agentsh.core.exec.LaunchRequest;
import io.agentsh.core.kernel.detect.MechanismProbes;
import io.agentsh.core.kernel.masks.ReadMasks;
import io.agentsh.core.kernel.supervisor.ArmingPlan;
import io.agentsh.core.kernel.supervisor.EngineKernelPolicy;
import io.agentsh.core.kernel.supervisor.KernelPlans;
import io.agentsh.core.kernel.supervisor.NamespaceJoin;
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

    /**
     * A session's plans for one policy version: {@code masks} is set when reads are decided in the
     * kernel (the masked plan, its masks applied in the session's mount namespace); {@code view}
     * is the session's FUSE view the rulesets also hold in (null: none yet).
     */
    private record SessionPlan(SessionPolicy policy, Path view, KernelPlans.SessionPlans plans, ReadMasks masks, Path mountNs) {
        void close() {
            if (masks != null) masks.close();
            if (plans.trapping().landlock() != null) plans.trapping().landlock().close();
            if (plans.masked() != null && plans.masked().landlock() != null) plans.masked().landlock().close();
        }
    }

    /** The plan a command gets, and the mount namespace it joins with it (null: none). */
    private record Chosen(ArmingPlan plan, Path mountNs) {}

    private final Daemon daemon;
    private final ServerConfig config;
    private final Path wrapper;
    private final Path runtimeDir;
    private final SupervisorOptions options;
    private final CgroupLayer cgroups;
    private final MountNamespaceLayer mountNamespaces;
    private final FuseLayer fuse;
    private final SupervisionBackend backend;
    private final ProcessNamespaces processNamespaces;
    private final Map<String, SessionPlan> plans = new ConcurrentHashMap<>();
    /**
     * System property {@code agentsh.masks.always_refresh}: every mask looked at before every
     * command, as before {@link ReadMasks#refreshIfChanged} (for A/B benchmarks).
     */
    private static final boolean ALWAYS_REFRESH_MASKS = Boolean.getBoolean("agentsh.masks.always_refresh");
    /** Daemon-side arming phases, on /metrics for the benchmarks. */
    private final PhaseTimings timings = new PhaseTimings();
    /** Notifications served by supervisors whose tree has ended, per kind of plan (reads trapped / in the kernel). */
    private final java.util.concurrent.atomic.LongAdder trappedNotifications = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder maskedNotifications = new java.util.concurrent.atomic.LongAdder();

    private KernelLayer(Daemon daemon, ServerConfig config, Path wrapper, Path runtimeDir, SupervisorOptions options,
                        CgroupLayer cgroups, MountNamespaceLayer mountNamespaces, FuseLayer fuse,
                        SupervisionBackend backend) {
        this.daemon = daemon;
        this.mountNamespaces = mountNamespaces;
        this.fuse = fuse;
        this.backend = backend;
        this.processNamespaces = ProcessNamespaces.fromConfig(config);
        this.cgroups = cgroups;
        this.config = config;
        this.wrapper = wrapper;
        this.runtimeDir = runtimeDir;
        this.options = options;
    }

    /** True when the config asks for kernel enforcement of commands (seccomp, or ptrace, which we serve with seccomp). */
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
        return install(daemon, cfg, options, null, null);
    }

    /** As below, without a FUSE layer. */
    public static KernelLayer install(Daemon daemon, ServerConfig cfg, SupervisorOptions options,
                                      MountNamespaceLayer mountNamespaces) {
        return install(daemon, cfg, options, mountNamespaces, null);
    }

    /**
     * As above; {@code mountNamespaces} (may be null) gives sessions the mount namespace their
     * commands join; {@code fuse} (may be null) mounts a session's deferred workspace view before
     * its first command.
     */
    public static KernelLayer install(Daemon daemon, ServerConfig cfg, SupervisorOptions options,
                                      MountNamespaceLayer mountNamespaces, FuseLayer fuse) {
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
                CgroupLayer.install(cfg, daemon.audit()), mountNamespaces, fuse, mode.backend());
        daemon.sessions().addListener(k);
        daemon.execService().launcher(k);
        daemon.shimRoute().arming(k::armShell);
        daemon.addLayer(k);
        daemon.metrics().addSource(k::prometheus);
        LOG.info("kernel enforcement: commands armed by " + k.wrapper + " (mode " + mode.mode() + ", backend "
                + mode.backend().name().toLowerCase() + (cfg.bool("landlock.enabled") ? ", Landlock when the kernel has it" : "") + ")");
        return k;
    }

    /**
     * {@code agentsh_seccomp_notifications_total{reads="trapped|kernel"}}: notifications the
     * supervisors served for commands whose tree has ended, by where the session's reads are
     * decided. A read-only open in a session whose reads are decided in the kernel adds nothing.
     */
    String prometheus() {
        return "# HELP agentsh_seccomp_notifications_total Seccomp notifications served (finished command trees).\n"
                + "# TYPE agentsh_seccomp_notifications_total counter\n"
                + "agentsh_seccomp_notifications_total{reads=\"trapped\"} " + trappedNotifications.sum() + "\n"
                + "agentsh_seccomp_notifications_total{reads=\"kernel\"} " + maskedNotifications.sum() + "\n"
                + timings.prometheus();
    }

    private void count(PendingArm arm, boolean masked) {
        arm.armed().thenAccept(sup -> sup.done().whenComplete((v, x) ->
                (masked ? maskedNotifications : trappedNotifications).add(sup.handledCount())));
    }

    static String unavailableReason() {
        Path w = MechanismProbes.findWrapper();
        if (w == null || !Files.isExecutable(w)) return "agentsh-exec-wrapper not installed";
        return null; // which mechanism serves the tree (and whether it works) is SecurityModes' choice
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
        ensureView(s, true);
        Chosen ap = choose(s, plan(s), true);
        Path mountNs = mountNamespaceFor(s, ap, true);
        CgroupLayer.Placed cg = place(s, r.commandId());
        PendingArm arm;
        try {
            arm = open(s, r.commandId(), ap.plan(), cg, join(s, mountNs, r.workingDir() == null ? "" : r.workingDir().toString()),
                    viewJoined(s, mountNs));
        } catch (LaunchException e) {
            if (cg != null) cg.finish();
            throw e;
        }
        count(arm, ap.plan() != plan(s).plans().trapping());
        List<String> argv = arm.argv(r.executable(), r.argv0(), r.args(), r.terminal());
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
        long t0 = System.nanoTime();
        boolean canJoin = canJoinMountNamespace(pid);
        ensureView(s, canJoin);
        Chosen c = choose(s, plan(s), canJoin);
        Path mountNs = mountNamespaceFor(s, c, canJoin);
        ArmingPlan p = c.plan();
        timings.since("plan", t0);
        long t1 = System.nanoTime();
        CgroupLayer.Placed cg = place(s, commandId);
        timings.since("cgroup_take", t1);
        PendingArm arm;
        long t2 = System.nanoTime();
        try {
            // The shell execs the wrapper in place: its own working directory is the one to re-enter.
            arm = open(s, commandId, p.withoutSetsid(), cg, join(s, mountNs, ""), viewJoined(s, mountNs));
        } catch (LaunchException e) {
            if (cg != null) cg.finish();
            throw e;
        }
        arm.started(pid);
        timings.since("arm_open", t2);
        long t3 = System.nanoTime();
        count(arm, p != plan(s).plans().trapping());
        arm.armed().whenComplete((sup, e) -> {
            timings.since("armed", t3);
            if (e != null) {
                LOG.warning("shim shell of session " + s.id() + " (pid " + pid + ") not armed: " + e.getMessage());
                if (cg != null) cg.finish();
            } else if (cg != null) {
                // The supervisor sees the tree end (every user of the filter gone): then the cgroup goes.
                // Nobody waits for a shim shell's usage: off the supervisor's thread (the kill
                // loop may wait for the shell's parent to reap it).
                sup.done().whenComplete((v, x) -> Thread.ofVirtual().name("agentsh-cgroup-finish").start(() -> {
                    long t4 = System.nanoTime();
                    cg.finish();
                    timings.since("cgroup_finish", t4);
                }));
            }
        });
        return arm.argv(path, argv0, args);
    }

    private CgroupLayer.Placed place(Session s, String commandId) throws LaunchException {
        return cgroups == null ? null : cgroups.place(s, commandId);
    }

    /**
     * The masked plan (reads decided in the kernel) when the session has one, its masks are in
     * place (refreshed when something changed: the host may have replaced a masked file since the last command) and the
     * caller can join a mount namespace; otherwise the trapping plan, in the session's mount
     * namespace if a layer made one and the caller can join it.
     */
    private Chosen choose(Session s, SessionPlan sp, boolean canJoin) {
        if (sp.masks() != null && canJoin) {
            try {
                long t0 = System.nanoTime();
                // "masks_refreshed": something changed and every mask was looked at; "masks": nothing did.
                if (ALWAYS_REFRESH_MASKS) sp.masks().refresh();
                timings.since(ALWAYS_REFRESH_MASKS || sp.masks().refreshIfChanged() ? "masks_refreshed" : "masks", t0);
                return new Chosen(processNamespaces.applyTo(sp.plans().masked()), sp.mountNs());
            } catch (IOException | RuntimeException e) {
                LOG.warning("session " + s.id() + ": read masks cannot be refreshed (" + e.getMessage()
                        + "); this command's reads are trapped");
            }
        }
        // A session namespace some other layer made (a FUSE view) is joined with the trapping plan too.
        var other = canJoin && mountNamespaces != null ? mountNamespaces.find(s) : null;
        return new Chosen(processNamespaces.applyTo(sp.plans().trapping()), other != null && other.isOpen() ? other.path() : null);
    }

    /** setns into a mount namespace needs CAP_SYS_ADMIN and CAP_SYS_CHROOT (a shim shell of an unprivileged user has neither). */
    static boolean canJoinMountNamespace(int pid) {
        try {
            // One read, no per-line strings: this runs for every shim command.
            String st = new String(Files.readAllBytes(Path.of("/proc/" + pid + "/status")), java.nio.charset.StandardCharsets.US_ASCII);
            int i = st.indexOf("\nCapEff:");
            if (i < 0) return false;
            int from = i + 8, to = st.indexOf('\n', from);
            long eff = Long.parseUnsignedLong(st.substring(from, to < 0 ? st.length() : to).trim(), 16);
            return (eff & (1L << 21)) != 0 && (eff & (1L << 18)) != 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The namespaces a command of the session joins (the wrapper's SETNS items): the session's
     * mount namespace (masked reads) and network namespace (transparent network mode). Opened per
     * command; PendingArm closes them.
     */
    private NamespaceJoin join(Session s, Path mountNs, String cwd) throws LaunchException {
        Path net = s.networkNamespace();
        if (net == null && mountNs == null) return NamespaceJoin.NONE;
        try {
            return NamespaceJoin.open(mountNs, net, cwd);
        } catch (IOException e) {
            throw new LaunchException("cannot join the session's namespaces: " + e.getMessage());
        }
    }

    /**
     * Mounts a deferred FUSE view before the session's first command that can join the namespace
     * it is shown in; before the plan is chosen, so the plan's Landlock rules hold in the view.
     */
    private void ensureView(Session s, boolean canJoin) {
        if (canJoin && fuse != null) fuse.ensureView(s);
    }

    /**
     * The mount namespace this command joins: the masked plan's, or, when the caller can join one,
     * the session's namespace with its FUSE workspace view. Null: the daemon's namespace.
     */
    private Path mountNamespaceFor(Session s, Chosen c, boolean canJoin) {
        if (!canJoin) return c.mountNs();
        if (c.mountNs() != null || s.workspaceView() == null || mountNamespaces == null) return c.mountNs();
        var ns = mountNamespaces.find(s);
        return ns == null ? null : ns.path();
    }

    /** Whether the command sees the session's FUSE view (it joins the namespace the view is shown in). */
    private static boolean viewJoined(Session s, Path mountNs) {
        return mountNs != null && s.workspaceView() != null;
    }

    /**
     * A command that sees the FUSE view has its deletes soft-deleted by the view: the supervisor
     * performs an allowed delete (through the view) instead of moving the file out through the
     * view, which would re-enter the trash store from the view's thread while the supervisor holds
     * it. A command that cannot join the namespace works on the real directory and keeps the
     * supervisor's soft delete.
     */
    private SupervisorOptions optionsFor(boolean viewJoined) {
        return viewJoined ? options.withSoftDeleter(null) : options;
    }

    private PendingArm open(Session s, String commandId, ArmingPlan plan, CgroupLayer.Placed cg, NamespaceJoin join,
                            boolean viewJoined) throws LaunchException {
        Engine engine = engine(s);
        // cgroup v1: the wrapper moves itself in (no global lock); the hook then only checks it did.
        List<Path> selfJoin = cg == null ? List.of() : cg.selfJoinFiles();
        if (!selfJoin.isEmpty()) {
            try {
                int[] ready = cg.takeSelfJoinDescriptors();
                join = ready != null ? join.withCgroupDescriptors(ready) : join.withCgroup(selfJoin);
            } catch (IOException e) {
                join.close();
                throw new LaunchException("cannot join the command's cgroup: " + e.getMessage());
            }
        }
        boolean selfJoined = !selfJoin.isEmpty();
        try {
            return PendingArm.open(wrapper, runtimeDir, s.id(), new EngineKernelPolicy(engine), plan,
                    new AuditEnforcementEvents(daemon.audit(), commandId), optionsFor(viewJoined),
                    cg == null ? pid -> { } : pid -> {
                        long t0 = System.nanoTime();
                        cg.join(pid, selfJoined);
                        timings.since(selfJoined ? "cgroup_verify" : "cgroup_join", t0);
                    }, join);
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

    /**
     * The session's plans for its current policy and FUSE view; rebuilt after a policy reload and
     * once a deferred view is mounted (Landlock rules name inodes: the view's are not the real
     * directory's, see {@link io.agentsh.core.kernel.landlock.LandlockConfig#withView}).
     */
    private SessionPlan plan(Session s) throws LaunchException {
        SessionPolicy current = s.policy().get();
        Path view = s.workspaceView();
        SessionPlan cached = plans.get(s.id());
        if (cached != null && cached.policy() == current && java.util.Objects.equals(cached.view(), view)) return cached;
        synchronized (s) {
            cached = plans.get(s.id());
            if (cached != null && cached.policy() == current && java.util.Objects.equals(cached.view(), view)) return cached;
            Engine engine = engine(s);
            KernelPlans.SessionPlans built;
            try {
                built = KernelPlans.forSession(config, engine, new EngineKernelPolicy(engine), s.workspace().toString(),
                        mountNamespaces != null, backend, view == null ? null : view.toString());
            } catch (IOException | RuntimeException e) {
                throw new LaunchException("cannot build the kernel plan: " + e.getMessage());
            }
            ReadMasks masks = null;
            Path ns = null;
            if (built.masked() != null) {
                try {
                    var mnt = mountNamespaces.forSession(s);
                    masks = ReadMasks.apply(mnt, built.reads(), path -> engine.isProtectedPath(path, -1));
                    ns = mnt.path();
                    LOG.info("session " + s.id() + ": reads decided in the kernel (" + built.reads().masks().size()
                            + " masks, Landlock read roots " + built.reads().landlockRead() + ")");
                } catch (IOException | RuntimeException e) {
                    LOG.warning("session " + s.id() + ": read masks cannot be applied (" + e.getMessage()
                            + "); reads are trapped");
                }
            } else {
                LOG.info("session " + s.id() + ": reads trapped and decided by the supervisor (" + built.reads().reason() + ")");
            }
            SessionPlan plan = new SessionPlan(current, view, built, masks, ns);
            SessionPlan old = plans.put(s.id(), plan);
            // An older plan's ruleset may still be on its way to a wrapper; it is closed with the session.
            if (old != null) retired.computeIfAbsent(s.id(), k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(old);
            return plan;
        }
    }

    private final Map<String, List<SessionPlan>> retired = new ConcurrentHashMap<>();

    @Override
    public void destroyed(Session s) {
        SessionPlan p = plans.remove(s.id());
        if (p != null) p.close();
        List<SessionPlan> old = retired.remove(s.id());
        if (old != null) for (SessionPlan a : old) a.close();
    }

    @Override
    public void close() {
        for (String id : List.copyOf(plans.keySet())) {
            SessionPlan p = plans.remove(id);
            if (p != null) p.close();
        }
        if (cgroups != null) cgroups.close();
    }
}
