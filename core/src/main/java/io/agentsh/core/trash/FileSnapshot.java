package io.agentsh.core.trash;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** Reads what a manifest records about a path (never following a final symlink) and hashes files. */
final class FileSnapshot {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

    /** Metadata of one node. */
    record Node(String type, long size, int mode, int uid, int gid, Instant mtime, Instant atime,
                long dev, long ino, String symlinkTarget) {}

    private FileSnapshot() {}

    static Node node(Path p) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,dev,ino,lastModifiedTime,lastAccessTime", NOFOLLOW);
        int rawMode = (Integer) a.get("mode");
        String type = switch (rawMode & 0170000) {
            case 0100000 -> TrashEntry.TYPE_FILE;
            case 0040000 -> TrashEntry.TYPE_DIR;
            case 0120000 -> TrashEntry.TYPE_SYMLINK;
            default -> TrashEntry.TYPE_OTHER;
        };
        String target = TrashEntry.TYPE_SYMLINK.equals(type) ? Files.readSymbolicLink(p).toString() : null;
        return new Node(type, (Long) a.get("size"), rawMode & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"),
                ((FileTime) a.get("lastModifiedTime")).toInstant(), ((FileTime) a.get("lastAccessTime")).toInstant(),
                (Long) a.get("dev"), (Long) a.get("ino"), target);
    }

    /** A digest and read buffer per thread: getInstance and a fresh 64 KiB buffer cost more than hashing a small file. */
    private static final class Hasher {
        final MessageDigest md;
        final byte[] buf = new byte[1 << 16];

        Hasher() {
            try {
                md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK always has SHA-256", e);
            }
        }
    }

    private static final ThreadLocal<Hasher> HASHER = ThreadLocal.withInitial(Hasher::new);
    private static final HexFormat HEX = HexFormat.of();

    /** Hex SHA-256 of a regular file's content. */
    static String sha256(Path file) throws IOException {
        Hasher h = HASHER.get();
        MessageDigest md = h.md;
        byte[] buf = h.buf;
        md.reset();   // a previous call that failed mid-read may have left input in it
        try (InputStream in = Files.newInputStream(file, NOFOLLOW)) {
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return HEX.formatHex(md.digest());
    }

    /** A hash limit that hashes nothing (metadata-only snapshots). */
    static final long NO_HASHES = Long.MIN_VALUE;

    /** Hash for a regular file of at most {@code limit} bytes, else null (negative limit: every file). */
    static String hashIfSmall(Path file, Node n, long limit) throws IOException {
        if (limit == NO_HASHES || !TrashEntry.TYPE_FILE.equals(n.type())) return null;
        if (limit >= 0 && n.size() > limit) return null;
        return sha256(file);
    }

    /**
     * {@link #hashIfSmall(Path, Node, long)} for a path not yet snapshotted: one lstat for type and
     * size only (no owner/times map, no readlink), which is all the decision needs.
     */
    static String hashIfSmall(Path file, long limit) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, NOFOLLOW);
        if (limit == NO_HASHES || !a.isRegularFile()) return null;   // isRegularFile: S_IFREG, as node()'s TYPE_FILE
        if (limit >= 0 && a.size() > limit) return null;
        return sha256(file);
    }

    /** Every node below {@code dir} (not the dir itself), parents before children, with hashes of small files. */
    static List<TreeEntry> tree(Path dir, long hashLimit) throws IOException {
        List<TreeEntry> out = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                if (!d.equals(dir)) out.add(entry(d));
                return FileVisitResult.CONTINUE;
            }
            @Override public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                out.add(entry(f));
                return FileVisitResult.CONTINUE;
            }
            private TreeEntry entry(Path p) throws IOException {
                Node n = node(p);
                return new TreeEntry(dir.relativize(p).toString(), n.type(), n.size(), n.mode(), n.uid(), n.gid(),
                        n.mtime(), n.atime(), hashIfSmall(p, n, hashLimit), n.symlinkTarget());
            }
        });
        return out;
    }
}
