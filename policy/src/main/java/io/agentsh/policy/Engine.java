package io.agentsh.policy;

import io.agentsh.policy.internal.CompiledPolicy;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * A compiled policy: every decision in the system is one call here. Built once by
 * {@link #compile}, immutable and thread-safe. Per rule type, rules are tried in declaration
 * order and the first match wins; when nothing matches the reference's defaults apply
 * ({@code default-allow-reads}, {@code default-deny-files}, {@code default-deny-commands},
 * {@code default-deny-execve}, {@code default-deny-network}, {@code default-deny-unix}).
 */
public final class Engine {
    private final CompiledPolicy compiled;

    private Engine(CompiledPolicy compiled) { this.compiled = compiled; }

    /** Compiles {@code policy}; all problems (undefined variables, ...) are reported together. */
    public static Engine compile(Policy policy, EngineOptions options) throws PolicyException {
        return new Engine(CompiledPolicy.compile(policy, options));
    }

    public Policy policy() { return compiled.policy(); }
    public EngineOptions options() { return compiled.options(); }
    /** Compile warnings: patterns skipped for undefined variables, ... */
    public List<Problem> warnings() { return compiled.warnings(); }

    /**
     * Decides a file operation on an absolute path. The path is normalised ({@code .}, {@code ..},
     * duplicate slashes); symlinks must already be resolved by the caller. Any numeric
     * {@code /proc/PID/...} is treated as another process's.
     */
    public Verdict checkFile(String path, FileOperation op) { return compiled.checkFile(path, op, -1); }

    /** As {@link #checkFile(String, FileOperation)}; {@code /proc/<callerPid>/...} counts as the caller's own. */
    public Verdict checkFile(String path, FileOperation op, long callerPid) { return compiled.checkFile(path, op, callerPid); }

    /**
     * The API / shim pre-check of a command ({@code args} without argv[0]): unwraps wrappers
     * (env, nice, timeout, sudo, ...), looks into simple {@code sh -c} scripts, and returns the
     * strictest verdict found.
     */
    public Verdict checkCommand(String command, List<String> args) { return compiled.checkCommand(command, args); }

    /** The exec-time check ({@code argv} includes argv[0]); {@code depth} 0 = the session's direct command. */
    public Verdict checkExecve(String filename, List<String> argv, int depth) {
        return compiled.checkExecve(filename, argv, depth);
    }

    /**
     * Decides a connection. {@code host} is the name asked for, or an IP literal (any IPv4 spelling:
     * dotted, decimal, octal, hex, short; IPv6; IPv4-mapped IPv6), or null. CIDR rules match any of
     * {@code dialled} (the addresses really connected to) or the literal; the engine never resolves names.
     */
    public Verdict checkNetwork(String host, int port, List<InetAddress> dialled) {
        return compiled.checkNetwork(host, port, dialled);
    }

    /** Decides a unix-socket operation; abstract sockets are passed as {@code @name}. */
    public Verdict checkUnixSocket(String path, UnixSocketOperation op) { return compiled.checkUnixSocket(path, op); }

    /** Decides a signal from a process in the session to {@code target} (signal number 1..64). */
    public SignalVerdict checkSignal(int signal, SignalTarget target) { return compiled.checkSignal(signal, target); }

    /** The first {@code dns_redirects} entry matching {@code host} (lower-cased, trailing dot stripped). */
    public Optional<DnsRedirect> dnsRedirect(String host) { return compiled.dnsRedirect(host); }

    /** The first {@code connect_redirects} entry matching {@code host:port}. */
    public Optional<ConnectRedirect> connectRedirect(String host, int port) { return compiled.connectRedirect(host, port); }

    /** The global env policy with the injected variables (command verdicts carry their own). */
    public EnvFilter envFilter() { return compiled.envFilter(); }

    public ResourceLimits limits() { return compiled.policy().resourceLimits(); }

    /** The compiled file rules in order (patterns expanded), for deriving kernel-side rules such as Landlock. */
    public List<FileRuleView> fileRules() { return compiled.fileRules(); }

    /** Whether {@code path} is a protected path (never readable through a catch-all; CONTRACT §2). */
    public boolean isProtectedPath(String path, long callerPid) { return compiled.isProtectedPath(normalisePath(path), callerPid); }

    /** The lexical normalisation {@link #checkFile} applies ({@code .}, {@code ..}, duplicate and trailing slashes). */
    public static String normalisePath(String path) { return io.agentsh.policy.internal.match.PathNorm.normalise(path); }
}
