package io.agentsh.policy.internal;

import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.EnvFilter;
import io.agentsh.policy.Policy;
import io.agentsh.policy.PolicyException;
import io.agentsh.policy.Problem;
import java.util.List;

/** Placeholder while the engine is written (API commit). */
public final class CompiledPolicy {
    public static CompiledPolicy compile(Policy p, EngineOptions o) throws PolicyException {
        throw new UnsupportedOperationException("engine not implemented yet");
    }
    public Policy policy() { throw new UnsupportedOperationException(); }
    public EngineOptions options() { throw new UnsupportedOperationException(); }
    public List<Problem> warnings() { throw new UnsupportedOperationException(); }
    public Checks files() { throw new UnsupportedOperationException(); }
    public Checks commands() { throw new UnsupportedOperationException(); }
    public Checks network() { throw new UnsupportedOperationException(); }
    public Checks unixSockets() { throw new UnsupportedOperationException(); }
    public Checks signals() { throw new UnsupportedOperationException(); }
    public Checks redirects() { throw new UnsupportedOperationException(); }
    public EnvFilter envFilter() { throw new UnsupportedOperationException(); }

    /** Placeholder. */
    public interface Checks {
        io.agentsh.policy.Verdict check(String p, io.agentsh.policy.FileOperation op, long pid);
        io.agentsh.policy.Verdict checkCommand(String c, List<String> a);
        io.agentsh.policy.Verdict checkExecve(String c, List<String> a, int d);
        io.agentsh.policy.Verdict check(String h, int port, List<java.net.InetAddress> d);
        io.agentsh.policy.Verdict check(String p, io.agentsh.policy.UnixSocketOperation op);
        io.agentsh.policy.SignalVerdict check(int s, io.agentsh.policy.SignalTarget t);
        java.util.Optional<io.agentsh.policy.DnsRedirect> dns(String h);
        java.util.Optional<io.agentsh.policy.ConnectRedirect> connect(String h, int p);
    }
}
