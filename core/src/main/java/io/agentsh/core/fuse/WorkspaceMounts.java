package io.agentsh.core.fuse;

import io.agentsh.core.ns.MountTable;
import io.agentsh.core.ns.SessionMountNamespace;
import io.agentsh.core.trash.SoftDeleter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Mounts and unmounts the per-session workspace views. Mount points are
 * {@code <baseDir>/<sessionId>/workspace-mnt} (the reference's layout; baseDir is
 * {@code sandbox.fuse.mount_base_dir}, else {@code sessions.base_dir}) in the daemon's mount
 * namespace; {@link WorkspaceMount#showIn} puts a view over the workspace path inside a session's
 * mount namespace ({@link io.agentsh.core.ns}). {@link #sweepStale()} at start-up removes whatever
 * a crashed daemon left mounted under the base dir.
 */
public final class WorkspaceMounts implements AutoCloseable {
    /** fsname and subtype (the mount shows as {@code fuse.agentsh}; {@code stat -f -c %T} says fuse). */
    public static final String FS_NAME = "agentsh-workspace";
    public static final String SUBTYPE = "agentsh";
    private static final long INIT_TIMEOUT_MS = 10_000;
    private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Path baseDir;
    private final Map<String, Mounted> mounts = new ConcurrentHashMap<>();
    private final AtomicInteger deferredReleases = new AtomicInteger();
    private volatile boolean passthroughAllowed = true;

    public WorkspaceMounts(Path baseDir) {
        this.baseDir = baseDir.toAbsolutePath().normalize();
    }

    /**
     * Views whose FUSE loop was still serving when they were closed (a process still had a file
     * or its cwd in them), so their backing directory is released when that loop ends.
     */
    int deferredReleases() {
        return deferredReleases.get();
    }

    /** Views mounted from now on serve file data themselves instead of handing opens to the kernel (tests). */
    void allowPassthrough(boolean allowed) {
        passthroughAllowed = allowed;
    }

    /** Requests of {@code opcode} the view of {@code sessionId} has served (0 if none is mounted). */
    long requestsServed(String sessionId, int opcode) {
        Mounted m = mounts.get(sessionId);
        return m == null || m.session == null ? 0 : m.session.served(opcode);
    }

    /** Whether the view of {@code sessionId} hands its open files to the kernel (passthrough). */
    boolean passthrough(String sessionId) {
        Mounted m = mounts.get(sessionId);
        return m != null && m.fs.passthrough();
    }

    /** Whether the kernel offered passthrough to the view of {@code sessionId}. */
    boolean passthroughOffered(String sessionId) {
        Mounted m = mounts.get(sessionId);
        return m != null && m.session != null && m.session.passthroughOffered();
    }

    /** Whether FUSE can be used here: /dev/fuse exists and opens. */
    public static boolean fuseAvailable() {
        int fd = LibC.INSTANCE.open("/dev/fuse", LibC.O_RDWR | LibC.O_CLOEXEC, 0);
        if (fd < 0) return false;
        LibC.INSTANCE.close(fd);
        return true;
    }

    /** What the view does; {@code softDeleter} may be null only if nothing is ever soft-deleted (else EIO). */
    public record ViewSpec(FilePolicy policy, AuditMode auditMode, SoftDeleter softDeleter, FuseEventSink events) {}

    /** Mounts the view of {@code workspace} for {@code sessionId} at its mount point in the daemon's namespace. */
    public WorkspaceMount mount(String sessionId, Path workspace, ViewSpec spec) throws IOException {
        if (!SAFE_ID.matcher(sessionId).matches()) throw new IOException("session id not usable in a path: " + sessionId);
        Path ws = workspace.toRealPath();
        if (!Files.isDirectory(ws)) throw new IOException("workspace is not a directory: " + ws);
        if (mounts.containsKey(sessionId)) throw new IOException("session " + sessionId + " already has a mounted view");
        Path mp = baseDir.resolve(sessionId).resolve("workspace-mnt");
        Files.createDirectories(mp);
        if (MountTable.isMountPoint(mp)) unmountPath(mp);   // left over from a crash

        int rootFd = LibC.INSTANCE.open(ws.toString(), LibC.O_PATH | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
        if (rootFd < 0) throw new IOException("cannot open workspace " + ws + ": errno " + LibC.errno());
        Set<String> hidden = new HashSet<>();
        if (spec.softDeleter() != null) {
            Path trash = spec.softDeleter().store().root();
            if (trash.startsWith(ws) && !trash.equals(ws)) hidden.add(ws.relativize(trash).toString());
        }
        WorkspaceFs fs = new WorkspaceFs(sessionId, ws, rootFd, spec.policy(), spec.auditMode(), spec.softDeleter(),
                spec.events(), hidden);
        Mounted m = new Mounted(sessionId, ws, mp, rootFd, fs);
        try {
            m.start();
        } catch (IOException | RuntimeException e) {
            m.closeQuietly();
            throw e;
        }
        mounts.put(sessionId, m);
        return m;
    }

    /** A view mounted on first use ({@code sandbox.fuse.deferred}): the exec path calls {@link DeferredMount#get()}. */
    public DeferredMount defer(String sessionId, Path workspace, ViewSpec spec) {
        return defer(sessionId, workspace, spec, null, List.of());
    }

    /** As {@link #defer(String, Path, ViewSpec)}, with {@code deferred_marker_file} and {@code deferred_enable_command}. */
    public DeferredMount defer(String sessionId, Path workspace, ViewSpec spec, Path markerFile, List<String> enableCommand) {
        return new DeferredMount(() -> mount(sessionId, workspace, spec), WorkspaceMounts::fuseAvailable,
                markerFile, enableCommand);
    }

    public Optional<WorkspaceMount> get(String sessionId) { return Optional.ofNullable(mounts.get(sessionId)); }

    /**
     * Unmounts every FUSE mount under the base dir that no live view of this daemon owns (a
     * previous daemon's leftovers: their FUSE server is gone, so any access would fail with
     * ENOTCONN). Call at start-up, before mounting anything. Returns what it unmounted.
     */
    public List<Path> sweepStale() throws IOException {
        List<Path> victims = new ArrayList<>();
        for (MountTable.Mount m : MountTable.read()) {
            if (!m.mountPoint().startsWith(baseDir)) continue;
            boolean live = mounts.values().stream().anyMatch(x -> x.mountPoint.equals(m.mountPoint()));
            if (m.fsType().startsWith("fuse") && !live) victims.add(m.mountPoint());
        }
        victims.sort(Comparator.comparingInt((Path p) -> p.getNameCount()).reversed());
        for (Path p : victims) unmountPath(p);
        return victims;
    }

    @Override public void close() throws IOException {
        IOException first = null;
        for (Mounted m : List.copyOf(mounts.values())) {
            try {
                m.close();
            } catch (IOException e) {
                if (first == null) first = e;
            }
        }
        if (first != null) throw first;
    }

    static void unmountPath(Path p) throws IOException {
        if (LibC.INSTANCE.umount2(p.toString(), LibC.MNT_DETACH) != 0) {
            int e = LibC.errno();
            if (e != LibC.EINVAL && e != LibC.ENOENT) throw new IOException("umount " + p + ": errno " + e);
        }
    }

    // ---- one mounted view ----------------------------------------------------------------

    private final class Mounted implements WorkspaceMount {
        final String sessionId;
        final Path workspace;
        final Path mountPoint;
        final int rootFd;
        final WorkspaceFs fs;
        private final List<SessionMountNamespace> shownIn = new ArrayList<>();
        private FuseSession session;
        private boolean closed;

        Mounted(String sessionId, Path workspace, Path mountPoint, int rootFd, WorkspaceFs fs) {
            this.sessionId = sessionId;
            this.workspace = workspace;
            this.mountPoint = mountPoint;
            this.rootFd = rootFd;
            this.fs = fs;
        }

        void start() throws IOException {
            session = new FuseSession(FuseDevice.mount(mountPoint, FS_NAME, SUBTYPE), fs, sessionId, passthroughAllowed);
            session.start();
            // The kernel sends INIT as soon as the mount exists; a view is returned negotiated.
            try {
                if (!session.awaitInit(INIT_TIMEOUT_MS) || !session.thread().isAlive()) {
                    throw new IOException("the FUSE view at " + mountPoint + " got no INIT from the kernel"
                            + (session.failure() != null ? ": " + session.failure().getMessage() : ""));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while mounting", e);
            }
            FuseReadahead.widen(mountPoint);   // best effort: without it sequential reads are only slower
        }

        @Override public String sessionId() { return sessionId; }
        @Override public Path workspace() { return workspace; }
        @Override public Path mountPoint() { return mountPoint; }
        @Override public boolean passthrough() { return fs.passthrough(); }

        @Override public synchronized void showIn(SessionMountNamespace ns) throws IOException {
            if (closed) throw new IOException("the view of session " + sessionId + " is unmounted");
            NamespaceBind.bind(mountPoint, ns, workspace);
            shownIn.add(ns);
        }

        @Override public synchronized void close() throws IOException {
            if (closed) return;
            closed = true;
            mounts.remove(sessionId, this);
            IOException first = null;
            for (SessionMountNamespace ns : shownIn) {
                try {
                    NamespaceBind.unbind(ns, workspace);
                    // A namespace made after the mount also got its own copy of the view at the
                    // mount point. That copy keeps the FUSE connection, and so the loop, alive
                    // until the namespace goes: the join below then timed out (2 s on every
                    // session end and at every daemon stop).
                    NamespaceBind.unbind(ns, mountPoint);
                } catch (IOException e) {
                    if (first == null) first = e;
                }
            }
            try {
                if (MountTable.isMountPoint(mountPoint)) unmountPath(mountPoint);
                // The kernel ends the connection when the last mount of the view goes; the loop then stops.
                if (session != null) session.thread().join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                releaseRootFdWhenServed();
                try {
                    Files.deleteIfExists(mountPoint);
                    Files.deleteIfExists(mountPoint.getParent());
                } catch (IOException e) {
                    // the session dir may hold other state; leaving an empty dir is harmless
                }
            }
            if (first != null) throw first;
        }

        /**
         * The backing fd is closed only once the FUSE loop has ended: a detached view that a
         * process still uses (open file, cwd) is served until that process lets go, and a closed,
         * then reused, fd number would make the loop serve some other directory.
         */
        private void releaseRootFdWhenServed() {
            Thread loop = session == null ? null : session.thread();
            if (loop == null || !loop.isAlive()) {
                LibC.INSTANCE.close(rootFd);
                return;
            }
            deferredReleases.incrementAndGet();
            Thread.ofPlatform().name("fuse-release-" + sessionId).daemon().start(() -> {
                try {
                    loop.join();
                    LibC.INSTANCE.close(rootFd);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        void closeQuietly() {
            try {
                close();
            } catch (IOException | RuntimeException e) {
                // already failing: the caller reports the first error
            }
        }
    }
}
