package io.agentsh.core.ns;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The daemon's per-session mount namespaces. They are kept alive by bind mounts of their nsfs
 * files under one runtime directory ({@code <runtime>/ns}, 0700). That directory is made a
 * private bind mount of itself first: the kernel refuses (EINVAL) to bind a mount-namespace file
 * into a mount that propagates (a shared one, as / usually is under systemd), because the bind
 * would show up inside namespaces it could then pin in a loop. Mask sources (empty directories
 * and an empty file, modes 0000/0444) live there too, under dot-names.
 *
 * <pre>
 * MountNamespaces ns = MountNamespaces.open(runtimeDir.resolve("ns"));   // daemon start: sweeps stale ones
 * SessionMountNamespace m = ns.create(sessionId);                       // once per session, when a layer needs it
 * m.mask(Path.of("/root/.ssh"), Mask.DIR_NO_ACCESS);
 * ... commands join with the wrapper's SETNS plan item ...
 * m.close();                                                            // session end
 * ns.close();                                                           // daemon stop: releases the rest
 * </pre>
 */
public final class MountNamespaces implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MountNamespaces.class.getName());
    private static final String MASK_DIR = ".mask-dir", MASK_LIST_DIR = ".mask-dir-list", MASK_FILE = ".mask-file";

    private final Path dir;
    private final Map<String, SessionMountNamespace> live = new ConcurrentHashMap<>();

    private MountNamespaces(Path dir) {
        this.dir = dir;
    }

    /**
     * Prepares {@code dir}: creates it (0700), makes it a private bind mount of itself unless it
     * already is a mount point, releases namespaces a previous daemon left behind, and creates the
     * mask sources.
     */
    public static MountNamespaces open(Path dir) throws IOException {
        Path d = dir.toAbsolutePath().normalize();
        Files.createDirectories(d);
        Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwx------"));
        if (!MountTable.isMountPoint(d)) MountCalls.mount(d.toString(), d.toString(), null, MountCalls.MS_BIND);
        MountCalls.mount(null, d.toString(), null, MountCalls.MS_PRIVATE);
        MountNamespaces m = new MountNamespaces(d);
        m.sweepStale();
        m.maskSources();
        return m;
    }

    public Path directory() { return dir; }

    /** Creates the mount namespace of a session (at most one live per session id). */
    public SessionMountNamespace create(String sessionId) throws IOException {
        if (sessionId == null || sessionId.isEmpty() || sessionId.startsWith(".") || sessionId.contains("/")) {
            throw new IllegalArgumentException("bad session id for a mount namespace: " + sessionId);
        }
        Path file = dir.resolve(sessionId);
        if (live.containsKey(sessionId)) throw new IOException("session " + sessionId + " already has a mount namespace");
        Files.deleteIfExists(file);
        Files.createFile(file);
        int fd = -1;
        Path path = file;
        try {
            // Binding a mount-namespace file is refused (EINVAL) unless the namespace's id is above
            // the binder's own (the kernel's loop check). Since namespace ids come from per-CPU
            // batches (Linux 6.18), a namespace made on one CPU can get a lower id than an older
            // one made on another: a daemon that is itself in a non-initial namespace (the testbed
            // VM, containers) sees that EINVAL for every namespace made on some CPUs (reproduced
            // with util-linux alone: taskset -c 0 unshare --mount=F works, -c 1 fails). So: made on
            // whatever CPU first, then pinned to each allowed CPU in turn.
            int unpinned = -1;
            String why = null;
            for (int cpu : CpuAffinity.candidates()) {
                int made = newNamespace(cpu);
                long r = MountCalls.tryMount("/proc/self/fd/" + made, file.toString(), MountCalls.MS_BIND);
                if (r == 0) {
                    fd = made;
                    break;
                }
                why = "mount(nsfs, " + file + ", MS_BIND): errno " + (-r);
                if (unpinned >= 0) io.agentsh.core.kernel.sys.LinuxSyscalls.close(unpinned);
                unpinned = made;
                if (r != -MountCalls.EINVAL) break;
            }
            if (fd >= 0) {
                if (unpinned >= 0) io.agentsh.core.kernel.sys.LinuxSyscalls.close(unpinned);
            } else {
                // The daemon's descriptor keeps the namespace alive anyway; it is then named through it.
                LOG.warning("session " + sessionId + ": pinning its mount namespace at " + file + " failed (" + why
                        + "); it lives as long as the daemon holds it");
                Files.deleteIfExists(file);
                fd = unpinned;
                path = Path.of("/proc/" + ProcessHandle.current().pid() + "/fd/" + fd);
            }
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        SessionMountNamespace ns = new SessionMountNamespace(sessionId, path, fd, this);
        live.put(sessionId, ns);
        return ns;
    }

    /** A new mount namespace (a slave copy of the daemon's), made on a fresh thread pinned to {@code cpu} (-1: not pinned); its fd. */
    private static int newNamespace(int cpu) throws IOException {
        // A fresh thread unshares, so the daemon's own threads stay where they are.
        return NamespaceThread.fresh(cpu, () -> {
            MountCalls.mount(null, "/", null, MountCalls.MS_REC | MountCalls.MS_SLAVE);
            return MountCalls.openReadOnly("/proc/thread-self/ns/mnt");
        });
    }

    /** The live namespace of a session, or null. */
    public SessionMountNamespace find(String sessionId) {
        return live.get(sessionId);
    }

    Path maskSource(SessionMountNamespace.Mask kind) {
        return dir.resolve(switch (kind) {
            case DIR_NO_ACCESS -> MASK_DIR;
            case DIR_LIST_ONLY -> MASK_LIST_DIR;
            case FILE_NO_ACCESS -> MASK_FILE;
            case DIR_SKELETON -> throw new IllegalArgumentException("a skeleton mask is a tmpfs of its own");
        });
    }

    void released(SessionMountNamespace ns) {
        live.remove(ns.sessionId(), ns);
        if (ns.path().startsWith(dir)) detach(ns.path());
    }

    private static void detach(Path file) {
        long r = MountCalls.umount(file.toString(), MountCalls.MNT_DETACH);
        if (r < 0 && r != -MountCalls.EINVAL && r != -MountCalls.ENOENT) {
            LOG.warning("releasing mount namespace " + file + ": umount errno " + (-r));
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warning("removing " + file + ": " + e.getMessage());
        }
    }

    private void sweepStale() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (p.getFileName().toString().startsWith(".")) continue;
                LOG.info("releasing stale session mount namespace " + p);
                detach(p);
            }
        }
    }

    private void maskSources() throws IOException {
        for (var e : List.of(Map.entry(MASK_DIR, "---------"), Map.entry(MASK_LIST_DIR, "r--r--r--"))) {
            Path p = dir.resolve(e.getKey());
            if (!Files.isDirectory(p)) Files.createDirectory(p);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(e.getValue()));
        }
        Path f = dir.resolve(MASK_FILE);
        if (!Files.isRegularFile(f)) Files.createFile(f);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("---------"));
    }

    /** Releases every live namespace and the directory's bind mount (daemon stop). */
    @Override
    public void close() {
        for (SessionMountNamespace ns : List.copyOf(live.values())) ns.close();
        long r = MountCalls.umount(dir.toString(), MountCalls.MNT_DETACH);
        if (r < 0 && r != -MountCalls.EINVAL) LOG.warning("unmounting " + dir + ": errno " + (-r));
    }
}
