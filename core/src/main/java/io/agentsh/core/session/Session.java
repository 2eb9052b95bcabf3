package io.agentsh.core.session;

import io.agentsh.core.policy.PolicyHandle;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One agent session: its workspace, its live policy handle, its env, and its one foreground
 * command at a time (the reference serialises execs per session).
 */
public final class Session {
    /** Virtual path the agent sees as its workspace (reference: cwd and virtual_root). */
    public static final String VIRTUAL_ROOT = "/workspace";

    private final String id;
    private final Instant createdAt;
    private final Path workspace;
    private final String policyName;
    private final PolicyHandle policy;
    private final ProjectRoots roots;
    private final boolean realPaths;
    private final ReentrantLock execLock = new ReentrantLock(true);
    private final Map<String, String> env = new ConcurrentHashMap<>();
    private final AtomicReference<RunningCommand> running = new AtomicReference<>();
    private final CommandOutputs outputs = new CommandOutputs(16);
    private volatile SessionState state = SessionState.READY;
    private volatile String cwd;
    private volatile long lastActivityNanos = System.nanoTime();

    public Session(String id, Instant createdAt, Path workspace, String policyName, PolicyHandle policy,
                   ProjectRoots roots, boolean realPaths) {
        this.id = id;
        this.createdAt = createdAt;
        this.workspace = workspace;
        this.policyName = policyName;
        this.policy = policy;
        this.roots = roots;
        this.realPaths = realPaths;
        this.cwd = realPaths ? workspace.toString() : VIRTUAL_ROOT;
    }

    public String id() { return id; }
    public Instant createdAt() { return createdAt; }
    public Path workspace() { return workspace; }
    /** Where commands really run: the workspace (a FUSE mount point once one exists). */
    public Path workspaceMount() { return workspace; }
    public String policyName() { return policyName; }
    public PolicyHandle policy() { return policy; }
    public ProjectRoots roots() { return roots; }
    public boolean realPaths() { return realPaths; }
    public ReentrantLock execLock() { return execLock; }
    public Map<String, String> env() { return env; }
    public SessionState state() { return state; }
    public void state(SessionState s) { state = s; }
    public String cwd() { return cwd; }
    public void cwd(String c) { cwd = c; }
    public CommandOutputs outputs() { return outputs; }
    public String virtualRoot() { return realPaths ? workspace.toString() : VIRTUAL_ROOT; }

    public void touch() { lastActivityNanos = System.nanoTime(); }
    public long idleNanos() { return System.nanoTime() - lastActivityNanos; }

    public RunningCommand running() { return running.get(); }
    public void running(RunningCommand c) { running.set(c); }
    public void clearRunning(RunningCommand c) { running.compareAndSet(c, null); }

    /** The session's proxy, set by the network layer when it starts one (proxy_url in the session object). */
    public record ProxyInfo(String address, String mode, String dlpMode, java.util.List<String> patternNames) {}

    private volatile ProxyInfo proxy;
    private volatile String networkProxyUrl;
    private final Map<String, String> layerEnv = new ConcurrentHashMap<>();

    /** The network layer's explicit proxy for this session (proxy_url in the session object), or null. */
    public String networkProxyUrl() { return networkProxyUrl; }

    public void networkProxyUrl(String url) { networkProxyUrl = url; }

    /**
     * Variables the daemon's layers put into every child of the session (proxy variables, LLM base
     * URLs). Applied after the env policy: they are the daemon's, not the caller's.
     */
    public Map<String, String> layerEnv() { return layerEnv; }

    private volatile java.nio.file.Path networkNamespace;

    /**
     * The session's network namespace (a file that pins it, e.g. the network layer's netns in
     * transparent mode), or null. The kernel layer has every command join it through the exec
     * wrapper's SETNS plan item (docs/interfaces.md section 3).
     */
    public java.nio.file.Path networkNamespace() { return networkNamespace; }

    public void networkNamespace(java.nio.file.Path netns) { networkNamespace = netns; }

    public ProxyInfo proxy() { return proxy; }

    public void proxy(ProxyInfo p) { proxy = p; }

    /** The command currently running in a session, so /kill can signal its process group. */
    public record RunningCommand(String commandId, long pid) {}
}
