package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.sys.FsCalls;
import io.agentsh.core.kernel.sys.LinuxSyscalls;
import io.agentsh.core.kernel.sys.SyscallNumbers;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The namespaces one command joins before it is armed (the wrapper's SETNS plan items,
 * docs/interfaces.md section 3): descriptors for the session's mount namespace and/or network
 * namespace, opened per command from the files that keep them alive, sent over SCM_RIGHTS with the
 * plan and closed here once sent. {@code cwd} is where the command runs inside the mount
 * namespace (setns leaves the process at /, so the wrapper re-enters its directory by path);
 * empty: the wrapper's own working directory as it was before the setns.
 */
public final class NamespaceJoin implements AutoCloseable {
    public static final NamespaceJoin NONE = new NamespaceJoin(-1, -1, "", new int[0]);

    private final int mountFd;
    private final int netFd;
    private final String cwd;
    /** cgroup v1 {@code tasks} files the wrapper writes "0" to (WrapperProtocol.PLAN_CGROUP). */
    private final int[] cgroupFds;

    private NamespaceJoin(int mountFd, int netFd, String cwd, int[] cgroupFds) {
        this.mountFd = mountFd;
        this.netFd = netFd;
        this.cwd = cwd == null ? "" : cwd;
        this.cgroupFds = cgroupFds;
    }

    /**
     * This join plus the command's cgroup: the wrapper moves itself into each of {@code tasksFiles}
     * (cgroup v1 {@code tasks} files, opened here for writing) before it forks or execs. Takes over
     * this object's descriptors: use the result instead (closing either closes them).
     *
     * @throws IOException a file cannot be opened: the command must not run
     */
    public NamespaceJoin withCgroup(java.util.List<Path> tasksFiles) throws IOException {
        if (tasksFiles.isEmpty()) return this;
        if (tasksFiles.size() > WrapperProtocol.MAX_CGROUP_FDS) throw new IOException("too many cgroup files: " + tasksFiles);
        return new NamespaceJoin(mountFd, netFd, cwd, FsCalls.openAllForWriting(tasksFiles));
    }

    /**
     * As {@link #withCgroup}, with the {@code tasks} files already open (opened ahead of time by
     * the cgroup pool, in the same order). Takes over {@code fds}: closed with the result, or here
     * when there are too many.
     */
    public NamespaceJoin withCgroupDescriptors(int[] fds) throws IOException {
        if (fds.length == 0) return this;
        if (fds.length > WrapperProtocol.MAX_CGROUP_FDS) {
            for (int fd : fds) LinuxSyscalls.close(fd);
            throw new IOException("too many cgroup files: " + fds.length);
        }
        return new NamespaceJoin(mountFd, netFd, cwd, fds.clone());
    }

    /**
     * Opens the namespace files (either may be null: that namespace is not joined).
     * @throws IOException a file cannot be opened (the session's namespace is gone): the command must not run
     */
    public static NamespaceJoin open(Path mountNs, Path netNs, String cwd) throws IOException {
        if (mountNs == null && netNs == null) return NONE;
        if (cwd != null && cwd.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 4096) {
            throw new IOException("working directory too long for the exec wrapper");
        }
        int m = mountNs == null ? -1 : openNs(mountNs);
        int n;
        try {
            n = netNs == null ? -1 : openNs(netNs);
        } catch (IOException e) {
            if (m >= 0) LinuxSyscalls.close(m);
            throw e;
        }
        return new NamespaceJoin(m, n, cwd, new int[0]);
    }

    private static int openNs(Path p) throws IOException {
        var s = LinuxSyscalls.cString(p.toString());
        long r = LinuxSyscalls.call(SyscallNumbers.OPENAT, FsCalls.AT_FDCWD, s.address(), FsCalls.O_RDONLY | FsCalls.O_CLOEXEC, 0);
        if (r < 0) throw new IOException("open namespace " + p + ": errno " + (-r));
        return (int) r;
    }

    public boolean joinsMount() { return mountFd >= 0; }

    public boolean joinsNet() { return netFd >= 0; }

    public String cwd() { return cwd; }

    int mountFd() { return mountFd; }

    int netFd() { return netFd; }

    int[] cgroupFds() { return cgroupFds; }

    int flags() {
        return (mountFd >= 0 ? WrapperProtocol.PLAN_SETNS_MNT : 0) | (netFd >= 0 ? WrapperProtocol.PLAN_SETNS_NET : 0)
                | (cgroupFds.length > 0 ? WrapperProtocol.PLAN_CGROUP : 0);
    }

    @Override
    public void close() {
        if (mountFd >= 0) LinuxSyscalls.close(mountFd);
        if (netFd >= 0) LinuxSyscalls.close(netFd);
        for (int fd : cgroupFds) LinuxSyscalls.close(fd);
    }
}
