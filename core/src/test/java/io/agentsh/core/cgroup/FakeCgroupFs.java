package io.agentsh.core.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A plain directory tree standing in for cgroupfs: mkdir populates the interface files the
 * kernel would create (with the kernel's initial values), rmdir removes a directory that still
 * lists them (but, like the kernel, refuses one with child cgroups), and every write is logged.
 */
final class FakeCgroupFs extends CgroupFs {
    final List<String> writes = new ArrayList<>();
    private final List<String> files;

    FakeCgroupFs(List<String> files) {
        this.files = files;
    }

    static FakeCgroupFs v2() {
        return new FakeCgroupFs(List.of("cgroup.procs=", "cgroup.kill=", "cgroup.controllers=memory cpu pids io",
                "cgroup.subtree_control=", "memory.max=max", "memory.swap.max=max", "memory.peak=0",
                "memory.events=low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0", "cpu.max=max 100000",
                "cpu.stat=usage_usec 0\nuser_usec 0\nsystem_usec 0", "pids.max=max", "pids.peak=0", "io.max="));
    }

    void populate(Path dir) throws IOException {
        for (String f : files) {
            int eq = f.indexOf('=');
            Files.writeString(dir.resolve(f.substring(0, eq)), f.substring(eq + 1));
        }
    }

    @Override
    public void mkdir(Path dir) throws IOException {
        Files.createDirectory(dir);
        populate(dir);
    }

    @Override
    public void rmdir(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            if (s.anyMatch(Files::isDirectory)) throw new IOException(dir + ": Device or resource busy");
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @Override
    public void write(Path file, String value) throws IOException {
        if (!Files.exists(file)) throw new IOException("cannot write \"" + value + "\" to " + file + ": no such file");
        writes.add(file.getParent().getFileName() + "/" + file.getFileName() + "=" + value);
        if (file.getFileName().toString().equals("cgroup.kill")) Files.writeString(file.resolveSibling("cgroup.procs"), "");
        else Files.writeString(file, value);
    }
}
