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
        int fd;
        try {
            // A fresh thread unshares, so the daemon's own threads stay where they are.
            fd = NamespaceThread.run("agentsh-mntns-new", () -> {
                MountCalls.unshare(MountCalls.CLONE_NEWNS);
                MountCalls.mount(null, "/", null, MountCalls.MS_REC | MountCalls.MS_SLAVE);
                return MountCalls.openReadOnly("/proc/thread-self/ns/mnt");
            });
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw e;
        }
        try {
            MountCalls.mount("/proc/self/fd/" + fd, file.toString(), null, MountCalls.MS_BIND);
        } catch (IOException e) {
            io.agentsh.core.kernel.sys.LinuxSyscalls.close(fd);
            Files.deleteIfExists(file);
            throw e;
        }
        SessionMountNamespace ns = new SessionMountNamespace(sessionId, file, fd, this);
        live.put(sessionId, ns);
        return ns;
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
        detach(ns.path());
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
