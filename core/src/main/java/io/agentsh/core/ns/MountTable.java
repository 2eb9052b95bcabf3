package io.agentsh.core.ns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads /proc/self/mountinfo: which mount points exist, and of what type. */
public final class MountTable {
    public record Mount(Path mountPoint, String fsType, String source) {}

    private MountTable() {}

    public static List<Mount> read() throws IOException {
        List<Mount> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            int sep = -1;
            for (int i = 6; i < f.length; i++) if (f[i].equals("-")) { sep = i; break; }
            if (sep < 0 || sep + 2 >= f.length) continue;
            out.add(new Mount(Path.of(unescape(f[4])), f[sep + 1], unescape(f[sep + 2])));
        }
        return out;
    }

    public static boolean isFuseMount(Path mp) throws IOException {
        Path abs = mp.toAbsolutePath().normalize();
        for (Mount m : read()) if (m.mountPoint().equals(abs) && m.fsType().startsWith("fuse")) return true;
        return false;
    }

    /** Whether {@code p} is a mount point in the daemon's namespace. */
    public static boolean isMountPoint(Path p) throws IOException {
        Path abs = p.toAbsolutePath().normalize();
        for (Mount m : read()) if (m.mountPoint().equals(abs)) return true;
        return false;
    }

    /** mountinfo escapes space, tab, newline and backslash as \ooo. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                try {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException e) {
                    // not an escape: keep the backslash
                }
            }
            b.append(c);
        }
        return b.toString();
    }
}
