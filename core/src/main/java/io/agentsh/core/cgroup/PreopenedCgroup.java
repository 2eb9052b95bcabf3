package io.agentsh.core.cgroup;

import io.agentsh.core.kernel.sys.FsCalls;
import io.agentsh.core.kernel.sys.LinuxSyscalls;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A pooled cgroup whose {@code tasks} files were opened when it was made, on the pool's idle
 * thread: a command then hands its wrapper descriptors that are ready, instead of opening one
 * file per hierarchy between the shim's request and its answer. Descriptors not taken are
 * closed when the cgroup is removed.
 */
final class PreopenedCgroup implements CommandCgroup {
    private final CommandCgroup cgroup;
    private final AtomicReference<int[]> fds;

    private PreopenedCgroup(CommandCgroup cgroup, int[] fds) {
        this.cgroup = cgroup;
        this.fds = new AtomicReference<>(fds);
    }

    /** {@code cg} with its self-join files open, or {@code cg} itself when it has none or they cannot be opened now. */
    static CommandCgroup of(CommandCgroup cg) {
        List<Path> files = cg.selfJoinFiles();
        if (files.isEmpty()) return cg;
        try {
            return new PreopenedCgroup(cg, FsCalls.openAllForWriting(files));
        } catch (IOException | RuntimeException | LinkageError e) {
            return cg; // opened when the command arms, which reports the reason
        }
    }

    @Override public String name() { return cgroup.name(); }

    @Override public void join(long pid) throws IOException { cgroup.join(pid); }

    @Override public List<Path> selfJoinFiles() { return cgroup.selfJoinFiles(); }

    @Override public int[] takeSelfJoinDescriptors() { return fds.getAndSet(null); }

    @Override public void verifyJoined(long pid) throws IOException { cgroup.verifyJoined(pid); }

    @Override public CgroupUsage usage() { return cgroup.usage(); }

    @Override public CgroupUsage stop() { return cgroup.stop(); }

    @Override
    public void remove() {
        closeUntaken();
        cgroup.remove();
    }

    @Override
    public CgroupUsage finish() {
        closeUntaken();
        return cgroup.finish();
    }

    private void closeUntaken() {
        int[] left = fds.getAndSet(null);
        if (left != null) for (int fd : left) LinuxSyscalls.close(fd);
    }
}
