package io.agentsh.core.trash;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** File-tree plumbing the store needs: durable copies, recursive delete, fsync, metadata restore. */
final class TreeOps {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private TreeOps() {}

    /** fsync a file or directory so a rename or a new name in it survives a crash. */
    static void fsync(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Copies {@code src} (file, symlink or whole directory) to {@code dst}, every file synced to disk. */
    static void durableCopy(Path src, Path dst) throws IOException {
        Files.walkFileTree(src, new SimpleFileVisitor<>() {
            @Override public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) throws IOException {
                Files.createDirectory(dst.resolve(src.relativize(d).toString()));
                return FileVisitResult.CONTINUE;
            }
            @Override public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Path t = src.equals(f) ? dst : dst.resolve(src.relativize(f).toString());
                Files.copy(f, t, StandardCopyOption.COPY_ATTRIBUTES, NOFOLLOW);
                if (a.isRegularFile()) fsync(t);
                return FileVisitResult.CONTINUE;
            }
            @Override public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) throw e;
                fsync(dst.resolve(src.relativize(d).toString()));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes a file, symlink or whole tree; a missing path is not an error. */
    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, NOFOLLOW)) return;
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.deleteIfExists(f);
                return FileVisitResult.CONTINUE;
            }
            @Override public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                throw e;
            }
            @Override public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) throw e;
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Sets mode (not on symlinks), owner and times of one node as the manifest recorded them. */
    static void applyMetadata(Path p, String type, int mode, int uid, int gid, java.time.Instant mtime,
                              java.time.Instant atime) throws IOException {
        boolean link = TrashEntry.TYPE_SYMLINK.equals(type);
        try {
            Files.setAttribute(p, "unix:uid", uid, NOFOLLOW);
            Files.setAttribute(p, "unix:gid", gid, NOFOLLOW);
        } catch (java.nio.file.FileSystemException e) {
            // Only root may give a file away; an unprivileged restore keeps the caller as owner.
            if (isRoot()) throw e;
        }
        if (!link) Files.setPosixFilePermissions(p, permissions(mode));
        if (!link && (mode & 07000) != 0) Files.setAttribute(p, "unix:mode", mode);   // setuid/setgid/sticky
        if (mtime != null) {
            Files.getFileAttributeView(p, BasicFileAttributeView.class, NOFOLLOW)
                    .setTimes(FileTime.from(mtime), atime == null ? null : FileTime.from(atime), null);
        }
    }

    /** Restores a directory's members (deepest first, so setting a child's times does not change its parent's). */
    static void applyTree(Path root, List<TreeEntry> tree) throws IOException {
        if (tree == null) return;
        for (int i = tree.size() - 1; i >= 0; i--) {
            TreeEntry t = tree.get(i);
            Path p = root.resolve(t.path());
            if (Files.exists(p, NOFOLLOW)) applyMetadata(p, t.type(), t.mode(), t.uid(), t.gid(), t.mtime(), t.atime());
        }
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) if ((mode & (1 << i)) != 0) s.add(order[i]);
        return s;
    }

    /** Whether this process runs as uid 0 (/proc/self belongs to the caller's effective uid). */
    static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
