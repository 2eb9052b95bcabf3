package io.agentsh.core.fuse;

import io.agentsh.core.trash.SoftDeleter;
import io.agentsh.policy.Decision;
import io.agentsh.policy.FileOperation;
import io.agentsh.policy.Verdict;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import jnr.ffi.types.mode_t;
import jnr.ffi.types.off_t;
import jnr.ffi.types.size_t;
import ru.serce.jnrfuse.FuseFillDir;
import ru.serce.jnrfuse.FuseStubFS;
import ru.serce.jnrfuse.struct.FileStat;
import ru.serce.jnrfuse.struct.FuseFileInfo;
import ru.serce.jnrfuse.struct.Statvfs;
import ru.serce.jnrfuse.struct.Timespec;

/**
 * The per-session view of a workspace: a pass-through of the backing directory (served from an fd
 * opened before mounting, so the view may shadow the same path) in which every operation is
 * decided by the session's file policy on the real path (deny: EACCES), and destructive ones
 * (unlink, rmdir, rename over an existing name) go to the trash under {@code soft_delete}.
 *
 * <p>Not done here, on purpose: truncation (O_TRUNC, truncate) is a write, checked as such, and
 * not diverted, as in the reference.
 */
final class WorkspaceFs extends FuseStubFS {
    private static final LibC C = LibC.INSTANCE;
    private static final int FUSE_BUF_IS_FD = 1 << 1, FUSE_BUF_FD_SEEK = 1 << 2;

    private final String sessionId;
    private final String workspace;      // the real path, as policies and the trash name it
    private final int rootFd;            // the backing directory, opened before the mount
    private final String procRoot;       // /proc/self/fd/<rootFd>: the backing dir for Java NIO
    private final FilePolicy policy;
    private final AuditMode auditMode;
    private final SoftDeleter softDeleter;
    private final FuseEventSink events;
    private final Set<String> hidden;    // relative paths the view does not show (a trash kept inside the workspace)
    private final boolean root = C.geteuid() == 0;
    /** Files libfuse has hidden (renamed to .fuse_hiddenNNN) because they were deleted while open, by hidden path. */
    private final Map<String, HiddenByLibfuse> hiddenByLibfuse = new ConcurrentHashMap<>();

    /** What a hidden file really was, and the delete verdict decided on that name when it was hidden. */
    private record HiddenByLibfuse(String originalPath, Verdict verdict) {}

    private static final Pattern LIBFUSE_HIDDEN_NAME = Pattern.compile("\\.fuse_hidden[0-9a-f]{16}");

    WorkspaceFs(String sessionId, Path workspace, int rootFd, FilePolicy policy, AuditMode auditMode,
                SoftDeleter softDeleter, FuseEventSink events, Set<String> hidden) {
        this.sessionId = sessionId;
        this.workspace = workspace.toString();
        this.rootFd = rootFd;
        this.procRoot = "/proc/self/fd/" + rootFd;
        this.policy = policy;
        this.auditMode = auditMode;
        this.softDeleter = softDeleter;
        this.events = events == null ? FuseEventSink.NONE : events;
        this.hidden = Set.copyOf(hidden);
    }

    // ---- paths and decisions -------------------------------------------------------------

    private static String rel(String path) {
        return path.equals("/") ? "." : path.substring(1);
    }

    private String real(String path) {
        return path.equals("/") ? workspace : workspace + path;
    }

    private boolean isHidden(String path) {
        if (hidden.isEmpty()) return false;
        String r = rel(path);
        for (String h : hidden) if (r.equals(h) || r.startsWith(h + "/")) return true;
        return false;
    }

    /** 0 when allowed, else -EACCES (approvals are not wired into the view: they fail closed). */
    private int check(String path, FileOperation op) {
        Verdict v = policy.check(real(path), op);
        if (v.isAllowed()) return 0;
        events.blocked(sessionId, real(path), op, v);
        return -LibC.EACCES;
    }

    private static int err(long rc) { return rc < 0 ? -LibC.errno() : (int) rc; }

    // ---- metadata ------------------------------------------------------------------------

    @Override public int getattr(String path, FileStat stat) {
        if (isHidden(path)) return -LibC.ENOENT;
        int d = check(path, FileOperation.STAT);
        if (d != 0) return d;
        return err(C.fstatat(rootFd, rel(path), Struct.getMemory(stat), LibC.AT_SYMLINK_NOFOLLOW));
    }

    @Override public int fgetattr(String path, FileStat stat, FuseFileInfo fi) {
        return err(C.fstat((int) fi.fh.get(), Struct.getMemory(stat)));
    }

    @Override public int readlink(String path, Pointer buf, @size_t long size) {
        if (isHidden(path)) return -LibC.ENOENT;
        int d = check(path, FileOperation.READLINK);
        if (d != 0) return d;
        long n = C.readlinkat(rootFd, rel(path), buf, size - 1);
        if (n < 0) return -LibC.errno();
        buf.putByte(n, (byte) 0);
        return 0;
    }

    @Override public int chmod(String path, @mode_t long mode) {
        int d = check(path, FileOperation.CHMOD);
        if (d != 0) return d;
        return err(C.fchmodat(rootFd, rel(path), (int) (mode & 07777), 0));
    }

    @Override public int chown(String path, long uid, long gid) {
        int d = check(path, FileOperation.CHOWN);
        if (d != 0) return d;
        return err(C.fchownat(rootFd, rel(path), (int) uid, (int) gid, LibC.AT_SYMLINK_NOFOLLOW));
    }

    @Override public int utimens(String path, Timespec[] timespec) {
        int d = check(path, FileOperation.WRITE);
        if (d != 0) return d;
        return err(C.utimensat(rootFd, rel(path), Struct.getMemory(timespec[0]), LibC.AT_SYMLINK_NOFOLLOW));
    }

    @Override public int truncate(String path, @off_t long size) {
        int d = check(path, FileOperation.WRITE);
        if (d != 0) return d;
        int fd = C.openat(rootFd, rel(path), LibC.O_WRONLY | LibC.O_CLOEXEC | LibC.O_NOFOLLOW, 0);
        if (fd < 0) return -LibC.errno();
        try {
            return err(C.ftruncate(fd, size));
        } finally {
            C.close(fd);
        }
    }

    @Override public int ftruncate(String path, @off_t long size, FuseFileInfo fi) {
        return err(C.ftruncate((int) fi.fh.get(), size));
    }

    @Override public int access(String path, int mask) {
        if (isHidden(path)) return -LibC.ENOENT;
        int d = check(path, FileOperation.ACCESS);
        if (d != 0) return d;
        return err(C.faccessat(rootFd, rel(path), mask, 0));
    }

    @Override public int statfs(String path, Statvfs stbuf) {
        return err(C.fstatvfs(rootFd, Struct.getMemory(stbuf)));
    }

    // ---- files ---------------------------------------------------------------------------

    @Override public int open(String path, FuseFileInfo fi) {
        if (isHidden(path)) return -LibC.ENOENT;
        int flags = fi.flags.get();
        boolean writes = (flags & LibC.O_ACCMODE) != LibC.O_RDONLY || (flags & (LibC.O_TRUNC | LibC.O_APPEND)) != 0;
        int d = check(path, writes ? FileOperation.WRITE : FileOperation.OPEN);
        if (d != 0) return d;
        int fd = C.openat(rootFd, rel(path), (flags & ~LibC.O_CREAT) | LibC.O_CLOEXEC, 0);
        if (fd < 0) return -LibC.errno();
        fi.fh.set(fd);
        return 0;
    }

    @Override public int create(String path, @mode_t long mode, FuseFileInfo fi) {
        if (isHidden(path)) return -LibC.EACCES;
        int d = check(path, FileOperation.CREATE);
        if (d != 0) return d;
        int fd = C.openat(rootFd, rel(path), fi.flags.get() | LibC.O_CREAT | LibC.O_CLOEXEC, (int) (mode & 07777));
        if (fd < 0) return -LibC.errno();
        giveToCaller(fd, null);
        fi.fh.set(fd);
        return 0;
    }

    @Override public int read(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return err(C.pread((int) fi.fh.get(), buf, size, offset));
    }

    /**
     * Answers a read with the backing fd itself (a fuse_bufvec of one FUSE_BUF_IS_FD buffer):
     * libfuse moves the bytes from the backing file to /dev/fuse (splice where it can) without the
     * data ever passing through Java. libfuse frees the vector.
     */
    @Override public int read_buf(String path, Pointer bufp, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        Pointer v = C.malloc(64);
        if (v == null) return -LibC.ENOMEM;
        v.putLong(0, 1);                 // count
        v.putLong(8, 0);                 // idx
        v.putLong(16, 0);                // off
        v.putLong(24, size);             // buf[0].size
        v.putLong(32, FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK);   // flags (enum, then padding)
        v.putLong(40, 0);                // mem = NULL
        v.putLong(48, fi.fh.get() & 0xffffffffL);           // fd (int, then padding)
        v.putLong(56, offset);           // pos
        bufp.putPointer(0, v);
        return 0;
    }

    @Override public int write(String path, Pointer buf, @size_t long size, @off_t long offset, FuseFileInfo fi) {
        return err(C.pwrite((int) fi.fh.get(), buf, size, offset));
    }

    // No flush(): writes go to the backing fd synchronously, so there is nothing to flush on close,
    // and leaving it unimplemented makes the kernel stop sending FLUSH (one round trip less per close).

    @Override public int release(String path, FuseFileInfo fi) {
        C.close((int) fi.fh.get());
        return 0;
    }

    @Override public int fsync(String path, int isdatasync, FuseFileInfo fi) {
        int fd = (int) fi.fh.get();
        return err(isdatasync != 0 ? C.fdatasync(fd) : C.fsync(fd));
    }

    @Override public int fallocate(String path, int mode, @off_t long off, @off_t long length, FuseFileInfo fi) {
        return err(C.fallocate((int) fi.fh.get(), mode, off, length));
    }

    @Override public int mknod(String path, @mode_t long mode, @jnr.ffi.types.dev_t long rdev) {
        if (isHidden(path)) return -LibC.EACCES;
        int d = check(path, FileOperation.MKNOD);
        if (d != 0) return d;
        int rc = C.mknodat(rootFd, rel(path), (int) mode, rdev);
        if (rc == 0) giveToCaller(-1, rel(path));
        return err(rc);
    }

    // ---- directories and names -----------------------------------------------------------

    @Override public int opendir(String path, FuseFileInfo fi) {
        if (isHidden(path)) return -LibC.ENOENT;
        return check(path, FileOperation.LIST);
    }

    @Override public int readdir(String path, Pointer buf, FuseFillDir filler, @off_t long offset, FuseFileInfo fi) {
        String dir = path.equals("/") ? procRoot : procRoot + path;
        filler.apply(buf, ".", null, 0);
        filler.apply(buf, "..", null, 0);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of(dir))) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (!hidden.isEmpty() && isHidden(path.equals("/") ? "/" + name : path + "/" + name)) continue;
                if (filler.apply(buf, name, null, 0) != 0) break;
            }
            return 0;
        } catch (NoSuchFileException e) {
            return -LibC.ENOENT;
        } catch (IOException e) {
            return -LibC.EIO;
        }
    }

    @Override public int mkdir(String path, @mode_t long mode) {
        if (isHidden(path)) return -LibC.EACCES;
        int d = check(path, FileOperation.MKDIR);
        if (d != 0) return d;
        int rc = C.mkdirat(rootFd, rel(path), (int) (mode & 07777));
        if (rc == 0) giveToCaller(-1, rel(path));
        return err(rc);
    }

    @Override public int symlink(String target, String linkpath) {
        if (isHidden(linkpath)) return -LibC.EACCES;
        int d = check(linkpath, FileOperation.SYMLINK);
        if (d != 0) return d;
        int rc = C.symlinkat(target, rootFd, rel(linkpath));
        if (rc == 0) giveToCaller(-1, rel(linkpath));
        return err(rc);
    }

    @Override public int link(String oldpath, String newpath) {
        if (isHidden(oldpath) || isHidden(newpath)) return -LibC.EACCES;
        int d = check(newpath, FileOperation.LINK);
        if (d != 0) return d;
        return err(C.linkat(rootFd, rel(oldpath), rootFd, rel(newpath), 0));
    }

    @Override public int unlink(String path) {
        if (isHidden(path)) return -LibC.EACCES;
        HiddenByLibfuse h = hiddenByLibfuse.remove(path);
        if (h != null) {   // the last close of a file deleted while open: the delete was decided when it was hidden
            return modeFor(h.verdict()) == AuditMode.SOFT_DELETE
                    ? quarantine(path, h.originalPath(), h.verdict())
                    : err(C.unlinkat(rootFd, rel(path), 0));
        }
        return destroy(path, FileOperation.DELETE, 0);
    }

    @Override public int rmdir(String path) {
        if (isHidden(path)) return -LibC.EACCES;
        return destroy(path, FileOperation.RMDIR, LibC.AT_REMOVEDIR);
    }

    @Override public int rename(String oldpath, String newpath) {
        if (isHidden(oldpath) || isHidden(newpath)) return -LibC.EACCES;
        if (isLibfuseHide(oldpath, newpath)) return hide(oldpath, newpath);
        int d = check(oldpath, FileOperation.RENAME);
        if (d == 0) d = check(newpath, FileOperation.RENAME);
        if (d != 0) return d;
        if (exists(newpath) && renameWouldReplace(oldpath, newpath)) {
            // The name being replaced is destroyed by the rename: it is a delete, decided as one.
            Verdict v = policy.check(real(newpath), FileOperation.DELETE);
            if (!v.isAllowed()) {
                events.blocked(sessionId, real(newpath), FileOperation.DELETE, v);
                return -LibC.EACCES;
            }
            AuditMode mode = modeFor(v);
            if (mode == AuditMode.SOFT_BLOCK) return -LibC.EACCES;
            if (mode == AuditMode.SOFT_DELETE) {
                int q = quarantine(newpath, v);
                if (q != 0 && q != -LibC.ENOENT) return q;
            }
        }
        return err(C.renameat(rootFd, rel(oldpath), rootFd, rel(newpath)));
    }

    /**
     * libfuse 2 does not unlink a file that is still open (nor let a rename replace one): it
     * renames it to {@code .fuse_hiddenNNN} in the same directory and unlinks that at the last
     * close. That rename is the user's delete, so it is decided here as a DELETE of the real name
     * (as a RENAME, then a DELETE of the hidden name, a rule protecting the file would not match),
     * and the later unlink takes the file to the trash under its real name. ({@code hard_remove}
     * would avoid the detour, but the kernel then stats a deleted open file by path, which
     * libfuse 2 can no longer resolve: fstat would fail with ENOENT.)
     */
    private int hide(String oldpath, String newpath) {
        Verdict v = policy.check(real(oldpath), FileOperation.DELETE);
        if (!v.isAllowed()) {
            events.blocked(sessionId, real(oldpath), FileOperation.DELETE, v);
            return -LibC.EACCES;
        }
        if (modeFor(v) == AuditMode.SOFT_BLOCK) return -LibC.EACCES;
        if (exists(newpath)) return -LibC.EEXIST;   // libfuse picked a free name; never replace anything here
        int rc = err(C.renameat(rootFd, rel(oldpath), rootFd, rel(newpath)));
        if (rc == 0) hiddenByLibfuse.put(newpath, new HiddenByLibfuse(real(oldpath), v));
        return rc;
    }

    /** A rename within one directory to the name libfuse's hide_node() generates. */
    private static boolean isLibfuseHide(String oldpath, String newpath) {
        int slash = newpath.lastIndexOf('/');
        return LIBFUSE_HIDDEN_NAME.matcher(newpath.substring(slash + 1)).matches()
                && oldpath.lastIndexOf('/') == slash && oldpath.regionMatches(0, newpath, 0, slash);
    }

    /** unlink / rmdir: policy, then the audit mode decides between deleting, refusing and the trash. */
    private int destroy(String path, FileOperation op, int unlinkFlags) {
        Verdict v = policy.check(real(path), op);
        if (!v.isAllowed()) {
            events.blocked(sessionId, real(path), op, v);
            return -LibC.EACCES;
        }
        return switch (modeFor(v)) {
            case SOFT_BLOCK -> -LibC.EACCES;
            case SOFT_DELETE -> {
                if (op == FileOperation.RMDIR && !isEmptyDir(path)) yield -LibC.ENOTEMPTY;   // rmdir keeps its meaning
                yield quarantine(path, v);
            }
            default -> err(C.unlinkat(rootFd, rel(path), unlinkFlags));
        };
    }

    private AuditMode modeFor(Verdict v) {
        return v.policyDecision() == Decision.SOFT_DELETE ? AuditMode.SOFT_DELETE : auditMode;
    }

    private int quarantine(String path, Verdict v) {
        return quarantine(path, real(path), v);
    }

    /** Moves {@code path} (in the view) to the trash, recorded as {@code originalPath}. */
    private int quarantine(String path, String originalPath, Verdict v) {
        if (softDeleter == null) return -LibC.EIO;   // soft_delete promised, nowhere to put it: never destroy instead
        try {
            softDeleter.quarantine(Path.of(procRoot + path), originalPath, sessionId, v.rule(), null);
            return 0;
        } catch (NoSuchFileException e) {
            return -LibC.ENOENT;
        } catch (IOException | RuntimeException e) {
            return -LibC.EIO;
        }
    }

    /**
     * Whether rename(2) would really replace {@code newpath} (so the victim goes to the trash first):
     * a non-directory by a non-directory, or an empty directory by a directory. Otherwise the
     * rename fails (EISDIR, ENOTDIR, ENOTEMPTY) and nothing may be moved to the trash.
     */
    private boolean renameWouldReplace(String oldpath, String newpath) {
        Path from = Path.of(procRoot + oldpath);
        Path to = Path.of(procRoot + newpath);
        java.nio.file.LinkOption nf = java.nio.file.LinkOption.NOFOLLOW_LINKS;
        boolean fromDir = Files.isDirectory(from, nf);
        boolean toDir = Files.isDirectory(to, nf);
        if (!Files.exists(from, nf) || fromDir != toDir) return false;
        return !toDir || isEmptyDir(newpath);
    }

    private boolean exists(String path) {
        try {
            return Files.exists(Path.of(procRoot + path), java.nio.file.LinkOption.NOFOLLOW_LINKS);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private boolean isEmptyDir(String path) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of(procRoot + path))) {
            return !ds.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    /** New nodes belong to the process that made them, not to the daemon. */
    private void giveToCaller(int fd, String relPath) {
        if (!root) return;
        var ctx = getContext();
        int uid = (int) ctx.uid.get();
        int gid = (int) ctx.gid.get();
        if (uid == 0 && gid == 0) return;
        if (fd >= 0) C.fchown(fd, uid, gid);
        else C.fchownat(rootFd, relPath, uid, gid, LibC.AT_SYMLINK_NOFOLLOW);
    }

    // ---- extended attributes: passed through (on the backing path, never following a final symlink) ----

    private String backing(String path) { return path.equals("/") ? procRoot : procRoot + path; }

    @Override public int getxattr(String path, String name, Pointer value, @size_t long size) {
        if (isHidden(path)) return -LibC.ENOENT;
        int d = check(path, FileOperation.READ);
        if (d != 0) return d;
        return err(C.lgetxattr(backing(path), name, size == 0 ? null : value, size));
    }

    @Override public int listxattr(String path, Pointer list, @size_t long size) {
        if (isHidden(path)) return -LibC.ENOENT;
        int d = check(path, FileOperation.READ);
        if (d != 0) return d;
        return err(C.llistxattr(backing(path), size == 0 ? null : list, size));
    }

    @Override public int setxattr(String path, String name, Pointer value, @size_t long size, int flags) {
        if (isHidden(path)) return -LibC.ENOENT;
        int d = check(path, FileOperation.WRITE);
        if (d != 0) return d;
        return err(C.lsetxattr(backing(path), name, value, size, flags));
    }

    @Override public int removexattr(String path, String name) {
        if (isHidden(path)) return -LibC.ENOENT;
        int d = check(path, FileOperation.WRITE);
        if (d != 0) return d;
        return err(C.lremovexattr(backing(path), name));
    }
}
