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
    private boolean closed;

    LandlockRuleset(int fd, int abi, long handledFs, long handledNet, long scoped, int rules) {
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

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            LinuxSyscalls.close(fd);
        }
    }
}
