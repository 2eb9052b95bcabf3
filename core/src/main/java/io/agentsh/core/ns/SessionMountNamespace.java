package io.agentsh.core.ns;

import io.agentsh.core.kernel.sys.LinuxSyscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One session's mount namespace, owned by the daemon (made by {@link MountNamespaces#create}).
 * It starts as a copy of the daemon's mount table with slave propagation (mounts the host makes
 * later still appear inside; nothing done inside ever propagates out) and is kept alive by a bind
 * mount of its nsfs file at {@link #path()}, so it outlives any process in it. Layers add mounts
 * inside it ({@link #bind}, {@link #mask}); commands join it through the exec wrapper's SETNS
 * plan item (the daemon opens {@link #openFd()} per command and passes it over SCM_RIGHTS).
 * {@link #close()} releases it (detaches the bind mount; the namespace dies with its last process).
 *
 * <p>Thread-safe: every change runs on a fresh platform thread that joins the namespace and ends.
 */
public final class SessionMountNamespace implements AutoCloseable {
    /** What a masked path looks like inside: an empty directory or file owned by root. */
    public enum Mask {
        /** An empty directory, mode 0000: it cannot be listed and nothing beneath can be looked up (EACCES). */
        DIR_NO_ACCESS,
        /** An empty directory, mode 0444: it lists as empty; nothing beneath can be looked up (EACCES). */
        DIR_LIST_ONLY,
        /** An empty file, mode 0000: opening it fails with EACCES. */
        FILE_NO_ACCESS,
        /**
         * A private read-only tmpfs, mode 0100: cannot be listed, but the paths kept through it
         * ({@link #maskKeeping}) can be reached; everything else beneath is gone (ENOENT).
         */
        DIR_SKELETON
    }

    private final String sessionId;
    private final Path path;
    private final int nsFd;
    private final MountNamespaces owner;
    private final AtomicBoolean closed = new AtomicBoolean();

    SessionMountNamespace(String sessionId, Path path, int nsFd, MountNamespaces owner) {
        this.sessionId = sessionId;
        this.path = path;
        this.nsFd = nsFd;
        this.owner = owner;
    }

    public String sessionId() { return sessionId; }

    /** The nsfs file that keeps the namespace alive (usable with {@code nsenter --mount=}). */
    public Path path() { return path; }

    /** A fresh descriptor for the namespace (O_RDONLY|O_CLOEXEC); the caller closes it. */
    public int openFd() throws IOException {
        checkOpen();
        return MountCalls.openReadOnly(path.toString());
    }

    /** Bind-mounts {@code source} (a path as the daemon sees it) over {@code target} inside the namespace. */
    public void bind(Path source, Path target, boolean readOnly) throws IOException {
        checkOpen();
        NamespaceThread.inside(nsFd, () -> {
            MountCalls.mount(source.toString(), target.toString(), null, MountCalls.MS_BIND);
            if (readOnly) remountReadOnly(target.toString());
            return null;
        });
    }

    /**
     * Covers {@code target} inside the namespace with an empty read-only directory or file of the
     * given kind (the kind must fit what is there: a directory mask over a directory, a file mask
     * over anything else). The mask is a read-only mount, so nobody inside can chmod it or create
     * in it; mount/umount are not available to governed commands (seccomp), so it cannot be lifted.
     *
     * @return false when {@code target} does not exist inside the namespace (nothing to cover)
     */
    public boolean mask(Path target, Mask kind) throws IOException {
        if (kind == Mask.DIR_SKELETON) return maskKeeping(target, java.util.List.of());
        checkOpen();
        Path source = owner.maskSource(kind);
        return NamespaceThread.inside(nsFd, () -> {
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) return false;
            boolean dir = Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS);
            if (dir != (kind != Mask.FILE_NO_ACCESS)) {
                throw new IOException("mask " + target + ": a " + kind + " mask does not fit a " + (dir ? "directory" : "file"));
            }
            MountCalls.mount(source.toString(), target.toString(), null, MountCalls.MS_BIND);
            remountReadOnly(target.toString());
            return true;
        });
    }

    /**
     * Covers the directory {@code target} with a skeleton (mode 0100 tmpfs: search only, no listing)
     * through which only {@code keep} (directories beneath {@code target}) stay reachable, each bound
     * back from what was there. Read-only afterwards.
     *
     * @return false when {@code target} does not exist inside the namespace
     */
    public boolean maskKeeping(Path target, java.util.List<Path> keep) throws IOException {
        checkOpen();
        for (Path k : keep) {
            if (!k.startsWith(target) || k.equals(target)) throw new IllegalArgumentException(k + " is not beneath " + target);
        }
        return NamespaceThread.inside(nsFd, () -> {
            if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) throw new IOException("skeleton mask " + target + ": not a directory");
                return false;
            }
            // Hold what is kept before the tmpfs covers it; bind it back from the held descriptors.
            java.util.List<Integer> held = new java.util.ArrayList<>();
            java.util.List<Path> kept = new java.util.ArrayList<>();
            try {
                for (Path k : keep) {
                    if (!Files.isDirectory(k, LinkOption.NOFOLLOW_LINKS)) continue;
                    held.add(MountCalls.openPath(k.toString()));
                    kept.add(k);
                }
                MountCalls.mount("tmpfs", target.toString(), "tmpfs", MountCalls.MS_NOSUID | MountCalls.MS_NODEV
                        | MountCalls.MS_NOEXEC, "mode=0100,size=64k");
                for (int i = 0; i < kept.size(); i++) {
                    Path rel = target.relativize(kept.get(i));
                    Path dir = target;
                    for (Path part : rel) {
                        dir = dir.resolve(part);
                        if (!Files.exists(dir)) {
                            Files.createDirectory(dir);
                            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("--x------"));
                        }
                    }
                    MountCalls.mount("/proc/self/fd/" + held.get(i), kept.get(i).toString(), null,
                            MountCalls.MS_BIND | MountCalls.MS_REC);
                }
                remountReadOnly(target.toString());
            } finally {
                for (int fd : held) LinuxSyscalls.close(fd);
            }
            return true;
        });
    }

    /** Runs {@code work} on a thread inside the namespace (for layers with mount work of their own). */
    public <T> T inside(NamespaceWork<T> work) throws IOException {
        checkOpen();
        return NamespaceThread.inside(nsFd, work::run);
    }

    @FunctionalInterface
    public interface NamespaceWork<T> {
        T run() throws IOException;
    }

    private static void remountReadOnly(String target) throws IOException {
        MountCalls.mount(null, target, null, MountCalls.MS_BIND | MountCalls.MS_REMOUNT | MountCalls.MS_RDONLY
                | MountCalls.MS_NOSUID | MountCalls.MS_NODEV | MountCalls.MS_NOEXEC);
    }

    public boolean isOpen() { return !closed.get(); }

    private void checkOpen() throws IOException {
        if (closed.get()) throw new IOException("the mount namespace of session " + sessionId + " is released");
    }

    /** Releases the namespace: processes still inside keep it until they exit. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        LinuxSyscalls.close(nsFd);
        owner.released(this);
    }
}
