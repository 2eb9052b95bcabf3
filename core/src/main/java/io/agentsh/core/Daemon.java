package io.agentsh.core;

import io.agentsh.core.api.ApiRoutes;
import io.agentsh.core.api.CommandGate;
import io.agentsh.core.api.ExecService;
import io.agentsh.core.api.ShimRoute;
import io.agentsh.core.approval.ApprovalManager;
import io.agentsh.core.approval.OperatorToken;
import io.agentsh.core.audit.AuditLog;
import io.agentsh.core.audit.EventSink;
import io.agentsh.core.audit.JsonlSink;
import io.agentsh.core.audit.SqliteEventStore;
import io.agentsh.core.config.DaemonConfig;
import io.agentsh.core.exec.CommandLauncher;
import io.agentsh.core.exec.GovernedProcesses;
import io.agentsh.core.exec.ProcessRunner;
import io.agentsh.core.exec.SetsidLauncher;
import io.agentsh.core.metrics.Metrics;
import io.agentsh.core.policy.PolicyProvider;
import io.agentsh.core.server.Access;
import io.agentsh.core.server.ApiKeys;
import io.agentsh.core.server.Dispatcher;
import io.agentsh.core.server.HttpApiServer;
import io.agentsh.core.server.Readiness;
import io.agentsh.core.server.Router;
import io.agentsh.core.session.SessionManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;

/**
 * The agentsh daemon, assembled: audit, sessions, exec pipeline, approvals, metrics and the HTTP
 * listeners. Other layers plug in through {@link #readiness()} and {@link #execService()}.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Daemon.class.getName());

    private final DaemonConfig config;
    private final PolicyProvider policies;
    private final Readiness readiness = new Readiness();
    private final Metrics metrics = new Metrics();
    private final GovernedProcesses governed = new GovernedProcesses();
    private final ExecutorService workers =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("agentsh-api-", 0).factory());
    private final AuditLog audit;
    private final SqliteEventStore store;
    private final ApprovalManager approvals;
    private final SessionManager sessions;
    private final ExecService exec;
    private final OperatorToken operatorToken;
    private final HttpApiServer server;
    private final ShimRoute shim;
    private final Router router;

    private Daemon(DaemonConfig config, PolicyProvider policies, CommandLauncher launcher) throws Exception {
        this.config = config;
        this.policies = policies;
        HttpApiServer.checkListenAddress(config.httpAddr(), config.authDisabled());
        List<EventSink> sinks = new ArrayList<>();
        store = config.auditStorageEnabled() ? new SqliteEventStore(config.sqlitePath()) : null;
        if (store != null) sinks.add(store);
        if (config.auditOutput() != null) sinks.add(new JsonlSink(config.auditOutput()));
        audit = new AuditLog(sinks, config.auditChannelSize(), config.auditBatchSize(),
                config.auditFlushInterval().toMillis(), 250);
        metrics.bindDroppedEvents(audit::droppedCount);
        approvals = new ApprovalManager(config.approvalsEnabled(), config.approvalsTimeout(), audit);
        metrics.bindPendingApprovals(approvals::pendingCount);
        sessions = new SessionManager(config, policies, audit);
        metrics.bindActiveSessions(sessions::count);
        exec = new ExecService(config, audit, approvals, launcher, new ProcessRunner(ProcessRunner.DEFAULT_CAPTURE_CAP),
                governed, metrics);
        sessions.addListener(exec.outputRedactors());
        operatorToken = createOperatorToken(config.operatorTokenFile());
        ApiKeys keys = null;
        if ("api_key".equals(config.authType())) {
            try {
                keys = ApiKeys.load(config.apiKeysFile());
            } catch (IOException | RuntimeException e) {
                LOG.severe("api keys not loaded: " + e.getMessage());
            }
        }
        router = new Router();
        new ApiRoutes(config, sessions, exec, audit, store, approvals, policies, metrics, readiness).register(router);
        shim = new ShimRoute(sessions, new CommandGate(audit, approvals, metrics), governed,
                config.envInject());
        router.add("POST", "/api/v1/shim/exec", Access.UNIX_PEER, shim::handle);
        new io.agentsh.core.api.CallerRoutes(governed, operatorToken).register(router);
        readiness.register("policy", policies::ready);
        Dispatcher dispatcher = new Dispatcher(router, config, keys, operatorToken, governed::isGoverned);
        server = new HttpApiServer(dispatcher, workers, config.maxRequestSize());
    }

    private static OperatorToken createOperatorToken(Path file) {
        try {
            return OperatorToken.create(file);
        } catch (IOException | RuntimeException e) {
            LOG.warning("operator token not written (" + file + "): " + e.getMessage()
                    + "; approvals then need an approver/admin API key");
            return null;
        }
    }

    /** Builds the daemon and binds its listeners. */
    public static Daemon start(DaemonConfig config, PolicyProvider policies) throws Exception {
        return start(config, policies, new SetsidLauncher());
    }

    public static Daemon start(DaemonConfig config, PolicyProvider policies, CommandLauncher launcher)
            throws Exception {
        return new Daemon(config, policies, launcher).listen();
    }

    /**
     * Builds the daemon without binding its listeners, so enforcement layers can be installed
     * before the first request can arrive (no command may run before the kernel layer is in
     * place); then {@link #listen()}.
     */
    public static Daemon create(DaemonConfig config, PolicyProvider policies) throws Exception {
        return new Daemon(config, policies, new SetsidLauncher());
    }

    /** Binds the TCP and unix listeners; closes the daemon when TCP cannot be bound. */
    public Daemon listen() throws Exception {
        Daemon d = this;
        try {
            d.server.bindTcp(config.httpAddr());
            if (config.unixSocketEnabled()) {
                try {
                    d.server.bindUnix(config.unixSocketPath(), config.unixSocketPermissions());
                } catch (IOException | RuntimeException e) {
                    LOG.warning("unix socket " + config.unixSocketPath() + " not available: " + e.getMessage());
                }
            }
        } catch (Exception e) {
            d.close();
            throw e;
        }
        // Load and JIT the exec path once in the background, so the first agent command does not
        // pay for class loading (seconds on a busy machine). Not part of readiness.
        Thread.ofVirtual().name("agentsh-warmup").start(d::warmUp);
        return d;
    }

    private void warmUp() {
        try {
            io.agentsh.core.policy.PolicyHandle g = policies.global();
            if (g != null) g.get().checkCommand("/bin/true", java.util.List.of());
            io.agentsh.core.exec.LaunchPlan plan = new SetsidLauncher().plan(new io.agentsh.core.exec.LaunchRequest(
                    "warmup", "warmup", "/bin/true", "/bin/true", java.util.List.of(), null,
                    java.util.Map.of("PATH", "/usr/bin:/bin"), null));
            new ProcessRunner(1024).run(plan, null, java.time.Duration.ofSeconds(5),
                    ProcessRunner.OutputListener.NONE, pid -> { });
            io.agentsh.core.json.Json.encode(io.agentsh.core.audit.Event.builder("warmup", "warmup").build());
        } catch (Exception | LinkageError e) {
            LOG.fine("warm-up: " + e);
        }
    }

    public int httpPort() { return server.tcpPort(); }

    /** The API's router: other layers register their routes here (e.g. TrashRoutes). */
    public Router router() { return router; }

    /** The session the calling process runs in (by its pid), or null for a caller outside any. */
    public io.agentsh.core.session.Session sessionOf(io.agentsh.core.server.Caller caller) {
        int pid = caller.pid();
        String id = pid > 0 ? governed.sessionOf(pid) : null;
        return id == null ? null : sessions.find(id);
    }

    public Path unixSocketPath() { return server.unixPath(); }

    public Readiness readiness() { return readiness; }

    public ExecService execService() { return exec; }

    public AuditLog audit() { return audit; }

    public Metrics metrics() { return metrics; }

    public SessionManager sessions() { return sessions; }

    public GovernedProcesses governed() { return governed; }

    public DaemonConfig config() { return config; }

    /** The shim route, for the kernel layer's arming seam. */
    public ShimRoute shimRoute() { return shim; }

    private final List<AutoCloseable> layers = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** A layer that lives as long as the daemon; closed first, in reverse order, on shutdown. */
    public void addLayer(AutoCloseable layer) { layers.add(layer); }

    @Override
    public void close() {
        server.close();
        sessions.close();   // first: session teardown still uses the layers (unregister, netns removal)
        for (int i = layers.size() - 1; i >= 0; i--) {
            try {
                layers.get(i).close();
            } catch (Exception e) {
                LOG.warning("closing " + layers.get(i).getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
        workers.shutdownNow();
        audit.close();
        policies.close();
        if (operatorToken != null) operatorToken.delete();
    }
}
