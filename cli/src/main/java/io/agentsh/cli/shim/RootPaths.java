package io.agentsh.cli.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves paths inside an install root the way a chroot would: absolute symlink targets are
 * taken relative to the root, and ".." never climbs above it. Install targets are computed
 * with this, so a temp root whose {@code bin} is a symlink to {@code /usr/bin} can never make
 * the installer write to the host's {@code /usr/bin}.
 */
final class RootPaths {
    private static final int MAX_LINKS = 40;
    private final Path root;

    RootPaths(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    Path root() {
        return root;
    }

    /** True when the root is the machine's own root directory. */
    boolean isHostRoot() throws IOException {
        return root.toRealPath().equals(root.getFileSystem().getPath("/"));
    }

    /** {@code inRoot} ("/bin/sh") resolved fully inside the root, following every symlink. */
    Path resolve(String inRoot) throws IOException {
        return resolve(inRoot, true);
    }

    /**
     * {@code inRoot} with its parent directories resolved inside the root and the last component
     * left as is (it may be a symlink, or missing).
     */
    Path resolveParent(String inRoot) throws IOException {
        return resolve(inRoot, false);
    }

    private Path resolve(String inRoot, boolean followLast) throws IOException {
        Deque<String> todo = new ArrayDeque<>();
        pushComponents(todo, inRoot);
        Deque<String> done = new ArrayDeque<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.pop();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.removeLast();
                }
                continue;
            }
            Path candidate = toHost(done).resolve(part);
            boolean last = todo.isEmpty();
            if (Files.isSymbolicLink(candidate) && (followLast || !last)) {
                if (++links > MAX_LINKS) {
                    throw new IOException("too many levels of symbolic links under " + root + " resolving " + inRoot);
                }
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) {
                    done.clear();
                }
                pushComponents(todo, target);
                continue;
            }
            done.addLast(part);
        }
        return toHost(done);
    }

    private static void pushComponents(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(parts[i]);
        }
    }

    private Path toHost(Deque<String> parts) {
        Path p = root;
        for (String s : parts) {
            p = p.resolve(s);
        }
        return p;
    }

    static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }
}
