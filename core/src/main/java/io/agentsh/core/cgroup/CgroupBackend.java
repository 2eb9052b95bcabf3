package io.agentsh.core.cgroup;

import java.io.IOException;

/**
 * One way of limiting a command's resources: {@link V2Backend} (the unified hierarchy with its
 * controllers enabled) or {@link V1Backend} (per-controller v1 hierarchies, as on hybrid hosts
 * whose unified hierarchy carries no memory, pids or cpu controller). Chosen by
 * {@link CgroupLayout#backend}.
 */
public interface CgroupBackend {

    /** "v2" or "v1". */
    String version();

    /** One line for logs and {@code agentsh detect}: where and which controllers. */
    String describe();

    /** Creates {@code name} with {@code limits} written. Fails (and cleans up) if a limit cannot be set. */
    CommandCgroup create(String name, CgroupLimits limits) throws IOException;

    /**
     * Removes empty left-overs named {@code prefix*} (from a daemon that crashed) created before
     * {@code createdBefore}; returns how many. The cut-off matters because the hierarchy can be
     * shared with another daemon on the same host (containers, test VMs): its newest cgroups are
     * empty between their creation and the moment the command joins them.
     */
    int sweep(String prefix, java.time.Instant createdBefore);
}
