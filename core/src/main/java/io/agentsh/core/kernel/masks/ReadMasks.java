package io.agentsh.core.kernel.masks;

import io.agentsh.core.kernel.sys.FsCalls;
import io.agentsh.core.kernel.sys.LinuxSyscalls;
import io.agentsh.core.kernel.sys.SyscallNumbers;
import io.agentsh.core.ns.SessionMountNamespace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link ReadPlan}'s masks applied in a session's mount namespace, and kept applied.
 *
 * <p>A mask is a mount on a path. The host can take it away: replacing the masked object
 * (rename over it, unlink — e.g. {@code passwd} writing a new /etc/shadow) detaches mounts on it
 * in every other namespace; a path that was not there when the session started (a new SSH host
 * key) has no mask yet. {@link #refresh()} looks at each masked path through the namespace's root
 * ({@code fstatat}, microseconds each, ~0.7 ms for a policy's worth) and masks again what is
 * uncovered. Before every command of the session, {@link #refreshIfChanged()} runs it only when
 * {@link MaskChanges} saw something that can uncover a mask since the last look (inotify on the
 * masked paths' directories, the namespace's mount table): two system calls when nothing did.
 * Between two commands of a long-running tree the window remains (docs/race-freedom.md, "Reads
 * decided in the kernel").
 */
public final class ReadMasks implements AutoCloseable {
    private final SessionMountNamespace ns;
    private final List<ReadPlan.MaskedPath> masks;
    private final List<String> watchedDirs;
    private final java.util.function.Predicate<String> protectedPath;
    /** watched dir -> {dev, ino, mtime sec, mtime nsec} when last listed. */
    private final Map<String, long[]> listed = new HashMap<>();
    private final int rootFd;
    /** path -> {dev, ino} of what covers it now; absent = not there (pending). */
    private final Map<String, long[]> covers = new HashMap<>();
    private final FsCalls fs = new FsCalls();
    private final MaskChanges changes = MaskChanges.open();
    /** Full looks ({@link #refresh}) and looks at {@link MaskChanges} only, for tests and diagnostics. */
    private long refreshes, checks;

    private ReadMasks(SessionMountNamespace ns, ReadPlan plan, int rootFd, java.util.function.Predicate<String> protectedPath) {
        this.ns = ns;
        this.masks = new java.util.ArrayList<>(plan.masks());
        this.watchedDirs = plan.watchedDirs();
        this.protectedPath = protectedPath;
        this.rootFd = rootFd;
    }

    /**
     * Applies every mask of a complete plan in {@code ns}. {@code protectedPath} tells which
     * entries of the plan's watched directories must be masked (the engine's protected paths).
     */
    public static ReadMasks apply(SessionMountNamespace ns, ReadPlan plan, java.util.function.Predicate<String> protectedPath)
            throws IOException {
        if (!plan.complete()) throw new IllegalArgumentException("an incomplete read plan has no masks to apply");
        int root = ns.inside(() -> {
            var p = LinuxSyscalls.cString("/");
            long r = LinuxSyscalls.call(SyscallNumbers.OPENAT, FsCalls.AT_FDCWD, p.address(),
                    FsCalls.O_PATH | FsCalls.O_DIRECTORY | FsCalls.O_CLOEXEC, 0);
            if (r < 0) throw new IOException("opening the session namespace's root: errno " + (-r));
            return (int) r;
        });
        ReadMasks m = new ReadMasks(ns, plan, root, protectedPath);
        try {
            m.refresh();
            m.changes.watchMounts(ns); // after the masks' own mounts
        } catch (IOException | RuntimeException e) {
            m.close();
            throw e;
        }
        return m;
    }

    /**
     * Before a command: {@link #refresh} when something may have uncovered a mask since the last
     * look, else nothing. Returns whether it refreshed.
     */
    public synchronized boolean refreshIfChanged() throws IOException {
        checks++;
        if (!changes.changed()) return false;
        refresh();
        return true;
    }

    /** Masks again whatever is not covered now (see the class comment). */
    public synchronized void refresh() throws IOException {
        refreshes++;
        // Watches first: a change from here on is the next look's news, one before is seen below.
        for (String dir : watchedDirs) changes.watchDir(rootFd, dir);
        for (ReadPlan.MaskedPath m : masks) changes.watchParentOf(rootFd, m.path());
        try {
            check();
        } catch (IOException | RuntimeException e) {
            changes.markDirty(); // half done: the next command must not skip the look
            throw e;
        }
    }

    private void check() throws IOException {
        int[] err = new int[1];
        for (String dir : watchedDirs) watch(dir, err);
        for (ReadPlan.MaskedPath m : masks) {
            String rel = m.path().substring(1);
            long[] now = fs.statIdentity(rootFd, rel, FsCalls.AT_SYMLINK_NOFOLLOW, err);
            if (now == null) {
                if (err[0] == 2 /* ENOENT */ || err[0] == 20 /* ENOTDIR */) {
                    covers.remove(m.path());
                    continue;
                }
                if (covers.containsKey(m.path())) continue; // covered, and the cover refuses stat beneath (EACCES)
                throw new IOException("checking mask " + m.path() + ": errno " + err[0]);
            }
            long[] was = covers.get(m.path());
            if (was != null && was[0] == now[0] && was[1] == now[1]) continue;
            covers.put(m.path(), cover(m));
        }
    }

    /**
     * Lists a watched directory again when it changed (its mtime) and adds a mask for every
     * protected entry that is not masked yet (e.g. a new SSH host key).
     */
    private void watch(String dir, int[] err) throws IOException {
        long[] now = fs.statIdentity(rootFd, dir.substring(1), 0, err);
        if (now == null) return;
        long[] was = listed.get(dir);
        if (was != null && java.util.Arrays.equals(was, now)) return;
        var p = LinuxSyscalls.cString(dir.substring(1));
        long dfd = LinuxSyscalls.call(SyscallNumbers.OPENAT, rootFd, p.address(), FsCalls.O_RDONLY | FsCalls.O_DIRECTORY
                | FsCalls.O_CLOEXEC, 0);
        if (dfd < 0) throw new IOException("listing " + dir + " in the session namespace: errno " + (-dfd));
        try (var entries = Files.list(Path.of("/proc/self/fd/" + dfd))) {
            for (Path e : (Iterable<Path>) entries::iterator) {
                String full = dir.equals("/") ? "/" + e.getFileName() : dir + "/" + e.getFileName();
                if (!protectedPath.test(full)) continue;
                boolean known = false;
                for (ReadPlan.MaskedPath m : masks) known |= ReadPlanCompiler.under(full, m.path());
                if (!known) masks.add(new ReadPlan.MaskedPath(full, false, false, List.of()));
            }
        } finally {
            LinuxSyscalls.close((int) dfd);
        }
        listed.put(dir, now);
    }

    /** Mounts the mask for {@code m} (inside the namespace) and returns what now sits at the path. */
    private long[] cover(ReadPlan.MaskedPath m) throws IOException {
        Path target = Path.of(m.path());
        boolean dir = ns.inside(() -> Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS));
        SessionMountNamespace.Mask kind = m.kindFor(dir);
        if (kind == SessionMountNamespace.Mask.DIR_SKELETON) {
            ns.maskKeeping(target, m.keep().stream().map(Path::of).toList());
        } else {
            ns.mask(target, kind);
        }
        int[] err = new int[1];
        long[] now = fs.statIdentity(rootFd, m.path().substring(1), FsCalls.AT_SYMLINK_NOFOLLOW, err);
        if (now == null) throw new IOException("mask " + m.path() + " is not in place: errno " + err[0]);
        return now;
    }

    /** How many full looks ran, of how many looks before commands ({@link #refreshIfChanged}). */
    public synchronized long[] refreshesAndChecks() {
        return new long[] {refreshes, checks};
    }

    /** Paths covered right now (for tests and diagnostics). */
    public synchronized List<String> covered() {
        return List.copyOf(covers.keySet());
    }

    @Override
    public synchronized void close() {
        LinuxSyscalls.close(rootFd);
        changes.close();
    }
}
