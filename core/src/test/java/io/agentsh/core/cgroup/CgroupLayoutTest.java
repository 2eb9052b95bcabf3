package io.agentsh.core.cgroup;

import static org.junit.jupiter.api.Assertions.*;

import io.agentsh.policy.ResourceLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupLayoutTest {
    @TempDir Path tmp;

    @Test
    void hybridHostChoosesV1AndFindsOwnCgroups() throws Exception {
        Path unified = Files.createDirectories(tmp.resolve("unified"));
        Files.writeString(unified.resolve("cgroup.controllers"), "hugetlb\n");
        Path mi = tmp.resolve("mountinfo"), self = tmp.resolve("cgroup");
        Files.writeString(mi, String.join("\n",
                "31 23 0:28 / " + tmp + " rw,relatime - tmpfs tmpfs rw,mode=755",
                "32 31 0:29 / " + tmp + "/cpu rw,relatime - cgroup cgroup rw,cpu",
                "33 31 0:30 / " + tmp + "/cpuacct rw,relatime - cgroup cgroup rw,cpuacct",
                "35 31 0:32 / " + tmp + "/memory rw,relatime - cgroup cgroup rw,memory",
                "39 31 0:36 / " + tmp + "/pids rw,relatime - cgroup cgroup rw,pids",
                "41 31 0:38 / " + unified + " rw,relatime - cgroup2 cgroup2 rw", ""));
        Files.writeString(self, "8:pids:/\n4:memory:/process_api/abc\n2:cpuacct:/\n1:cpu:/\n0::/\n");
        CgroupLayout l = CgroupLayout.probe(mi, self);
        assertFalse(l.v2Usable());
        assertTrue(l.v1Usable());
        assertEquals(tmp.resolve("memory/process_api/abc"), l.v1Own().get("memory"));
        assertEquals(tmp.resolve("pids"), l.v1Own().get("pids"));
        assertEquals("v1 on a hybrid host (unified hierarchy without resource controllers) (memory, cpu, pids, cpuacct)", l.describe());
    }

    @Test
    void pureV2WithControllersAndAContainerMountRoot() throws Exception {
        Path cg = Files.createDirectories(tmp.resolve("fs"));
        Files.writeString(cg.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        Path mi = tmp.resolve("mountinfo"), self = tmp.resolve("cgroup");
        Files.writeString(mi, "30 20 0:26 /docker/abc " + cg + " rw - cgroup2 cgroup2 rw,nsdelegate\n");
        Files.writeString(self, "0::/docker/abc/sub\n");
        CgroupLayout l = CgroupLayout.probe(mi, self);
        assertTrue(l.v2Usable());
        assertEquals(cg.resolve("sub"), l.v2Own());
        assertEquals("v2 (memory, cpu, pids, io)", l.describe());
    }

    @Test
    void nothingMounted() {
        CgroupLayout l = CgroupLayout.probe(tmp.resolve("none"), tmp.resolve("none2"));
        assertEquals("no cgroup hierarchy mounted", l.describe());
        assertThrows(java.io.IOException.class, () -> l.backend("", CgroupFs.REAL));
    }

    @Test
    void limitsFromPolicyCappedByExplicitConfig() {
        var p = new ResourceLimits(512, 0, 150, 0, 0, 0, 200, null, null, null);
        CgroupLimits l = CgroupLimits.of(p, null);
        assertEquals(512L << 20, l.memoryBytes());
        assertEquals(0, l.swapBytes());
        assertEquals(150_000, l.cpuQuotaMicros());
        assertEquals(200, l.pidsMax());
        assertEquals(-1, new CgroupLimits(0, 0, 0, 0, 0, 0, null).cpuQuotaMicros(), "no cpu limit");
        assertTrue(new CgroupLimits(0, 0, 0, 0, 100, 0, null).withDevice("8:0").hasIo());
        assertEquals(1000, new CgroupLimits(0, 0, 1, 0, 0, 0, null).cpuQuotaMicros(), "at least 1 ms");
        assertEquals(1000, new CgroupLimits(0, 0, 5000, 0, 0, 0, null).cpuPercent(), "clamped");
        assertEquals(100, CgroupLimits.capped(200, 100));
        assertEquals(200, CgroupLimits.capped(200, 0));
        assertEquals(100, CgroupLimits.capped(0, 100));
        assertFalse(CgroupLimits.of(ResourceLimits.NONE, null).any());
        assertFalse(new CgroupLimits(0, 0, 0, 0, 100, 0, null).any(), "disk limits need a known device");
    }

    @Test
    void namesAreSanitised() {
        assertEquals("agentsh-a_b-c.d", CgroupLayout.safeName("agentsh-a/b-c.d"));
        assertThrows(IllegalArgumentException.class, () -> CgroupLayout.safeName(".."));
    }

    @Test
    void disabledOrUnavailableCgroupsFailClosedUnlessBestEffort() throws Exception {
        CgroupLayout none = CgroupLayout.probe(tmp.resolve("x"), tmp.resolve("y"));
        CgroupLimits l = new CgroupLimits(1 << 20, 0, 0, 0, 0, 0, null);
        assertNull(CommandCgroups.create(false, false, "", none, CgroupFs.REAL).forCommand("s", "c", l).cgroup());
        CommandCgroups strict = CommandCgroups.create(true, false, "", none, CgroupFs.REAL);
        var e = assertThrows(java.io.IOException.class, () -> strict.forCommand("s", "c", l));
        assertTrue(e.getMessage().contains("unavailable"), e.getMessage());
        assertNull(strict.forCommand("s", "c", CgroupLimits.NONE).cgroup(), "nothing to limit: no cgroup needed");
        var degraded = CommandCgroups.create(true, true, "", none, CgroupFs.REAL).forCommand("s", "c", l);
        assertNull(degraded.cgroup());
        assertTrue(degraded.degraded() && degraded.degradedReason().contains("unavailable"), degraded.toString());
        assertEquals(Set.of(), none.v2Controllers());
    }
}
