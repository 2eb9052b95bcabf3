package io.agentsh.core.cgroup;

import io.agentsh.policy.ResourceLimits;
import io.agentsh.policy.ServerConfig;

/**
 * The limits one command's cgroup gets. Zero means "not limited". Built from the session
 * policy's {@code resource_limits}, with the server config's {@code sandbox.limits} as a ceiling
 * where the operator set it explicitly (the reference parses {@code sandbox.limits} but never
 * applies it; its defaults are therefore not imposed on configs that do not mention it).
 *
 * @param memoryBytes    memory.max / memory.limit_in_bytes
 * @param swapBytes      memory.swap.max (v2) / memsw - memory (v1). With a memory limit and no
 *                       {@code memory_swap_max_mb} this is 0: a memory cap that can spill into
 *                       unlimited swap is no cap
 * @param cpuPercent     of one CPU (cpu.max / cfs_quota_us over a 100 ms period), at most 1000
 * @param pidsMax        pids.max
 * @param readBps        io.max rbps / blkio.throttle.read_bps_device (needs {@code device})
 * @param writeBps       io.max wbps / blkio.throttle.write_bps_device
 * @param device         "MAJOR:MINOR" of the workspace's disk, or null when unknown
 */
public record CgroupLimits(long memoryBytes, long swapBytes, int cpuPercent, long pidsMax, long readBps, long writeBps,
                           String device) {
    public static final CgroupLimits NONE = new CgroupLimits(0, 0, 0, 0, 0, 0, null);
    static final long MB = 1024L * 1024L;
    static final long PERIOD_US = 100_000;

    public CgroupLimits {
        if (memoryBytes < 0 || swapBytes < 0 || cpuPercent < 0 || pidsMax < 0 || readBps < 0 || writeBps < 0) {
            throw new IllegalArgumentException("negative cgroup limit");
        }
        cpuPercent = Math.min(cpuPercent, 1000);
    }

    /** Whether anything is limited at all (no limits: no cgroup is needed). */
    public boolean any() {
        return memoryBytes > 0 || cpuPercent > 0 || pidsMax > 0 || hasIo();
    }

    /** Disk limits apply only when the device is known. */
    public boolean hasIo() {
        return device != null && (readBps > 0 || writeBps > 0);
    }

    /** cpu.cfs_quota_us for a 100 ms period (at least 1 ms, as the kernel requires), or -1 for none. */
    long cpuQuotaMicros() {
        return cpuPercent <= 0 ? -1 : Math.max(1000, PERIOD_US * cpuPercent / 100);
    }

    public CgroupLimits withDevice(String dev) {
        return new CgroupLimits(memoryBytes, swapBytes, cpuPercent, pidsMax, readBps, writeBps, dev);
    }

    /** Policy limits, capped by the explicitly configured {@code sandbox.limits}. */
    public static CgroupLimits of(ResourceLimits policy, ServerConfig cfg) {
        ResourceLimits p = policy == null ? ResourceLimits.NONE : policy;
        long memMb = capped(p.maxMemoryMb(), configured(cfg, "sandbox.limits.max_memory_mb"));
        long cpu = capped(p.cpuQuotaPercent(), configured(cfg, "sandbox.limits.max_cpu_percent"));
        long pids = capped(p.pidsMax(), configured(cfg, "sandbox.limits.max_processes"));
        long ioCap = configured(cfg, "sandbox.limits.max_disk_io_mbps") * MB;
        long read = capped(p.diskReadBpsMax(), ioCap), write = capped(p.diskWriteBpsMax(), ioCap);
        long swap = memMb > 0 ? p.memorySwapMaxMb() * MB : 0;
        return new CgroupLimits(memMb * MB, swap, (int) Math.min(cpu, 1000), pids, read, write, null);
    }

    private static long configured(ServerConfig cfg, String key) {
        return cfg != null && cfg.isSet(key) ? Math.max(0, cfg.integer(key)) : 0;
    }

    /** The smaller of two limits where zero means none. */
    static long capped(long a, long b) {
        if (a <= 0) return Math.max(b, 0);
        if (b <= 0) return a;
        return Math.min(a, b);
    }
}
