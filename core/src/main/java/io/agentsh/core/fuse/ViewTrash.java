package io.agentsh.core.fuse;

import io.agentsh.core.fuse.NodeTable.DeferredDelete;
import io.agentsh.core.fuse.NodeTable.Node;
import io.agentsh.core.trash.SoftDeleter;
import io.agentsh.policy.Verdict;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import jnr.ffi.Pointer;

/**
 * Where the view's soft deletes go: into the trash through the session's {@link SoftDeleter},
 * at once, or for a file still open in the view at its last close (until then it waits under a
 * stand-in name the view hides, so the trash keeps what its holders write). Decides nothing:
 * {@link WorkspaceFs} applies the policy and comes here once a delete is a soft delete.
 */
final class ViewTrash {
    private static final LibC C = LibC.INSTANCE;
    private static final String STAND_IN_PREFIX = ".agentsh-deleted-";
    private static final Pattern STAND_IN = Pattern.compile(Pattern.quote(STAND_IN_PREFIX) + "[0-9a-f]{16}");
    /**
     * Diverts run on the request loop when the trash is on the workspace's filesystem (a rename)
     * and the file is at most this big (its hash is bounded): handing one to a worker measured
     * ~200 µs more per delete (UNLINK median 532 µs against 215-326 µs inline, perf, shell loop),
     * the cold worker waking on another CPU. Copies to another filesystem, and large files'
     * hashes, run on a worker so they cannot stall the view.
     */
    private static final long QUICK_DIVERT_MAX_BYTES = 64 * 1024;

    private final String sessionId;
    private final SoftDeleter deleter;   // null: soft delete promised, nowhere to put it (EIO, never destroy instead)
    private final int rootFd;
    private final String procRoot;
    private final NodeTable nodes;
    private final boolean besideWorkspace;
    private Executor slow;

    ViewTrash(String sessionId, SoftDeleter deleter, int rootFd, NodeTable nodes) {
        this.sessionId = sessionId;
        this.deleter = deleter;
        this.rootFd = rootFd;
        this.procRoot = "/proc/self/fd/" + rootFd;
        this.nodes = nodes;
        this.besideWorkspace = deleter != null && sameDevice(rootFd, deleter.store().root());
    }

    void attach(Executor slow) {
        this.slow = slow;
    }

    /** Whether the last component of {@code rel} is a stand-in name (the view hides those). */
    static boolean isStandIn(String rel) {
        int name = rel.lastIndexOf('/') + 1;
        // asked on every path-bearing request: the prefix test spares the regex almost always
        return rel.startsWith(STAND_IN_PREFIX, name) && STAND_IN.matcher(rel).region(name, rel.length()).matches();
    }

    /** Runs {@code divert} (which answers the request) on the loop if moving {@code rel} is quick, else on a worker. */
    void divert(String rel, Pointer scratch, Runnable divert) {
        if (quick(rel, scratch)) divert.run();
        else slow.execute(divert);
    }

    private boolean quick(String rel, Pointer scratch) {
        if (!besideWorkspace) return false;
        if (Statx.at(rootFd, rel, scratch) != 0) return true;   // gone: answered at once
        return !Statx.isRegular(scratch) || scratch.getLong(Statx.SIZE) <= QUICK_DIVERT_MAX_BYTES;
    }

    /** Moves {@code rel} (in the backing tree) to the trash, recorded as {@code originalPath}; 0 or -errno. */
    int quarantine(String rel, String originalPath, Verdict v) {
        if (deleter == null) return -LibC.EIO;
        try {
            deleter.quarantine(Path.of(procRoot + "/" + rel), originalPath, sessionId, v.rule(), null);
            return 0;
        } catch (NoSuchFileException e) {
            return -LibC.ENOENT;
        } catch (IOException | RuntimeException e) {
            return -LibC.EIO;
        }
    }

    /**
     * If {@code parent/name} is open in the view: renames it to a stand-in in the same directory,
     * to go to the trash at its last close, and answers true. False if it is not open.
     */
    boolean deferIfOpen(Node parent, String name, String rel, String originalPath, Verdict v) {
        Node victim = nodes.child(parent, name);
        if (victim == null) return false;
        synchronized (victim) {
            if (victim.opens == 0) return false;
            String standIn = STAND_IN_PREFIX + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
            String standInRel = NodeTable.join(rel.lastIndexOf('/') < 0 ? "." : rel.substring(0, rel.lastIndexOf('/')), standIn);
            if (C.renameat2(rootFd, rel, rootFd, standInRel, FuseAbi.RENAME_NOREPLACE) != 0) return false;
            victim.deferredDelete = new DeferredDelete(parent, standIn, originalPath, v);
        }
        nodes.removed(parent, name);
        return true;
    }

    /** The file's last close came: to the trash, on a worker. */
    void lastClosed(DeferredDelete d) {
        slow.execute(() -> finish(d));
    }

    /** Sends a waiting stand-in to the trash now (its last close, or the end of the connection). */
    void finish(DeferredDelete d) {
        String dir = nodes.path(d.dir());
        if (dir != null) quarantine(NodeTable.join(dir, d.standIn()), d.originalPath(), d.verdict());
    }

    private static boolean sameDevice(int dirFd, Path other) {
        Pointer a = FuseDevice.buffer(Statx.SIZE_OF), b = FuseDevice.buffer(Statx.SIZE_OF);
        return Statx.of(dirFd, a) == 0 && Statx.at(-100 /* AT_FDCWD */, other.toString(), b) == 0
                && Statx.dev(a) == Statx.dev(b);
    }
}
