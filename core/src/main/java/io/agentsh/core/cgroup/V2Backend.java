package io.agentsh.core.cgroup;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * cgroup v2: one directory per command under {@code parent}, whose cgroup.subtree_control has
 * the controllers enabled (see {@link CgroupLayout#backend}). Files: memory.max,
 * memory.swap.max, cpu.max, pids.max, io.max; usage from memory.peak, cpu.stat, pids.peak,
 * memory.events.
 */
public final class V2Backend implements CgroupBackend {
    private final CgroupFs fs;
    private final Path parent;
    private final Set<String> controllers;

    public V2Backend(CgroupFs fs, Path parent, Set<String> controllers) {
        this.fs = fs;
        this.parent = parent;
        this.controllers = Set.copyOf(controllers);
    }

    @Override public String version() { return "v2"; }

    @Override
    public String describe() {
        return "v2 at " + parent + " (" + String.join(", ", CgroupLayout.ordered(controllers)) + ")";
    }

    Path parent() {
        return parent;
    }

    @Override
    public CommandCgroup create(String name, CgroupLimits limits) throws IOException {
        require(limits.memoryBytes() > 0, "memory");
        require(limits.cpuPercent() > 0, "cpu");
        require(limits.pidsMax() > 0, "pids");
        require(limits.hasIo(), "io");
        Path dir = parent.resolve(CgroupLayout.safeName(name));
        fs.mkdir(dir);
        Cg cg = new Cg(dir);
        try {
            if (limits.memoryBytes() > 0) {
                fs.write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
                Path swap = dir.resolve("memory.swap.max");
                if (fs.exists(swap)) fs.write(swap, Long.toString(limits.swapBytes()));
                else if (limits.swapBytes() > 0) throw new IOException("memory.swap.max missing in " + dir + " (no swap accounting)");
            }
            if (limits.cpuPercent() > 0) fs.write(dir.resolve("cpu.max"), limits.cpuQuotaMicros() + " " + CgroupLimits.PERIOD_US);
            if (limits.pidsMax() > 0) fs.write(dir.resolve("pids.max"), Long.toString(limits.pidsMax()));
            if (limits.hasIo()) {
                StringBuilder io = new StringBuilder(limits.device());
                if (limits.readBps() > 0) io.append(" rbps=").append(limits.readBps());
                if (limits.writeBps() > 0) io.append(" wbps=").append(limits.writeBps());
                fs.write(dir.resolve("io.max"), io.toString());
            }
            return cg;
        } catch (IOException | RuntimeException e) {
            cg.finish();
            throw e;
        }
    }

    private void require(boolean needed, String controller) throws IOException {
        if (needed && !controllers.contains(controller)) {
            throw new IOException("cgroup v2 controller '" + controller + "' is not enabled in " + parent.resolve("cgroup.subtree_control"));
        }
    }

    @Override
    public int sweep(String prefix, java.time.Instant createdBefore) {
        return CgroupLayout.sweepDir(fs, parent, prefix, createdBefore);
    }

    private final class Cg implements CommandCgroup {
        private final Path dir;
        private CgroupUsage last;

        Cg(Path dir) {
            this.dir = dir;
        }

        @Override public String name() { return dir.getFileName().toString(); }

        @Override
        public void join(long pid) throws IOException {
            fs.write(dir.resolve("cgroup.procs"), Long.toString(pid));
        }

        @Override
        public CgroupUsage usage() {
            return new CgroupUsage(fs.readLong(dir.resolve("memory.peak")),
                    fs.readKeyed(dir.resolve("cpu.stat"), "user_usec"),
                    fs.readKeyed(dir.resolve("cpu.stat"), "system_usec"),
                    fs.readLong(dir.resolve("pids.peak")),
                    Math.max(0, fs.readKeyed(dir.resolve("memory.events"), "oom_kill")));
        }

        @Override
        public synchronized CgroupUsage stop() {
            if (last != null) return last;
            Path kill = dir.resolve("cgroup.kill");
            if (fs.exists(kill) && !fs.pids(dir.resolve("cgroup.procs")).isEmpty()) {
                try {
                    fs.write(kill, "1");
                } catch (IOException ignored) {
                    // fall back to killing pid by pid below
                }
            }
            CgroupCleanup.killAll(fs, dir.resolve("cgroup.procs"));
            last = usage();
            return last;
        }

        @Override
        public void remove() {
            stop();
            CgroupCleanup.remove(fs, dir);
        }
    }

    static List<String> wanted() {
        return List.of("memory", "cpu", "pids", "io");
    }
}
