package io.agentsh.core.cgroup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * cgroup v1 (hybrid hosts): one directory per command in each controller's hierarchy.
 * memory.limit_in_bytes (+ memory.memsw.limit_in_bytes = memory + swap where swap accounting
 * exists), pids.max, cpu.cfs_period_us/cfs_quota_us, blkio.throttle.{read,write}_bps_device;
 * usage from memory.max_usage_in_bytes, cpuacct.usage_user/usage_sys, memory.oom_control.
 * v1 keeps no pids peak.
 *
 * @param parents controller name (memory, pids, cpu, cpuacct, blkio) to the parent directory
 *                in that controller's hierarchy
 */
public final class V1Backend implements CgroupBackend {
    private final CgroupFs fs;
    private final Map<String, Path> parents;

    public V1Backend(CgroupFs fs, Map<String, Path> parents) {
        this.fs = fs;
        this.parents = new LinkedHashMap<>(parents);
    }

    @Override public String version() { return "v1"; }

    @Override
    public String describe() {
        List<String> parts = new ArrayList<>();
        parents.forEach((c, p) -> parts.add(c + "=" + p));
        return "v1 (" + String.join(", ", parts) + ")";
    }

    @Override
    public CommandCgroup create(String name, CgroupLimits limits) throws IOException {
        String safe = CgroupLayout.safeName(name);
        Map<String, Path> dirs = new LinkedHashMap<>();
        if (limits.memoryBytes() > 0) dirs.put("memory", parent("memory"));
        if (limits.pidsMax() > 0) dirs.put("pids", parent("pids"));
        if (limits.cpuPercent() > 0) dirs.put("cpu", parent("cpu"));
        if (limits.hasIo()) dirs.put("blkio", parent("blkio"));
        // Usage is reported even for the controllers that limit nothing, where present.
        for (String c : List.of("memory", "pids", "cpuacct")) {
            if (!dirs.containsKey(c) && parents.containsKey(c)) dirs.put(c, parents.get(c));
        }
        dirs.replaceAll((c, p) -> p.resolve(safe));
        Cg cg = new Cg(safe, dirs);
        try {
            for (Path d : new java.util.LinkedHashSet<>(dirs.values())) {
                fs.mkdir(d); // fails if it exists: two commands never share a cgroup
                cg.created.add(d);
            }
            if (limits.memoryBytes() > 0) {
                Path m = dirs.get("memory");
                fs.write(m.resolve("memory.limit_in_bytes"), Long.toString(limits.memoryBytes()));
                Path memsw = m.resolve("memory.memsw.limit_in_bytes");
                if (fs.exists(memsw)) fs.write(memsw, Long.toString(limits.memoryBytes() + limits.swapBytes()));
                else if (limits.swapBytes() > 0) throw new IOException("memory.memsw.limit_in_bytes missing in " + m + " (no swap accounting)");
            }
            if (limits.pidsMax() > 0) fs.write(dirs.get("pids").resolve("pids.max"), Long.toString(limits.pidsMax()));
            if (limits.cpuPercent() > 0) {
                Path c = dirs.get("cpu");
                fs.write(c.resolve("cpu.cfs_period_us"), Long.toString(CgroupLimits.PERIOD_US));
                fs.write(c.resolve("cpu.cfs_quota_us"), Long.toString(limits.cpuQuotaMicros()));
            }
            if (limits.hasIo()) {
                Path b = dirs.get("blkio");
                if (limits.readBps() > 0) fs.write(b.resolve("blkio.throttle.read_bps_device"), limits.device() + " " + limits.readBps());
                if (limits.writeBps() > 0) fs.write(b.resolve("blkio.throttle.write_bps_device"), limits.device() + " " + limits.writeBps());
            }
            return cg;
        } catch (IOException | RuntimeException e) {
            cg.finish();
            throw e;
        }
    }

    private Path parent(String controller) throws IOException {
        Path p = parents.get(controller);
        if (p == null) throw new IOException("cgroup v1 controller '" + controller + "' is not mounted or not writable");
        return p;
    }

    @Override
    public int sweep(String prefix, java.time.Instant createdBefore) {
        int n = 0;
        for (Path p : parents.values()) n += CgroupLayout.sweepDir(fs, p, prefix, createdBefore);
        return n;
    }

    private final class Cg implements CommandCgroup {
        private final String name;
        private final Map<String, Path> dirs;
        private final List<Path> created = new ArrayList<>();
        private CgroupUsage last;

        Cg(String name, Map<String, Path> dirs) {
            this.name = name;
            this.dirs = dirs;
        }

        @Override public String name() { return name; }

        @Override
        public void join(long pid) throws IOException {
            for (Path d : created) fs.write(d.resolve("cgroup.procs"), Long.toString(pid));
        }

        @Override
        public List<Path> selfJoinFiles() {
            return created.stream().map(d -> d.resolve("tasks")).toList();
        }

        /**
         * One read of /proc/PID/cgroup (a line per hierarchy, "N:controllers:/path"): each
         * hierarchy this cgroup was made in must name it. The name is unique to this command.
         */
        @Override
        public void verifyJoined(long pid) throws IOException {
            String lines = fs.read(Path.of("/proc/" + pid + "/cgroup"));
            if (lines == null) throw new IOException("cannot read /proc/" + pid + "/cgroup");
            int inside = 0;
            for (String l : lines.split("\n")) if (l.endsWith("/" + name)) inside++;
            if (inside < created.size()) {
                throw new IOException("pid " + pid + " is in " + inside + " of the " + created.size() + " hierarchies of " + name);
            }
        }

        @Override
        public CgroupUsage usage() {
            Path mem = dirs.get("memory"), acct = dirs.get("cpuacct");
            long peak = mem != null && created.contains(mem) ? fs.readLong(mem.resolve("memory.max_usage_in_bytes")) : -1;
            long oom = mem != null && created.contains(mem) ? Math.max(0, fs.readKeyed(mem.resolve("memory.oom_control"), "oom_kill")) : 0;
            long user = -1, sys = -1;
            if (acct != null && created.contains(acct)) {
                long u = fs.readLong(acct.resolve("cpuacct.usage_user")), s = fs.readLong(acct.resolve("cpuacct.usage_sys"));
                user = u < 0 ? -1 : u / 1000;
                sys = s < 0 ? -1 : s / 1000;
            }
            return new CgroupUsage(peak, user, sys, -1, oom);
        }

        @Override
        public synchronized CgroupUsage stop() {
            if (last != null) return last;
            for (Path d : created) CgroupCleanup.killAll(fs, d.resolve("cgroup.procs"));
            last = usage();
            return last;
        }

        @Override
        public void remove() {
            stop();
            for (Path d : created) CgroupCleanup.remove(fs, d);
        }
    }
}
