package io.agentsh.core.kernel.detect;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * cgroups: pure v2 (the unified hierarchy at /sys/fs/cgroup), or hybrid/v1 where the resource
 * controllers (memory, pids, cpu) live in v1 hierarchies and the v2 tree at
 * /sys/fs/cgroup/unified has few or none of them.
 */
final class CgroupProbe {
    private static final List<String> WANTED = List.of("memory", "pids", "cpu", "io");

    static Mechanism probe(Path root) {
        Path v2Root = root;
        Path v2Controllers = root.resolve("cgroup.controllers");
        if (Files.isReadable(v2Controllers)) {
            Set<String> c = controllers(v2Controllers);
            List<String> have = WANTED.stream().filter(c::contains).toList();
            return new Mechanism("cgroups", !have.isEmpty(), "v2: " + (have.isEmpty() ? "no memory/pids/cpu/io controller" : String.join(", ", have)),
                    "cgroup.controllers at " + v2Root);
        }
        List<String> parts = new ArrayList<>();
        Set<String> available = new LinkedHashSet<>();
        Path unified = root.resolve("unified/cgroup.controllers");
        if (Files.isReadable(unified)) {
            Set<String> c = controllers(unified);
            List<String> have = WANTED.stream().filter(c::contains).toList();
            available.addAll(have);
            parts.add("v2 (unified): " + (have.isEmpty() ? "no resource controllers" : String.join(", ", have)));
        }
        List<String> v1 = new ArrayList<>();
        for (String c : List.of("memory", "pids", "cpu", "blkio")) {
            if (Files.isDirectory(root.resolve(c)) && Files.isWritable(root.resolve(c))) v1.add(c);
        }
        if (!v1.isEmpty()) parts.add("v1: " + String.join(", ", v1));
        available.addAll(v1);
        if (parts.isEmpty()) return new Mechanism("cgroups", false, "no cgroup hierarchy under " + root, "mount layout");
        boolean ok = available.contains("memory") || available.contains("pids") || available.contains("cpu");
        return new Mechanism("cgroups", ok, "hybrid; " + String.join("; ", parts), "cgroup hierarchies under " + root);
    }

    private static Set<String> controllers(Path p) {
        try {
            return Set.of(Files.readString(p).trim().split("\\s+"));
        } catch (IOException e) {
            return Set.of();
        }
    }

    private CgroupProbe() {}
}
