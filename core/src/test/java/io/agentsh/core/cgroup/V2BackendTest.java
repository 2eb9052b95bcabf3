package io.agentsh.core.cgroup;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The v2 backend against a cgroupfs-shaped temp tree (this host has no v2 resource controllers). */
class V2BackendTest {
    @TempDir Path root;

    private static final long MB = 1024L * 1024L;

    @Test
    void writesEveryLimitAndReadsUsageThenRemoves() throws Exception {
        FakeCgroupFs fs = FakeCgroupFs.v2();
        V2Backend b = new V2Backend(fs, root, Set.of("memory", "cpu", "pids", "io"));
        CommandCgroup cg = b.create("agentsh-s1-c/1", new CgroupLimits(256 * MB, 0, 50, 64, 1000, 2000, "8:0"));
        Path dir = root.resolve("agentsh-s1-c_1");
        assertEquals("agentsh-s1-c_1", cg.name());
        assertEquals(Long.toString(256 * MB), Files.readString(dir.resolve("memory.max")));
        assertEquals("0", Files.readString(dir.resolve("memory.swap.max")), "no swap beyond the memory cap");
        assertEquals("50000 100000", Files.readString(dir.resolve("cpu.max")));
        assertEquals("64", Files.readString(dir.resolve("pids.max")));
        assertEquals("8:0 rbps=1000 wbps=2000", Files.readString(dir.resolve("io.max")));
        cg.join(4242);
        assertEquals("4242", Files.readString(dir.resolve("cgroup.procs")));

        Files.writeString(dir.resolve("memory.peak"), "268435456\n");
        Files.writeString(dir.resolve("memory.events"), "low 0\nhigh 0\nmax 7\noom 1\noom_kill 1\n");
        Files.writeString(dir.resolve("cpu.stat"), "usage_usec 5000\nuser_usec 3000\nsystem_usec 2000\n");
        Files.writeString(dir.resolve("pids.peak"), "12\n");
        Files.writeString(dir.resolve("cgroup.procs"), "");
        CgroupUsage u = cg.finish();
        assertEquals(new CgroupUsage(256 * MB, 3000, 2000, 12, 1), u);
        assertTrue(u.oomKilled());
        assertEquals(java.util.Map.of("cpu_user_ms", 3L, "cpu_system_ms", 2L, "memory_peak_kb", 262144L, "pids_peak", 12L,
                "oom_killed", true), u.toResources());
        assertFalse(Files.exists(dir), "removed after the command");
        assertSame(u, cg.finish(), "idempotent");
    }

    @Test
    void leftoverProcessesAreKilledThroughCgroupKill() throws Exception {
        FakeCgroupFs fs = FakeCgroupFs.v2();
        V2Backend b = new V2Backend(fs, root, Set.of("pids"));
        CommandCgroup cg = b.create("agentsh-s-k", new CgroupLimits(0, 0, 0, 10, 0, 0, null));
        Files.writeString(root.resolve("agentsh-s-k/cgroup.procs"), "999999\n");
        cg.finish();
        assertTrue(fs.writes.contains("agentsh-s-k/cgroup.kill=1"), fs.writes.toString());
        assertFalse(Files.exists(root.resolve("agentsh-s-k")));
    }

    @Test
    void aLimitWhoseControllerIsNotEnabledIsRefusedWithoutLeavingADirectory() {
        V2Backend b = new V2Backend(FakeCgroupFs.v2(), root, Set.of("pids"));
        IOException e = assertThrows(IOException.class, () -> b.create("agentsh-x", new CgroupLimits(MB, 0, 0, 0, 0, 0, null)));
        assertTrue(e.getMessage().contains("'memory' is not enabled"), e.getMessage());
        assertFalse(Files.exists(root.resolve("agentsh-x")));
    }

    @Test
    void nestedModeMovesTheDaemonToALeafAndEnablesControllers() throws Exception {
        FakeCgroupFs fs = FakeCgroupFs.v2();
        Path mount = root.resolve("cg");
        Files.createDirectories(mount);
        fs.populate(mount);
        Path own = mount.resolve("system.slice/agentsh.service");
        Files.createDirectories(own.getParent());
        fs.mkdir(own);
        Files.writeString(own.resolve("cgroup.procs"), "100\n101\n");
        CgroupLayout layout = new CgroupLayout(mount, own, Set.of("memory", "cpu", "pids", "io"), java.util.Map.of(), java.util.Map.of());
        assertTrue(layout.v2Usable());
        CgroupBackend backend = layout.backend("", fs);
        assertEquals("v2", backend.version());
        assertTrue(fs.writes.containsAll(List.of("agentsh.leaf/cgroup.procs=100", "agentsh.leaf/cgroup.procs=101",
                "agentsh.service/cgroup.subtree_control=+memory", "agentsh.service/cgroup.subtree_control=+pids")), fs.writes.toString());
        CommandCgroup cg = backend.create("agentsh-s-c", new CgroupLimits(MB, 0, 0, 0, 0, 0, null));
        assertTrue(Files.isDirectory(own.resolve("agentsh-s-c")));
        cg.finish();
    }

    @Test
    void sweepRemovesOnlyEmptyLeftoversWithThePrefix() throws Exception {
        FakeCgroupFs fs = FakeCgroupFs.v2();
        fs.mkdir(root.resolve("agentsh-old-1"));
        fs.mkdir(root.resolve("agentsh-busy"));
        Files.writeString(root.resolve("agentsh-busy/cgroup.procs"), "77\n");
        fs.mkdir(root.resolve("other"));
        fs.mkdir(root.resolve("agentsh-just-made")); // another daemon's, not joined yet: kept
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() - CgroupLayout.SWEEP_MIN_AGE_MS - 60_000);
        for (String d : java.util.List.of("agentsh-old-1", "agentsh-busy", "other")) Files.setLastModifiedTime(root.resolve(d), old);
        assertEquals(1, new V2Backend(fs, root, Set.of()).sweep("agentsh-"));
        assertTrue(Files.exists(root.resolve("agentsh-just-made")));
        assertFalse(Files.exists(root.resolve("agentsh-old-1")));
        assertTrue(Files.exists(root.resolve("agentsh-busy")));
        assertTrue(Files.exists(root.resolve("other")));
    }
}
