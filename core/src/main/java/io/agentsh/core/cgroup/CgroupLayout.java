package io.agentsh.core.cgroup;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Where this host's cgroup hierarchies are and which controllers each has, read from
 * /proc/self/mountinfo and /proc/self/cgroup (the daemon's own cgroup in each hierarchy).
 * {@link #backend} chooses: v2 when the unified hierarchy has memory, pids or cpu; otherwise
 * the v1 hierarchies (hybrid hosts). {@link #describe} is what {@code agentsh detect} prints.
 *
 * @param v2Mount   the cgroup2 mount point, or null
 * @param v2Own     the daemon's cgroup in the v2 hierarchy (absolute path on disk), or null
 * @param v2Controllers controllers listed in the v2 hierarchy's root cgroup.controllers
 * @param v1Own     v1 controller name to the daemon's own cgroup directory in that hierarchy
 * @param v1Mounts  v1 controller name to the hierarchy's mount point
 */
public record CgroupLayout(Path v2Mount, Path v2Own, Set<String> v2Controllers, Map<String, Path> v1Own,
                           Map<String, Path> v1Mounts) {
    static final List<String> V1_CONTROLLERS = List.of("memory", "pids", "cpu", "cpuacct", "blkio");

    /** Reads this process's view of the hierarchies. */
    public static CgroupLayout probe() {
        return probe(Path.of("/proc/self/mountinfo"), Path.of("/proc/self/cgroup"));
    }

    public static CgroupLayout probe(Path mountinfo, Path selfCgroup) {
        List<String> mounts = lines(mountinfo);
        List<String> own = lines(selfCgroup);
        Map<String, String> ownPaths = new HashMap<>(); // controller ("" for v2) -> path in hierarchy
        for (String l : own) {
            String[] f = l.split(":", 3);
            if (f.length != 3) continue;
            if (f[1].isEmpty()) ownPaths.put("", f[2]);
            else for (String c : f[1].split(",")) ownPaths.put(c, f[2]);
        }
        Path v2Mount = null, v2Own = null;
        Set<String> v2Controllers = Set.of();
        Map<String, Path> v1Mounts = new LinkedHashMap<>(), v1Own = new LinkedHashMap<>();
        for (String l : mounts) {
            int dash = l.indexOf(" - ");
            if (dash < 0) continue;
            String[] pre = l.substring(0, dash).split(" ");
            String[] post = l.substring(dash + 3).split(" ");
            if (pre.length < 5 || post.length < 3) continue;
            String root = unescape(pre[3]);
            Path mountPoint = Path.of(unescape(pre[4]));
            if (post[0].equals("cgroup2")) {
                if (v2Mount != null) continue;
                v2Mount = mountPoint;
                v2Controllers = words(mountPoint.resolve("cgroup.controllers"));
                v2Own = ownDir(mountPoint, root, ownPaths.get(""));
            } else if (post[0].equals("cgroup")) {
                for (String opt : post[2].split(",")) {
                    if (V1_CONTROLLERS.contains(opt) && !v1Mounts.containsKey(opt)) {
                        v1Mounts.put(opt, mountPoint);
                        Path d = ownDir(mountPoint, root, ownPaths.get(opt));
                        if (d != null) v1Own.put(opt, d);
                    }
                }
            }
        }
        return new CgroupLayout(v2Mount, v2Own, v2Controllers, v1Own, v1Mounts);
    }

    /** Whether the unified hierarchy can limit anything (pure v2 hosts). */
    public boolean v2Usable() {
        return v2Mount != null && (v2Controllers.contains("memory") || v2Controllers.contains("pids") || v2Controllers.contains("cpu"));
    }

    public boolean v1Usable() {
        return v1Mounts.containsKey("memory") || v1Mounts.containsKey("pids") || v1Mounts.containsKey("cpu");
    }

    /** For detect: e.g. "v2 (memory, cpu, pids, io)" or "v1 on a hybrid host (memory, pids, cpu, ...)". */
    public String describe() {
        if (v2Usable()) return "v2 (" + String.join(", ", ordered(v2Controllers)) + ")";
        if (v1Usable()) {
            return "v1" + (v2Mount != null ? " on a hybrid host (unified hierarchy without resource controllers)" : "")
                    + " (" + String.join(", ", ordered(v1Mounts.keySet())) + ")";
        }
        return v2Mount == null && v1Mounts.isEmpty() ? "no cgroup hierarchy mounted" : "no memory, pids or cpu controller";
    }

    /**
     * The backend for commands. {@code basePath} ({@code sandbox.cgroups.base_path}): for v2 the
     * parent directory (absolute, or relative to the v2 mount); for v1 a path relative to each
     * controller's mount. Empty: the daemon's own cgroup (nested mode). For v2 the parent's
     * cgroup.subtree_control gets the controllers; if the parent holds processes (the daemon
     * itself: the "no internal processes" rule), they move to {@code <parent>/agentsh.leaf} first.
     */
    public CgroupBackend backend(String basePath, CgroupFs fs) throws IOException {
        if (v2Usable()) return v2Backend(basePath, fs);
        if (v1Usable()) {
            Map<String, Path> parents = new LinkedHashMap<>();
            for (var e : v1Mounts.entrySet()) {
                Path parent = basePath == null || basePath.isBlank()
                        ? v1Own.getOrDefault(e.getKey(), e.getValue())
                        : e.getValue().resolve(stripSlash(basePath));
                if (!fs.exists(parent)) fs.mkdir(parent);
                if (Files.isWritable(parent)) parents.put(e.getKey(), parent);
            }
            return new V1Backend(fs, parents);
        }
        throw new IOException("cgroups unavailable: " + describe());
    }

    private CgroupBackend v2Backend(String basePath, CgroupFs fs) throws IOException {
        Path parent;
        if (basePath == null || basePath.isBlank()) parent = v2Own != null ? v2Own : v2Mount;
        else parent = Path.of(basePath).startsWith(v2Mount) ? Path.of(basePath) : v2Mount.resolve(stripSlash(basePath));
        if (!fs.exists(parent)) fs.mkdir(parent);
        Set<String> available = words(parent.resolve("cgroup.controllers"));
        if (!parent.equals(v2Mount)) {
            List<Long> procs = fs.pids(parent.resolve("cgroup.procs"));
            if (!procs.isEmpty()) {
                Path leaf = parent.resolve("agentsh.leaf");
                if (!fs.exists(leaf)) fs.mkdir(leaf);
                for (long pid : procs) {
                    try {
                        fs.write(leaf.resolve("cgroup.procs"), Long.toString(pid));
                    } catch (IOException e) {
                        // a process that exited meanwhile; anything else shows up below
                    }
                }
            }
        }
        Set<String> enabled = new LinkedHashSet<>();
        for (String c : V2Backend.wanted()) {
            if (!available.contains(c)) continue;
            try {
                fs.write(parent.resolve("cgroup.subtree_control"), "+" + c);
                enabled.add(c);
            } catch (IOException e) {
                // left out; a limit needing it fails with a clear message at create time
            }
        }
        if (enabled.isEmpty()) throw new IOException("cannot enable any cgroup v2 controller in " + parent.resolve("cgroup.subtree_control"));
        return new V2Backend(fs, parent, enabled);
    }

    // ---- helpers -----------------------------------------------------------------------------

    /** {@code [A-Za-z0-9._-]}, others become '_' (the reference's rule). */
    static String safeName(String name) {
        StringBuilder sb = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' ? c : '_');
        }
        String s = sb.toString();
        if (s.isEmpty() || s.equals(".") || s.equals("..")) throw new IllegalArgumentException("bad cgroup name: " + name);
        return s;
    }

    static List<String> ordered(Set<String> controllers) {
        List<String> out = new ArrayList<>();
        for (String c : List.of("memory", "cpu", "pids", "io", "cpuacct", "blkio")) if (controllers.contains(c)) out.add(c);
        return out;
    }

    /**
     * A cgroup made this recently may belong to another live daemon on the same hierarchy (the
     * testbed VMs share the host's v1 hierarchies), still empty between its creation and the
     * command joining it: sweeping it would make that join fail. Crash leftovers are older.
     */
    static final long SWEEP_MIN_AGE_MS = 10 * 60_000L;

    /** rmdir every empty {@code prefix*} directory directly under {@code parent} older than {@link #SWEEP_MIN_AGE_MS}. */
    static int sweepDir(CgroupFs fs, Path parent, String prefix) {
        int n = 0;
        long youngest = System.currentTimeMillis() - SWEEP_MIN_AGE_MS;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, prefix + "*")) {
            for (Path d : ds) {
                if (!Files.isDirectory(d) || !fs.pids(d.resolve("cgroup.procs")).isEmpty()) continue;
                try {
                    if (Files.getLastModifiedTime(d).toMillis() > youngest) continue;
                } catch (IOException e) {
                    continue;
                }
                try {
                    fs.rmdir(d);
                    n++;
                } catch (IOException e) {
                    // busy (child cgroups or exiting tasks): left for the next sweep
                }
            }
        } catch (IOException e) {
            return n;
        }
        return n;
    }

    private static Path ownDir(Path mountPoint, String mountRoot, String ownPath) {
        if (ownPath == null) return null;
        String rel = ownPath;
        if (!mountRoot.equals("/") && (rel.equals(mountRoot) || rel.startsWith(mountRoot + "/"))) rel = rel.substring(mountRoot.length());
        rel = stripSlash(rel);
        return rel.isEmpty() ? mountPoint : mountPoint.resolve(rel);
    }

    private static String stripSlash(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) == '/') i++;
        return s.substring(i);
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Set<String> words(Path p) {
        try {
            String s = Files.readString(p).trim();
            return s.isEmpty() ? Set.of() : Set.of(s.split("\\s+"));
        } catch (IOException e) {
            return Set.of();
        }
    }
}
