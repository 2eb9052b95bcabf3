package io.agentsh.cli.shim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;

/** What {@code agentsh shim status} reports for one shell. */
record ShellStatus(ShellTarget shell, String state, FileInfo target, FileInfo real, boolean shimMatches) {

    /** Type, mode and link text of one path; {@code exists == false} when it is absent. */
    record FileInfo(boolean exists, String type, String mode, String link) {
        static FileInfo of(Path p) throws IOException {
            if (!RootPaths.exists(p)) {
                return new FileInfo(false, null, null, null);
            }
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            String type = a.isSymbolicLink() ? "symlink" : a.isRegularFile() ? "file" : a.isDirectory() ? "dir" : "other";
            String link = a.isSymbolicLink() ? Files.readSymbolicLink(p).toString() : null;
            return new FileInfo(true, type, octal(a), link);
        }

        private static String octal(PosixFileAttributes a) {
            int m = 0;
            for (var perm : a.permissions()) {
                m |= 1 << (8 - perm.ordinal());
            }
            return String.format("%04o", m);
        }
    }

    /**
     * States: {@code missing} (no target), {@code installed} (target is the shim and .real exists),
     * {@code partial_missing_real} (target is the shim, .real gone), {@code not_installed}. Without
     * a shim to compare against, a present .real counts as installed.
     */
    static ShellStatus probe(ShellTarget s, byte[] shim) throws IOException {
        FileInfo target = FileInfo.of(s.target());
        FileInfo real = FileInfo.of(s.real());
        boolean matches = shim != null && target.exists() && "file".equals(target.type()) && ShellShimInstaller.sameBytes(s.target(), shim);
        String state;
        if (!target.exists()) {
            state = "missing";
        } else if (shim == null) {
            state = real.exists() ? "installed" : "not_installed";
        } else if (matches) {
            state = real.exists() ? "installed" : "partial_missing_real";
        } else {
            state = "not_installed";
        }
        return new ShellStatus(s, state, target, real, matches);
    }

    String line() {
        StringBuilder sb = new StringBuilder();
        sb.append(shell.name()).append(": state=").append(state)
          .append(" target=").append(shell.displayPath())
          .append(" exists=").append(target.exists());
        if (target.exists()) {
            sb.append(" type=").append(target.type());
            if (target.link() != null) {
                sb.append(" link=").append(target.link());
            }
        }
        sb.append(" real_exists=").append(real.exists()).append(" shim_matches=").append(shimMatches);
        return sb.toString();
    }

    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", shell.name());
        m.put("target_path", shell.target().toString());
        m.put("real_path", shell.real().toString());
        m.put("state", state);
        m.put("target_exists", target.exists());
        putIf(m, "target_mode", target.mode());
        putIf(m, "target_type", target.type());
        putIf(m, "target_link", target.link());
        m.put("real_exists", real.exists());
        putIf(m, "real_mode", real.mode());
        putIf(m, "real_type", real.type());
        putIf(m, "real_link", real.link());
        m.put("shim_matches", shimMatches);
        return m;
    }

    private static void putIf(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }
}
