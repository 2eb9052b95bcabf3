package io.agentsh.core.fuse;

import io.agentsh.core.fuse.NodeTable.DeferredDelete;
import io.agentsh.core.fuse.NodeTable.Node;
import io.agentsh.core.fuse.OpenFiles.Handle;
import io.agentsh.core.trash.SoftDeleter;
import io.agentsh.policy.Decision;
import io.agentsh.policy.FileOperation;
import io.agentsh.policy.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import jnr.ffi.Pointer;

/**
 * The per-session view of a workspace, one handler per FUSE operation: a pass-through of the
 * backing directory (served from an fd opened before mounting, so the view may shadow the same
 * path) in which every operation is decided by the session's file policy on the real path (deny:
 * EACCES), and destructive ones (unlink, rmdir, rename over an existing name) go to the trash
 * under {@code soft_delete} ({@link ViewTrash}). Opened files are handed to the kernel for passthrough where it can:
 * their reads and writes then never reach the daemon.
 *
 * <p>Not done here, on purpose: truncation (O_TRUNC, truncate) is a write, checked as such, and
 * not diverted, as in the reference.
 */
final class WorkspaceFs {
    private static final LibC C = LibC.INSTANCE;
    private static final int UTIME_NOW = (1 << 30) - 1, UTIME_OMIT = (1 << 30) - 2;

    private final String sessionId;
    private final String workspace;      // the real path, as policies and the trash name it
    private final int rootFd;            // the backing directory, opened before the mount
    private final String procRoot;       // /proc/self/fd/<rootFd>: the backing dir for path-only calls
    private final FilePolicy policy;
    private final AuditMode auditMode;
    private final FuseEventSink events;
    private final Set<String> hidden;    // relative paths the view does not show (a trash kept inside the workspace)
    private final boolean root = C.geteuid() == 0;
    private final NodeTable nodes = new NodeTable();
    private final OpenFiles files = new OpenFiles();
    private FuseDevice device;
    private final ViewTrash trash;
    private volatile boolean passthrough;
    WorkspaceFs(String sessionId, Path workspace, int rootFd, FilePolicy policy, AuditMode auditMode,
                SoftDeleter softDeleter, FuseEventSink events, Set<String> hidden) {
        this.sessionId = sessionId;
        this.workspace = workspace.toString();
        this.rootFd = rootFd;
        this.procRoot = "/proc/self/fd/" + rootFd;
        this.policy = policy;
        this.auditMode = auditMode;
        this.events = events == null ? FuseEventSink.NONE : events;
        this.hidden = Set.copyOf(hidden);
        this.trash = new ViewTrash(sessionId, softDeleter, rootFd, nodes);
    }

    /** Called once by the session, before any request. */
    void attach(FuseDevice device, Executor slow) {
        this.device = device;
        trash.attach(slow);
    }

    /** Called by the session after INIT: whether opened files may be handed to the kernel. */
    void passthrough(boolean on) {
        this.passthrough = on;
    }

    boolean passthrough() { return passthrough; }

    // ---- paths and decisions -------------------------------------------------------------

    private String real(String rel) {
        return rel.equals(".") ? workspace : workspace + "/" + rel;
    }

    private String backing(String rel) {
        return rel.equals(".") ? procRoot : procRoot + "/" + rel;
    }

    private boolean isHidden(String rel) {
        if (ViewTrash.isStandIn(rel)) return true;
        if (hidden.isEmpty()) return false;
        for (String h : hidden) if (rel.equals(h) || rel.startsWith(h + "/")) return true;
        return false;
    }

    /** 0 when allowed, else -EACCES (approvals are not wired into the view: they fail closed). */
    private int check(String rel, FileOperation op) {
        Verdict v = policy.check(real(rel), op);
        if (v.isAllowed()) return 0;
        events.blocked(sessionId, real(rel), op, v);
        return -LibC.EACCES;
    }

    private static int err(long rc) { return rc < 0 ? -LibC.errno() : (int) rc; }

    private Node node(FuseRequest r) { return nodes.get(r.nodeId()); }

    /** The node's path, or null when it has none any more (the caller answers ENOENT). */
    private String pathOf(Node n) { return n == null ? null : nodes.path(n); }

    // ---- names and attributes ------------------------------------------------------------

    void lookup(FuseRequest r, FuseReply out) {
        Node parent = node(r);
        String prel = pathOf(parent);
        if (prel == null) { out.error(r.unique(), LibC.ENOENT); return; }
        String name = r.name(0);
        String rel = NodeTable.join(prel, name);
        if (isHidden(rel)) { out.error(r.unique(), LibC.ENOENT); return; }
        int d = check(rel, FileOperation.STAT);
        if (d != 0) { out.status(r.unique(), d); return; }
        replyEntry(r.unique(), out, parent, name, rel, -1);
    }

    /** Stats {@code rel} (or {@code fd}), records the node and sends the entry. */
    private void replyEntry(long unique, FuseReply out, Node parent, String name, String rel, int fd) {
        int rc = fd >= 0 ? Statx.of(fd, out.scratch) : Statx.at(rootFd, rel, out.scratch);
        if (rc < 0) { out.status(unique, rc); return; }
        Node n = nodes.lookedUp(parent, name, Statx.ino(out.scratch));
        out.entry(unique, n.id, out.scratch);
    }

    void forget(FuseRequest r) {
        nodes.forget(r.nodeId(), r.u64(0));
    }

    void batchForget(FuseRequest r) {
        int count = r.u32(0);
        for (int i = 0; i < count; i++) nodes.forget(r.u64(8 + 16 * i), r.u64(16 + 16 * i));
    }

    void getattr(FuseRequest r, FuseReply out) {
        Handle h = (r.u32(0) & FuseAbi.GETATTR_FH) != 0 ? files.get(r.u64(8)) : null;
        Node n = node(r);
        String rel = pathOf(n);
        // fstat of a file deleted while open comes without a handle: answer from one of its opens
        if (h == null && rel == null && n != null) h = files.anyOf(n);
        int rc;
        if (h != null) {
            rc = Statx.of(h.fd, out.scratch);
        } else {
            if (rel == null || isHidden(rel)) { out.error(r.unique(), LibC.ENOENT); return; }
            rc = check(rel, FileOperation.STAT);
            if (rc == 0) rc = Statx.at(rootFd, rel, out.scratch);
        }
        if (rc < 0) out.status(r.unique(), rc);
        else out.attr(r.unique(), out.scratch);
    }

    void setattr(FuseRequest r, FuseReply out) {
        int valid = r.u32(0);
        Handle h = (valid & FuseAbi.FATTR_FH) != 0 ? files.get(r.u64(8)) : null;
        Node n = node(r);
        String rel = pathOf(n);
        if (h == null && rel == null && n != null) h = files.anyOf(n);
        if (rel == null && h == null) { out.error(r.unique(), LibC.ENOENT); return; }
        if (rel != null && isHidden(rel)) { out.error(r.unique(), LibC.ENOENT); return; }
        int rc = 0;
        if ((valid & FuseAbi.FATTR_MODE) != 0) {
            int mode = r.u32(68) & 07777;
            rc = rel != null ? check(rel, FileOperation.CHMOD) : 0;
            if (rc == 0) rc = err(rel != null ? C.fchmodat(rootFd, rel, mode, 0) : C.fchmod(h.fd, mode));
        }
        if (rc == 0 && (valid & (FuseAbi.FATTR_UID | FuseAbi.FATTR_GID)) != 0) {
            int uid = (valid & FuseAbi.FATTR_UID) != 0 ? r.u32(76) : -1;
            int gid = (valid & FuseAbi.FATTR_GID) != 0 ? r.u32(80) : -1;
            rc = rel != null ? check(rel, FileOperation.CHOWN) : 0;
            if (rc == 0) {
                rc = err(rel != null ? C.fchownat(rootFd, rel, uid, gid, LibC.AT_SYMLINK_NOFOLLOW) : C.fchown(h.fd, uid, gid));
            }
        }
        if (rc == 0 && (valid & FuseAbi.FATTR_SIZE) != 0) rc = truncate(rel, h, r.u64(16));
        int times = FuseAbi.FATTR_ATIME | FuseAbi.FATTR_MTIME | FuseAbi.FATTR_ATIME_NOW | FuseAbi.FATTR_MTIME_NOW;
        if (rc == 0 && (valid & times) != 0) {
            rc = rel != null ? check(rel, FileOperation.WRITE) : 0;
            if (rc == 0) {
                Pointer ts = out.scratch.slice(Statx.SIZE_OF);
                putTime(ts, 0, valid, FuseAbi.FATTR_ATIME, FuseAbi.FATTR_ATIME_NOW, r.u64(32), r.u32(56));
                putTime(ts, 16, valid, FuseAbi.FATTR_MTIME, FuseAbi.FATTR_MTIME_NOW, r.u64(40), r.u32(60));
                rc = err(h != null ? C.futimens(h.fd, ts) : C.utimensat(rootFd, rel, ts, LibC.AT_SYMLINK_NOFOLLOW));
            }
        }
        if (rc == 0) rc = h != null ? Statx.of(h.fd, out.scratch) : Statx.at(rootFd, rel, out.scratch);
        if (rc < 0) out.status(r.unique(), rc);
        else out.attr(r.unique(), out.scratch);
    }

    private static void putTime(Pointer ts, int off, int valid, int set, int now, long sec, int nsec) {
        if ((valid & now) != 0) { ts.putLong(off, 0); ts.putLong(off + 8, UTIME_NOW); }
        else if ((valid & set) != 0) { ts.putLong(off, sec); ts.putLong(off + 8, nsec); }
        else { ts.putLong(off, 0); ts.putLong(off + 8, UTIME_OMIT); }
    }

    /** Through the caller's open file (already checked as a write when opened), else by path, checked as a write. */
    private int truncate(String rel, Handle h, long size) {
        if (h != null) return err(C.ftruncate(h.fd, size));
        int d = check(rel, FileOperation.WRITE);
        if (d != 0) return d;
        int fd = C.openat(rootFd, rel, LibC.O_WRONLY | LibC.O_CLOEXEC | LibC.O_NOFOLLOW, 0);
        if (fd < 0) return -LibC.errno();
        try {
            return err(C.ftruncate(fd, size));
        } finally {
            C.close(fd);
        }
    }

    void readlink(FuseRequest r, FuseReply out) {
        String rel = permitted(r, out, FileOperation.READLINK);
        if (rel == null) return;
        long n = C.readlinkat(rootFd, rel, out.buf.slice(FuseReply.BODY), FuseReply.bodyCapacity());
        if (n < 0) out.error(r.unique(), LibC.errno());
        else out.send(r.unique(), (int) n);
    }

    void access(FuseRequest r, FuseReply out) {
        String rel = permitted(r, out, FileOperation.ACCESS);
        if (rel != null) out.status(r.unique(), err(C.faccessat(rootFd, rel, r.u32(0), 0)));
    }

    void statfs(FuseRequest r, FuseReply out) {
        Pointer s = out.scratch;
        if (C.fstatvfs(rootFd, s) != 0) { out.error(r.unique(), LibC.errno()); return; }
        int b = FuseReply.BODY;
        out.buf.putLong(b, s.getLong(16));        // blocks
        out.buf.putLong(b + 8, s.getLong(24));    // bfree
        out.buf.putLong(b + 16, s.getLong(32));   // bavail
        out.buf.putLong(b + 24, s.getLong(40));   // files
        out.buf.putLong(b + 32, s.getLong(48));   // ffree
        out.buf.putInt(b + 40, (int) s.getLong(0));    // bsize
        out.buf.putInt(b + 44, (int) s.getLong(80));   // namelen
        out.buf.putInt(b + 48, (int) s.getLong(8));    // frsize
        for (int i = 52; i < FuseAbi.STATFS_OUT; i += 4) out.buf.putInt(b + i, 0);
        out.send(r.unique(), FuseAbi.STATFS_OUT);
    }

    // ---- new names -----------------------------------------------------------------------

    /** The parent's path and the new name's path, or null after answering the error. */
    private String newName(FuseRequest r, FuseReply out, Node parent, String name, FileOperation op) {
        String prel = pathOf(parent);
        if (prel == null) { out.error(r.unique(), LibC.ENOENT); return null; }
        String rel = NodeTable.join(prel, name);
        if (isHidden(rel)) { out.error(r.unique(), LibC.EACCES); return null; }
        int d = check(rel, op);
        if (d != 0) { out.status(r.unique(), d); return null; }
        return rel;
    }

    void mkdir(FuseRequest r, FuseReply out) {
        Node parent = node(r);
        String name = r.name(8);
        String rel = newName(r, out, parent, name, FileOperation.MKDIR);
        if (rel == null) return;
        int rc = err(C.mkdirat(rootFd, rel, r.u32(0) & 07777));
        if (rc < 0) { out.status(r.unique(), rc); return; }
        giveToCaller(r, -1, rel);
        replyEntry(r.unique(), out, parent, name, rel, -1);
    }

    void mknod(FuseRequest r, FuseReply out) {
        Node parent = node(r);
        String name = r.name(16);
        String rel = newName(r, out, parent, name, FileOperation.MKNOD);
        if (rel == null) return;
        int rc = err(C.mknodat(rootFd, rel, r.u32(0), glibcDev(r.u32(4))));
        if (rc < 0) { out.status(r.unique(), rc); return; }
        giveToCaller(r, -1, rel);
        replyEntry(r.unique(), out, parent, name, rel, -1);
    }

    /** The kernel's new_encode_dev() value as glibc's dev_t (makedev). */
    private static long glibcDev(int rdev) {
        long major = (rdev & 0xfff00) >>> 8;
        long minor = (rdev & 0xff) | ((rdev >>> 12) & 0xfff00);
        return ((major & 0xfffff000L) << 32) | ((major & 0xfff) << 8) | ((minor & 0xffffff00L) << 12) | (minor & 0xff);
    }

    void symlink(FuseRequest r, FuseReply out) {
        Node parent = node(r);
        String name = r.name(0);
        String target = r.name(r.after(0));
        String rel = newName(r, out, parent, name, FileOperation.SYMLINK);
        if (rel == null) return;
        int rc = err(C.symlinkat(target, rootFd, rel));
        if (rc < 0) { out.status(r.unique(), rc); return; }
        giveToCaller(r, -1, rel);
        replyEntry(r.unique(), out, parent, name, rel, -1);
    }

    void link(FuseRequest r, FuseReply out) {
        Node parent = node(r);
        String oldRel = pathOf(nodes.get(r.u64(0)));
        if (oldRel == null || isHidden(oldRel)) { out.error(r.unique(), LibC.ENOENT); return; }
        String name = r.name(8);
        String rel = newName(r, out, parent, name, FileOperation.LINK);
        if (rel == null) return;
        int rc = err(C.linkat(rootFd, oldRel, rootFd, rel, 0));
        if (rc < 0) { out.status(r.unique(), rc); return; }
        replyEntry(r.unique(), out, parent, name, rel, -1);
    }

    /** New nodes belong to the process that made them, not to the daemon. */
    private void giveToCaller(FuseRequest r, int fd, String rel) {
        if (!root) return;
        int uid = r.uid(), gid = r.gid();
        if (uid == 0 && gid == 0) return;
        if (fd >= 0) C.fchown(fd, uid, gid);
        else C.fchownat(rootFd, rel, uid, gid, LibC.AT_SYMLINK_NOFOLLOW);
    }

    // ---- open files ----------------------------------------------------------------------

    void open(FuseRequest r, FuseReply out) {
        Node n = node(r);
        String rel = pathOf(n);
        if (rel == null || isHidden(rel)) { out.error(r.unique(), LibC.ENOENT); return; }
        int flags = r.u32(0);
        boolean writes = (flags & LibC.O_ACCMODE) != LibC.O_RDONLY || (flags & (LibC.O_TRUNC | LibC.O_APPEND)) != 0;
        int d = check(rel, writes ? FileOperation.WRITE : FileOperation.OPEN);
        if (d != 0) { out.status(r.unique(), d); return; }
        int fd = C.openat(rootFd, rel, (flags & ~(LibC.O_CREAT | LibC.O_EXCL | LibC.O_NOCTTY)) | LibC.O_CLOEXEC | LibC.O_NOFOLLOW, 0);
        if (fd < 0) { out.error(r.unique(), LibC.errno()); return; }
        Handle h = opened(n, fd, out.scratch);
        out.open(r.unique(), h.fh, h.backingId > 0 ? FuseAbi.FOPEN_PASSTHROUGH : 0, h.backingId);
    }

    void create(FuseRequest r, FuseReply out) {
        Node parent = node(r);
        String name = r.name(16);
        String rel = newName(r, out, parent, name, FileOperation.CREATE);
        if (rel == null) return;
        int flags = (r.u32(0) & ~LibC.O_NOCTTY) | LibC.O_CREAT | LibC.O_CLOEXEC | LibC.O_NOFOLLOW;
        int fd = C.openat(rootFd, rel, flags, r.u32(4) & 07777);
        if (fd < 0) { out.error(r.unique(), LibC.errno()); return; }
        giveToCaller(r, fd, rel);
        int rc = Statx.of(fd, out.scratch);
        if (rc < 0) { C.close(fd); out.status(r.unique(), rc); return; }
        Node n = nodes.lookedUp(parent, name, Statx.ino(out.scratch));
        // statx first: opened() borrows the scratch memory's tail for the ioctl, not the attributes
        Handle h = opened(n, fd, out.scratch.slice(Statx.SIZE_OF));
        out.create(r.unique(), n.id, out.scratch, h.fh, h.backingId > 0 ? FuseAbi.FOPEN_PASSTHROUGH : 0, h.backingId);
    }

    /** Records an open file and, with passthrough, the backing file its node shares. */
    private Handle opened(Node n, int fd, Pointer scratch) {
        int backing = 0;
        synchronized (n) {
            n.opens++;
            if (passthrough) {
                if (n.backingUsers > 0) {
                    backing = n.backingId;
                    n.backingUsers++;
                } else {
                    int id = device.openBacking(fd, scratch);
                    if (id > 0) {
                        n.backingId = backing = id;
                        n.backingUsers = 1;
                    } else if (id == -LibC.EPERM) {
                        passthrough = false;   // not allowed here (no CAP_SYS_ADMIN): serve reads and writes ourselves
                    }
                }
            }
        }
        return files.add(fd, n, backing);
    }

    void read(FuseRequest r, FuseReply out) {
        Handle h = files.get(r.u64(0));
        if (h == null) { out.error(r.unique(), LibC.EBADF); return; }
        long size = Math.min(r.u32(16) & 0xffffffffL, FuseReply.bodyCapacity());
        long n = C.pread(h.fd, out.buf.slice(FuseReply.BODY), size, r.u64(8));
        if (n < 0) out.error(r.unique(), LibC.errno());
        else out.send(r.unique(), (int) n);
    }

    void write(FuseRequest r, FuseReply out) {
        Handle h = files.get(r.u64(0));
        if (h == null) { out.error(r.unique(), LibC.EBADF); return; }
        long n = C.pwrite(h.fd, r.slice(40), r.u32(16) & 0xffffffffL, r.u64(8));
        if (n < 0) out.error(r.unique(), LibC.errno());
        else out.count(r.unique(), n);
    }

    void fsync(FuseRequest r, FuseReply out) {
        Handle h = files.get(r.u64(0));
        if (h == null) { out.error(r.unique(), LibC.EBADF); return; }
        boolean data = (r.u32(8) & FuseAbi.FSYNC_FDATASYNC) != 0;
        out.status(r.unique(), err(data ? C.fdatasync(h.fd) : C.fsync(h.fd)));
    }

    void fallocate(FuseRequest r, FuseReply out) {
        Handle h = files.get(r.u64(0));
        if (h == null) { out.error(r.unique(), LibC.EBADF); return; }
        out.status(r.unique(), err(C.fallocate(h.fd, r.u32(24), r.u64(8), r.u64(16))));
    }

    void release(FuseRequest r, FuseReply out) {
        Handle h = files.remove(r.u64(0));
        if (h != null) closeHandle(h, out.scratch);
        out.send(r.unique(), 0);
    }

    private void closeHandle(Handle h, Pointer scratch) {
        C.close(h.fd);
        Node n = h.node;
        DeferredDelete due = null;
        synchronized (n) {
            if (h.backingId > 0 && --n.backingUsers == 0) {
                device.closeBacking(n.backingId, scratch);
                n.backingId = 0;
            }
            if (--n.opens == 0 && n.deferredDelete != null) {
                due = n.deferredDelete;
                n.deferredDelete = null;
            }
        }
        if (due != null) trash.lastClosed(due);
    }

    // ---- extended attributes: passed through (on the backing path, never following a final symlink) ----

    /** The node's path if it may be used for {@code op}; otherwise answers the error and returns null. */
    private String permitted(FuseRequest r, FuseReply out, FileOperation op) {
        String rel = pathOf(node(r));
        if (rel == null || isHidden(rel)) { out.error(r.unique(), LibC.ENOENT); return null; }
        int d = check(rel, op);
        if (d != 0) { out.status(r.unique(), d); return null; }
        return rel;
    }

    /** lgetxattr / llistxattr: a value into {@code buf} of {@code size} bytes, or (buf null) its size. */
    private interface SizedRead { long read(String path, Pointer buf, long size); }

    /** Answers with the value's size when the kernel asks for it (size 0), else with the value. */
    private void sized(FuseRequest r, FuseReply out, String path, long size, SizedRead call) {
        long n = size == 0 ? call.read(path, null, 0)
                : call.read(path, out.buf.slice(FuseReply.BODY), Math.min(size, FuseReply.bodyCapacity()));
        if (n < 0) out.error(r.unique(), LibC.errno());
        else if (size == 0) out.count(r.unique(), n);
        else out.send(r.unique(), (int) n);
    }

    void getxattr(FuseRequest r, FuseReply out) {
        String rel = permitted(r, out, FileOperation.READ);
        if (rel == null) return;
        String name = r.name(8);
        sized(r, out, backing(rel), r.u32(0) & 0xffffffffL, (p, buf, size) -> C.lgetxattr(p, name, buf, size));
    }

    void listxattr(FuseRequest r, FuseReply out) {
        String rel = permitted(r, out, FileOperation.READ);
        if (rel == null) return;
        sized(r, out, backing(rel), r.u32(0) & 0xffffffffL, C::llistxattr);
    }

    void setxattr(FuseRequest r, FuseReply out) {
        String rel = permitted(r, out, FileOperation.WRITE);
        if (rel == null) return;
        long size = r.u32(0) & 0xffffffffL;
        out.status(r.unique(), err(C.lsetxattr(backing(rel), r.name(8), r.slice(r.after(8)), size, r.u32(4))));
    }

    void removexattr(FuseRequest r, FuseReply out) {
        String rel = permitted(r, out, FileOperation.WRITE);
        if (rel == null) return;
        out.status(r.unique(), err(C.lremovexattr(backing(rel), r.name(0))));
    }

    // ---- directories ---------------------------------------------------------------------

    void opendir(FuseRequest r, FuseReply out) {
        Node n = node(r);
        String rel = pathOf(n);
        if (rel == null || isHidden(rel)) { out.error(r.unique(), LibC.ENOENT); return; }
        int d = check(rel, FileOperation.LIST);
        if (d != 0) { out.status(r.unique(), d); return; }
        int fd = C.openat(rootFd, rel, LibC.O_RDONLY | LibC.O_DIRECTORY | LibC.O_CLOEXEC, 0);
        if (fd < 0) { out.error(r.unique(), LibC.errno()); return; }
        Handle h = files.add(fd, n, 0);
        out.open(r.unique(), h.fh, 0, 0);
    }

    void readdir(FuseRequest r, FuseReply out) {
        Handle h = files.get(r.u64(0));
        if (h == null) { out.error(r.unique(), LibC.EBADF); return; }
        long offset = r.u64(8);
        int size = (int) Math.min(r.u32(16) & 0xffffffffL, FuseReply.bodyCapacity());
        List<OpenFiles.DirEntry> entries = h.entries;
        if (offset == 0 || entries == null) {
            String rel = pathOf(h.node);
            entries = DirectoryListing.read(h.fd, name -> rel != null && isHidden(NodeTable.join(rel, name)));
            if (entries == null) { out.error(r.unique(), LibC.EIO); return; }
            h.entries = entries;
        }
        int at = 0;
        for (long i = offset; i < entries.size(); i++) {
            OpenFiles.DirEntry e = entries.get((int) i);
            byte[] name = e.name().getBytes(StandardCharsets.UTF_8);
            int rec = (FuseAbi.DIRENT_NAME + name.length + 7) & ~7;
            if (at + rec > size) break;
            int b = FuseReply.BODY + at;
            out.buf.putLong(b, e.ino());
            out.buf.putLong(b + 8, i + 1);
            out.buf.putInt(b + 16, name.length);
            out.buf.putInt(b + 20, e.type());
            out.buf.put(b + 24, name, 0, name.length);
            for (int pad = FuseAbi.DIRENT_NAME + name.length; pad < rec; pad++) out.buf.putByte(b + pad, (byte) 0);
            at += rec;
        }
        out.send(r.unique(), at);
    }

    void releasedir(FuseRequest r, FuseReply out) {
        Handle h = files.remove(r.u64(0));
        if (h != null) C.close(h.fd);
        out.send(r.unique(), 0);
    }

    void fsyncdir(FuseRequest r, FuseReply out) {
        fsync(r, out);
    }

    // ---- destructive operations ----------------------------------------------------------

    void unlink(FuseRequest r, FuseReply out, boolean dir) {
        Node parent = node(r);
        String prel = pathOf(parent);
        if (prel == null) { out.error(r.unique(), LibC.ENOENT); return; }
        String name = r.name(0);
        String rel = NodeTable.join(prel, name);
        if (isHidden(rel)) { out.error(r.unique(), LibC.EACCES); return; }
        FileOperation op = dir ? FileOperation.RMDIR : FileOperation.DELETE;
        Verdict v = policy.check(real(rel), op);
        if (!v.isAllowed()) {
            events.blocked(sessionId, real(rel), op, v);
            out.error(r.unique(), LibC.EACCES);
            return;
        }
        switch (modeFor(v)) {
            case SOFT_BLOCK -> out.error(r.unique(), LibC.EACCES);
            case SOFT_DELETE -> {
                if (dir && !isEmptyDir(rel)) { out.error(r.unique(), LibC.ENOTEMPTY); return; }   // rmdir keeps its meaning
                long unique = r.unique();
                if (trash.deferIfOpen(parent, name, rel, real(rel), v)) { out.send(unique, 0); return; }
                trash.divert(rel, out.scratch, () -> {
                    int rc = trash.quarantine(rel, real(rel), v);
                    if (rc == 0) nodes.removed(parent, name);
                    FuseReply.of(device).status(unique, rc);
                });
            }
            default -> {
                int rc = err(C.unlinkat(rootFd, rel, dir ? LibC.AT_REMOVEDIR : 0));
                if (rc == 0) nodes.removed(parent, name);
                out.status(r.unique(), rc);
            }
        }
    }

    void rename(FuseRequest r, FuseReply out, boolean v2) {
        Node from = node(r);
        Node to = nodes.get(r.u64(0));
        int flags = v2 ? r.u32(8) : 0;
        int names = v2 ? 16 : 8;
        String oldName = r.name(names);
        String newName = r.name(r.after(names));
        String fromRel = pathOf(from), toRel = pathOf(to);
        if (fromRel == null || toRel == null) { out.error(r.unique(), LibC.ENOENT); return; }
        String oldRel = NodeTable.join(fromRel, oldName), newRel = NodeTable.join(toRel, newName);
        if (isHidden(oldRel) || isHidden(newRel)) { out.error(r.unique(), LibC.EACCES); return; }
        if ((flags & ~(FuseAbi.RENAME_NOREPLACE | FuseAbi.RENAME_EXCHANGE)) != 0) { out.error(r.unique(), LibC.EINVAL); return; }
        int d = check(oldRel, FileOperation.RENAME);
        if (d == 0) d = check(newRel, FileOperation.RENAME);
        if (d != 0) { out.status(r.unique(), d); return; }
        long unique = r.unique();
        if ((flags & FuseAbi.RENAME_EXCHANGE) != 0) {   // both names survive: nothing is destroyed
            int rc = err(C.renameat2(rootFd, oldRel, rootFd, newRel, flags));
            if (rc == 0) nodes.exchanged(from, oldName, to, newName);
            out.status(unique, rc);
            return;
        }
        if ((flags & FuseAbi.RENAME_NOREPLACE) == 0 && renameWouldReplace(oldRel, newRel, out.scratch)) {
            // The name being replaced is destroyed by the rename: it is a delete, decided as one.
            Verdict v = policy.check(real(newRel), FileOperation.DELETE);
            if (!v.isAllowed()) {
                events.blocked(sessionId, real(newRel), FileOperation.DELETE, v);
                out.error(unique, LibC.EACCES);
                return;
            }
            AuditMode mode = modeFor(v);
            if (mode == AuditMode.SOFT_BLOCK) { out.error(unique, LibC.EACCES); return; }
            if (mode == AuditMode.SOFT_DELETE && !trash.deferIfOpen(to, newName, newRel, real(newRel), v)) {
                trash.divert(newRel, out.scratch, () -> {
                    int q = trash.quarantine(newRel, real(newRel), v);
                    int rc = q != 0 && q != -LibC.ENOENT ? q : renameNow(from, oldName, oldRel, to, newName, newRel, 0);
                    FuseReply.of(device).status(unique, rc);
                });
                return;
            }
        }
        out.status(unique, renameNow(from, oldName, oldRel, to, newName, newRel, flags));
    }

    private int renameNow(Node from, String oldName, String oldRel, Node to, String newName, String newRel, int flags) {
        int rc = err(C.renameat2(rootFd, oldRel, rootFd, newRel, flags));
        if (rc == 0) nodes.renamed(from, oldName, to, newName);
        return rc;
    }

    private AuditMode modeFor(Verdict v) {
        return v.policyDecision() == Decision.SOFT_DELETE ? AuditMode.SOFT_DELETE : auditMode;
    }

    /**
     * Whether rename(2) would really replace {@code newRel} (so the victim goes to the trash first):
     * a non-directory by a non-directory, or an empty directory by a directory. Otherwise the
     * rename fails (EISDIR, ENOTDIR, ENOTEMPTY) and nothing may be moved to the trash.
     */
    private boolean renameWouldReplace(String oldRel, String newRel, Pointer scratch) {
        if (Statx.at(rootFd, newRel, scratch) != 0) return false;
        boolean toDir = Statx.isDir(scratch);
        if (Statx.at(rootFd, oldRel, scratch) != 0) return false;
        boolean fromDir = Statx.isDir(scratch);
        if (fromDir != toDir) return false;
        return !toDir || isEmptyDir(newRel);
    }

    private boolean isEmptyDir(String rel) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of(backing(rel)))) {
            return !ds.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The connection has ended: closes every open file, and sends to the trash the soft-deleted
     * files that were waiting for their last close (none may stay behind under a stand-in name).
     */
    void closeAll() {
        for (Handle h : files.drain()) {
            C.close(h.fd);
            DeferredDelete d;
            synchronized (h.node) {
                d = h.node.deferredDelete;
                h.node.deferredDelete = null;
            }
            if (d != null) trash.finish(d);
        }
    }

}
