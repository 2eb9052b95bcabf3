package io.agentsh.policy.internal;

import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.EnvFilter;
import io.agentsh.policy.Policy;
import io.agentsh.policy.PolicyException;
import io.agentsh.policy.Problem;
import io.agentsh.policy.internal.env.EnvRules;
import io.agentsh.policy.internal.match.GlobSyntaxException;
import io.agentsh.policy.internal.yaml.Problems;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** All compiled rule sets of one policy. Built once; immutable. */
public final class CompiledPolicy {
    private final Policy policy;
    private final EngineOptions options;
    private final List<Problem> warnings;
    private final FileRules files;
    private final CommandRules commands;
    private final NetworkRules network;
    private final UnixSocketRules unix;
    private final SignalRules signals;
    private final Redirects redirects;

    private CompiledPolicy(Policy policy, EngineOptions options, Problems problems) {
        this.policy = policy;
        this.options = options;
        Vars vars = new Vars(options, problems);
        this.files = new FileRules(policy.fileRules(), options, vars, problems);
        this.network = new NetworkRules(policy.networkRules(), options, vars, problems);
        EnvRules env;
        try {
            env = new EnvRules(policy.envPolicy(), options.envShimPath());
        } catch (GlobSyntaxException e) {
            problems.add(new Problem(policy.source(), 0, 0, Problem.Severity.ERROR, "compile env pattern: " + e.getMessage()));
            env = null;
        }
        Map<String, String> inject = new LinkedHashMap<>(options.envInject());
        inject.putAll(policy.envInject());
        this.commands = env == null ? null : new CommandRules(policy.commandRules(), new Wrappers(policy.transparentCommands()),
                env, inject, options, problems);
        this.unix = new UnixSocketRules(policy.unixSocketRules(), options, problems);
        this.signals = new SignalRules(policy.signalRules(), options, problems);
        this.redirects = new Redirects(policy.dnsRedirects(), policy.connectRedirects());
        List<Problem> w = new java.util.ArrayList<>(policy.warnings());
        w.addAll(problems.warnings());
        this.warnings = List.copyOf(w);
    }

    public static CompiledPolicy compile(Policy policy, EngineOptions options) throws PolicyException {
        Problems problems = new Problems(policy.source());
        CompiledPolicy c = new CompiledPolicy(policy, options, problems);
        problems.throwIfErrors();
        return c;
    }

    public Policy policy() { return policy; }
    public EngineOptions options() { return options; }
    public List<Problem> warnings() { return warnings; }
    public io.agentsh.policy.Verdict checkFile(String path, io.agentsh.policy.FileOperation op, long pid) { return files.check(path, op, pid); }
    public io.agentsh.policy.Verdict checkCommand(String cmd, List<String> args) { return commands.checkCommand(cmd, args); }
    public io.agentsh.policy.Verdict checkExecve(String f, List<String> argv, int depth) { return commands.checkExecve(f, argv, depth); }
    public io.agentsh.policy.Verdict checkNetwork(String host, int port, List<java.net.InetAddress> dialled) { return network.check(host, port, dialled); }
    public io.agentsh.policy.Verdict checkUnixSocket(String path, io.agentsh.policy.UnixSocketOperation op) { return unix.check(path, op); }
    public io.agentsh.policy.SignalVerdict checkSignal(int sig, io.agentsh.policy.SignalTarget t) { return signals.check(sig, t); }
    public java.util.Optional<io.agentsh.policy.DnsRedirect> dnsRedirect(String host) { return redirects.dns(host); }
    public java.util.Optional<io.agentsh.policy.ConnectRedirect> connectRedirect(String host, int port) { return redirects.connect(host, port); }
    public List<io.agentsh.policy.FileRuleView> fileRules() { return files.views(); }
    /** Whether reads of {@code path} can never fall to a catch-all (protected path). */
    public boolean isProtectedPath(String path, long pid) { return files.isProtected(path, pid); }
    public EnvFilter envFilter() { return commands.globalEnv(); }
}
