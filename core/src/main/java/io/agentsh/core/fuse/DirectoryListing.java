package io.agentsh.core.fuse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import jnr.ffi.Pointer;

/**
 * A directory's entries with their inode numbers and types (glibc's readdir64 over a duplicate of
 * the open directory's fd; struct dirent64: d_ino at 0, d_type at 18, d_name at 19). Java's
 * DirectoryStream gives names only.
 */
final class DirectoryListing {
    private static final LibC C = LibC.INSTANCE;

    private DirectoryListing() {}

    /** The entries of the open directory {@code dirFd}, from the start, minus those {@code skip} names; null on failure. */
    static List<OpenFiles.DirEntry> read(int dirFd, Predicate<String> skip) {
        int dup = C.dup(dirFd);
        if (dup < 0) return null;
        Pointer dir = C.fdopendir(dup);
        if (dir == null) { C.close(dup); return null; }
        try {
            C.rewinddir(dir);   // the duplicate shares the file offset of earlier listings
            List<OpenFiles.DirEntry> out = new ArrayList<>();
            for (Pointer e = C.readdir64(dir); e != null; e = C.readdir64(dir)) {
                String name = e.getString(19, 256, StandardCharsets.UTF_8);
                if (!name.equals(".") && !name.equals("..") && skip.test(name)) continue;
                out.add(new OpenFiles.DirEntry(e.getLong(0), e.getByte(18) & 0xff, name));
            }
            return out;
        } finally {
            C.closedir(dir);
        }
    }
}
