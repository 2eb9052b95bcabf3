package io.agentsh.core.cgroup;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a command used, read from its cgroup just before removal. -1 = the kernel does not
 * report it (e.g. pids peak on cgroup v1, memory.peak before Linux 5.19).
 *
 * @param oomKills processes of the command killed by the memory limit (memory.events oom_kill /
 *                 memory.oom_control oom_kill)
 */
public record CgroupUsage(long memoryPeakBytes, long cpuUserMicros, long cpuSystemMicros, long pidsPeak, long oomKills) {
    public static final CgroupUsage UNKNOWN = new CgroupUsage(-1, -1, -1, -1, 0);

    public boolean oomKilled() {
        return oomKills > 0;
    }

    /**
     * The exec response's {@code resources} object (cli-api-shim.md §2.6: cpu_user_ms,
     * cpu_system_ms, memory_peak_kb, each omitted when unknown), plus {@code pids_peak} and
     * {@code oom_killed} which the reference does not have (omitted when unknown / false).
     */
    public Map<String, Object> toResources() {
        Map<String, Object> m = new LinkedHashMap<>();
        if (cpuUserMicros > 0) m.put("cpu_user_ms", cpuUserMicros / 1000);
        if (cpuSystemMicros > 0) m.put("cpu_system_ms", cpuSystemMicros / 1000);
        if (memoryPeakBytes > 0) m.put("memory_peak_kb", memoryPeakBytes / 1024);
        if (pidsPeak > 0) m.put("pids_peak", pidsPeak);
        if (oomKills > 0) m.put("oom_killed", true);
        return m;
    }
}
