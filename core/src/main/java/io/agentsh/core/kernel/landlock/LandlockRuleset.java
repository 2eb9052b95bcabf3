package io.agentsh.core.kernel.landlock;

import io.agentsh.core.kernel.sys.LinuxSyscalls;

/**
 * A built Landlock ruleset (an fd in the daemon). The exec wrapper receives a duplicate over
 * SCM_RIGHTS and calls landlock_restrict_self on it; one ruleset serves every command of a
 * session. What it enforces is recorded for detect and the audit log.
 */
public final class LandlockRuleset implements AutoCloseable {
    private final int fd;
    private final int abi;
    private final long handledFs;
    private final long handledNet;
    private final long scoped;
    private final int rules;
    private final LandlockConfig config;
    private boolean closed;

    LandlockRuleset(int fd, int abi, long handledFs, long handledNet, long scoped, int rules, LandlockConfig config) {
        this.config = config;
        this.fd = fd;
        this.abi = abi;
        this.handledFs = handledFs;
        this.handledNet = handledNet;
        this.scoped = scoped;
        this.rules = rules;
    }

    public int fd() { return fd; }
    public int abi() { return abi; }
    public long handledFs() { return handledFs; }
    public long handledNet() { return handledNet; }
    public long scoped() { return scoped; }
    public int ruleCount() { return rules; }

    /**
     * A new ruleset with the same rules, for a command that adds a rule of its own (the exec
     * wrapper adds its PID namespace's fresh /proc), so the session's shared ruleset never grows.
     */
    public LandlockRuleset copy() throws java.io.IOException {
        return LandlockRulesetBuilder.build(config, abi);
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LinuxSyscalls.close(fd);
        }
    }
}
