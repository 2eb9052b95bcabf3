package io.agentsh.cli.shim;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Plans and applies installing the shell shim over {@code /bin/sh} and {@code /bin/bash} of a
 * root, and putting the originals back.
 *
 * <p>Install, per shell: a missing target is skipped; if there is no {@code .real} yet, a regular
 * target becomes {@code .real} (same inode: hard link, then the shim is renamed over the target,
 * so there is never a moment without a shell), a symlinked target (Debian's {@code /bin/sh ->
 * dash}) is resolved inside the root and copied to {@code .real} (renaming the link would later
 * loop through the shim) and its link text is remembered in shim.conf so uninstall can put
 * the symlink back. The shim is always written atomically (temp file, fsync, rename). Running
 * it twice changes nothing.
 */
final class ShellShimInstaller {
    static final String CONF_PATH = "/etc/agentsh/shim.conf";
    private static final String LINK_KEY_PREFIX = "orig_link_";

    private final RootPaths root;

    ShellShimInstaller(RootPaths root) {
        this.root = root;
    }

    Path confPath() throws IOException {
        return root.resolveParent(CONF_PATH);
    }

    List<PlanAction> planInstall(byte[] shim, List<ShellTarget> shells, boolean force) throws IOException {
        ShimConf conf = ShimConf.read(confPath());
        List<PlanAction> plan = new ArrayList<>();
        for (ShellTarget s : shells) {
            Path target = s.target();
            if (!RootPaths.exists(target)) {
                plan.add(PlanAction.skip(target, "target missing"));
                continue;
            }
            boolean isLink = Files.isSymbolicLink(target);
            if (!RootPaths.exists(s.real())) {
                if (!isLink && sameBytes(target, shim)) {
                    plan.add(PlanAction.skip(target, "already shimmed but missing .real; leaving untouched"));
                    continue;
                }
                if (isLink) {
                    Path resolved = root.resolve(s.displayPath());
                    if (!Files.isRegularFile(resolved, LinkOption.NOFOLLOW_LINKS)) {
                        throw new IOException(s.displayPath() + " is a symlink that does not resolve to a file inside " + root.root());
                    }
                    plan.add(PlanAction.copy(resolved, s.real()));
                    conf = conf.with(LINK_KEY_PREFIX + s.name(), Files.readSymbolicLink(target).toString());
                } else {
                    plan.add(PlanAction.rename(target, s.real()));
                }
                plan.add(PlanAction.writeShim(target, shim, "write shim bytes"));
            } else if (!isLink && sameBytes(target, shim)) {
                plan.add(PlanAction.skip(target, "shim already installed"));
            } else {
                plan.add(PlanAction.writeShim(target, shim, "write shim bytes"));
            }
        }
        if (force && !conf.force()) {
            conf = conf.with("force", "true");
            plan.add(PlanAction.writeConf(confPath(), conf.render(), "set force=true in shim.conf (preserves existing keys)"));
        } else if (!force && conf.force()) {
            conf = conf.with("force", "false");
            plan.add(PlanAction.writeConf(confPath(), conf.render(), "clear force=true from shim.conf"));
        } else if (!conf.render().equals(ShimConf.read(confPath()).render())) {
            plan.add(PlanAction.writeConf(confPath(), conf.render(), "remember the original symlink"));
        }
        return plan;
    }

    List<PlanAction> planUninstall(List<ShellTarget> shells) throws IOException {
        ShimConf conf = ShimConf.read(confPath());
        ShimConf after = conf;
        List<PlanAction> plan = new ArrayList<>();
        for (ShellTarget s : shells) {
            if (!RootPaths.exists(s.real())) {
                plan.add(PlanAction.skip(s.target(), ".real missing"));
                continue;
            }
            String link = conf.get(LINK_KEY_PREFIX + s.name());
            plan.add(PlanAction.remove(s.target(), "remove current target (best effort)"));
            if (link != null) {
                // The original was a symlink whose file we copied: drop the copy, restore the link.
                plan.add(PlanAction.remove(s.real(), "copy of the symlink's target"));
                plan.add(PlanAction.symlink(s.target(), link));
                after = after.without(LINK_KEY_PREFIX + s.name());
            } else {
                plan.add(PlanAction.rename(s.real(), s.target()));
            }
        }
        if (after != conf) {
            plan.add(PlanAction.writeConf(confPath(), after.render(), "forget the restored symlink"));
        }
        return plan;
    }

    /**
     * Checks that the config file can be written before any binary is touched, so a failure
     * never leaves a shim installed without its config.
     */
    void preflight(List<PlanAction> plan) throws IOException {
        for (PlanAction a : plan) {
            if (a.kind() == PlanAction.Kind.CONF) {
                Path dir = Path.of(a.path()).getParent();
                Files.createDirectories(dir);
                if (!Files.isWritable(dir)) {
                    throw new AccessDeniedException(dir.toString(), null, "shim.conf directory is not writable");
                }
            }
        }
        for (PlanAction a : plan) {
            if (a.op() != PlanAction.Op.skip && a.op() != PlanAction.Op.note) {
                Path p = Path.of(a.path() != null ? a.path() : a.from());
                if (!Files.isWritable(p.getParent())) {
                    throw new AccessDeniedException(p.getParent().toString(), null, "directory is not writable");
                }
            }
        }
    }

    void apply(List<PlanAction> plan) throws IOException {
        preflight(plan);
        // Config first: a shim without its force=true would fall open for non-TTY callers.
        for (PlanAction a : plan) {
            if (a.kind() == PlanAction.Kind.CONF) {
                writeAtomically(Path.of(a.path()), a.content(), "rw-r--r--");
            }
        }
        for (int i = 0; i < plan.size(); i++) {
            PlanAction a = plan.get(i);
            switch (a.op()) {
                case rename -> {
                    Path from = Path.of(a.from());
                    Path to = Path.of(a.to());
                    PlanAction next = i + 1 < plan.size() ? plan.get(i + 1) : null;
                    if (next != null && next.kind() == PlanAction.Kind.SHIM && next.path().equals(a.from())) {
                        // Install: keep the original inode as .real and swap the shim in atomically.
                        try {
                            Files.createLink(to, from);
                        } catch (IOException | UnsupportedOperationException e) {
                            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                        }
                    } else {
                        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
                case write -> {
                    switch (a.kind()) {
                        case SHIM -> writeAtomically(Path.of(a.path()), a.content(), "rwxr-xr-x");
                        case COPY -> copyAtomically(Path.of(a.from()), Path.of(a.path()));
                        case SYMLINK -> symlinkAtomically(Path.of(a.path()), a.to());
                        case CONF -> { /* written first */ }
                        default -> throw new IllegalStateException("unexpected write " + a);
                    }
                }
                case remove -> {
                    // A later step that puts something at this path replaces it atomically
                    // (rename(2)); removing first would leave a moment with no shell at all.
                    if (!replacedLater(plan, i, a.path())) {
                        Files.deleteIfExists(Path.of(a.path()));
                    }
                }
                case skip, note -> { }
            }
        }
    }

    private static boolean replacedLater(List<PlanAction> plan, int from, String path) {
        for (int j = from + 1; j < plan.size(); j++) {
            PlanAction b = plan.get(j);
            if ((b.op() == PlanAction.Op.rename && path.equals(b.to())) || (b.op() == PlanAction.Op.write && path.equals(b.path()))) {
                return true;
            }
        }
        return false;
    }

    private static void symlinkAtomically(Path at, String linkText) throws IOException {
        Path tmp = tempSibling(at);
        Files.deleteIfExists(tmp);
        try {
            Files.createSymbolicLink(tmp, Path.of(linkText));
            Files.move(tmp, at, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static boolean sameBytes(Path file, byte[] bytes) throws IOException {
        if (!Files.isRegularFile(file) || Files.size(file) != bytes.length) {
            return false;
        }
        return Arrays.equals(Files.readAllBytes(file), bytes);
    }

    private static void copyAtomically(Path from, Path to) throws IOException {
        Path tmp = tempSibling(to);
        try {
            Files.copy(from, tmp, StandardCopyOption.COPY_ATTRIBUTES, StandardCopyOption.REPLACE_EXISTING);
            fsync(tmp);
            Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    static void writeAtomically(Path to, byte[] content, String perms) throws IOException {
        Path tmp = tempSibling(to);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(perms));
            Files.move(tmp, to, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Path tempSibling(Path to) {
        return to.resolveSibling("." + to.getFileName() + ".agentsh-tmp-" + ProcessHandle.current().pid());
    }

    private static void fsync(Path p) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }
}
