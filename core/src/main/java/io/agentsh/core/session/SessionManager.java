package io.agentsh.core.session;

import io.agentsh.core.api.ApiException;
import io.agentsh.core.audit.AuditLog;
import io.agentsh.core.audit.Event;
import io.agentsh.core.config.DaemonConfig;
import io.agentsh.core.exec.ProcessGroups;
import io.agentsh.core.policy.PolicyHandle;
import io.agentsh.core.policy.PolicyProvider;
import io.agentsh.core.policy.PolicyResolveException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/** Creates, finds and ends sessions; reaps idle and expired ones. */
public final class SessionManager implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SessionManager.class.getName());
    private static final Pattern ID = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_-]{0,127}$");
    private static final Pattern POLICY_NAME = Pattern.compile("^[A-Za-z0-9_-]+$");

    /** Body of POST /api/v1/sessions. */
    public record CreateRequest(String id, String workspace, String policy, String home, Boolean detectProjectRoot,
                                String projectRoot, Boolean realPaths) {}

    private final DaemonConfig config;
    private final PolicyProvider policies;
    private final AuditLog audit;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final ScheduledExecutorService reaper;
    private final Object createLock = new Object();
    private final java.util.List<SessionListener> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public void addListener(SessionListener l) {
        listeners.add(l);
    }

    public SessionManager(DaemonConfig config, PolicyProvider policies, AuditLog audit) {
        this.config = config;
        this.policies = policies;
        this.audit = audit;
        this.reaper = Executors.newSingleThreadScheduledExecutor(
                r -> Thread.ofPlatform().name("agentsh-session-reaper").daemon(true).unstarted(r));
        long every = Math.max(1000, config.cleanupInterval().toMillis());
        reaper.scheduleWithFixedDelay(this::reap, every, every, TimeUnit.MILLISECONDS);
    }

    public Session create(CreateRequest req) {
        String id = req.id() == null || req.id().isEmpty() ? "session-" + UUID.randomUUID() : req.id();
        if (!ID.matcher(id).matches()) throw new ApiException(400, "invalid session id");
        if (req.workspace() == null || req.workspace().isEmpty()) throw new ApiException(400, "workspace is required");
        Path workspace;
        try {
            Path p = Path.of(req.workspace()).toAbsolutePath();
            if (!Files.exists(p)) throw new ApiException(400, "workspace stat: stat " + p + ": no such file or directory");
            if (!Files.isDirectory(p)) throw new ApiException(400, "workspace must be a directory");
            workspace = p.toRealPath();
        } catch (IOException e) {
            throw new ApiException(400, "workspace stat: " + e.getMessage());
        }
        String policyName = req.policy() == null || req.policy().isEmpty() ? config.defaultPolicy() : req.policy();
        if (!POLICY_NAME.matcher(policyName).matches()) {
            throw new ApiException(400, "resolve policy: invalid policy name");
        }
        ProjectRoots roots = projectRoots(req, workspace);
        Map<String, String> vars = new HashMap<>();
        String home = req.home() != null && !req.home().isEmpty() ? req.home() : System.getProperty("user.home");
        vars.put("HOME", home);
        vars.put("PROJECT_ROOT", roots.projectRoot().toString());
        vars.put("GIT_ROOT", roots.gitRoot().toString());

        Session session;
        synchronized (createLock) {
            if (sessions.containsKey(id)) throw new ApiException(409, "session already exists");
            if (sessions.size() >= config.maxSessions()) throw new ApiException(400, "max sessions reached");
            PolicyHandle handle;
            try {
                handle = policies.open(policyName, vars);
            } catch (PolicyResolveException e) {
                throw new ApiException(e.status(), e.getMessage());
            }
            boolean realPaths = req.realPaths() != null && req.realPaths();
            session = new Session(id, Instant.now(), workspace, policyName, handle, roots, realPaths);
            sessions.put(id, session);
        }
        for (SessionListener l : listeners) {
            try {
                l.created(session);
            } catch (Exception e) {
                sessions.remove(id, session);
                for (SessionListener undo : listeners) undo.destroyed(session);
                throw new ApiException(500, "session setup: " + e.getMessage());
            }
        }
        audit.emit(Event.builder("session_created", id)
                .field("workspace", workspace.toString()).field("policy", policyName)
                .field("project_root", roots.projectRoot().toString()).field("git_root", roots.gitRoot().toString())
                .build());
        return session;
    }

    private ProjectRoots projectRoots(CreateRequest req, Path workspace) {
        if (req.projectRoot() != null && !req.projectRoot().isEmpty()) {
            Path p = Path.of(req.projectRoot()).toAbsolutePath().normalize();
            return new ProjectRoots(p, p);
        }
        boolean detect = req.detectProjectRoot() != null ? req.detectProjectRoot() : config.detectProjectRoot();
        return detect ? ProjectRoots.detect(workspace, config.projectMarkers()) : new ProjectRoots(workspace, workspace);
    }

    public Session get(String id) {
        Session s = sessions.get(id);
        if (s == null) throw new ApiException(404, "session not found");
        return s;
    }

    public Session find(String id) {
        return id == null ? null : sessions.get(id);
    }

    public List<Session> list() {
        List<Session> all = new ArrayList<>(sessions.values());
        all.sort(Comparator.comparing(Session::createdAt));
        return all;
    }

    public int count() {
        return sessions.size();
    }

    public void destroy(String id) {
        Session s = sessions.remove(id);
        if (s == null) throw new ApiException(404, "session not found");
        end(s, SessionState.COMPLETED, "destroyed");
    }

    private void end(Session s, SessionState finalState, String reason) {
        s.state(SessionState.TERMINATING);
        Session.RunningCommand rc = s.running();
        if (rc != null) ProcessGroups.terminate(rc.pid(), Duration.ofSeconds(2));
        s.state(finalState);
        for (SessionListener l : listeners) {
            try {
                l.destroyed(s);
            } catch (RuntimeException e) {
                LOG.warning("session " + s.id() + " teardown: " + e);
            }
        }
        audit.emit(Event.builder("session_destroyed", s.id()).field("reason", reason).build());
    }

    /** Ends sessions past sessions.default_timeout / default_idle_timeout (or the policy's, if lower). */
    void reap() {
        try {
            for (Session s : List.copyOf(sessions.values())) {
                Duration absolute = min(config.sessionTimeout(), s.policy().get().sessionTimeout());
                Duration idle = min(config.idleTimeout(), s.policy().get().idleTimeout());
                boolean expired = absolute != null
                        && Duration.between(s.createdAt(), Instant.now()).compareTo(absolute) > 0;
                boolean idleTooLong = idle != null && s.state() == SessionState.READY
                        && s.idleNanos() > idle.toNanos();
                if ((expired || idleTooLong) && sessions.remove(s.id(), s)) {
                    LOG.info("session " + s.id() + (expired ? " reached its timeout" : " was idle too long"));
                    end(s, SessionState.TIMED_OUT, expired ? "session_timeout" : "idle_timeout");
                }
            }
        } catch (RuntimeException e) {
            LOG.warning("session reaper: " + e);
        }
    }

    private static Duration min(Duration a, Duration b) {
        if (a == null || a.isZero()) return b == null || b.isZero() ? null : b;
        if (b == null || b.isZero()) return a;
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void close() {
        reaper.shutdownNow();
        for (Session s : List.copyOf(sessions.values())) {
            if (sessions.remove(s.id(), s)) end(s, SessionState.KILLED, "server_shutdown");
        }
    }
}
