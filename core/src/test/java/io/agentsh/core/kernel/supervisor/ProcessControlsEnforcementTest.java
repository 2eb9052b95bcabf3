package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentsh.core.cgroup.CgroupFs;
import io.agentsh.core.cgroup.CgroupLayout;
import io.agentsh.core.cgroup.CgroupLimits;
import io.agentsh.core.cgroup.CgroupUsage;
import io.agentsh.core.cgroup.CommandCgroup;
import io.agentsh.core.cgroup.CgroupBackend;
import io.agentsh.core.cgroup.V2Backend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cgroup limits, capability drop and the PID namespace on real child processes of this test,
 * through the real exec wrapper and supervisor. cgroups are created as agentsh-test-* under the
 * hierarchies' roots and removed in {@link #cleanUp} (and stale ones from a crashed run by
 * {@link #sweepStale}).
 */
class ProcessControlsEnforcementTest {
    static final String PREFIX = "agentsh-test-";
    static final List<Path> ROOTS = List.of(Path.of("/sys/fs/cgroup/memory"), Path.of("/sys/fs/cgroup/pids"),
            Path.of("/sys/fs/cgroup/cpu"), Path.of("/sys/fs/cgroup/cpuacct"), Path.of("/sys/fs/cgroup/blkio"), Path.of("/sys/fs/cgroup/unified"));
    @TempDir Path tmp;
    final List<CommandCgroup> cgroups = new ArrayList<>();

    @BeforeAll
    static void sweepStale() {
        for (Path r : ROOTS) removeTree(r, PREFIX);
    }

    @AfterEach
    void cleanUp() {
        for (CommandCgroup c : cgroups) c.finish();
        for (Path r : ROOTS) removeTree(r, PREFIX);
    }

    /** rmdir depth-first every cgroup directory named prefix* under root (cgroupfs rmdir ignores interface files). */
    static void removeTree(Path root, String prefix) {
        try (Stream<Path> s = Files.list(root)) {
            for (Path top : s.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isDirectory(p)).toList()) {
                try (Stream<Path> w = Files.walk(top)) {
                    for (Path d : w.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                        for (String pid : Files.readAllLines(d.resolve("cgroup.procs"))) {
                            ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
                        }
                        for (int i = 0; i < 100; i++) {
                            try {
                                Files.delete(d);
                                break;
                            } catch (IOException e) {
                                Thread.sleep(20);
                            }
                        }
                    }
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // hierarchy not mounted here
        }
    }

    private static ArmingPlan withCaps(ArmingPlan p, long keep) {
        return new ArmingPlan(p.program(), p.landlock(), p.setsid(), keep, p.pidNamespace());
    }

    private GovernedHarness harness(ArmingPlan plan) throws IOException {
        return new GovernedHarness(new StandInPolicy(tmp.resolve("denied").toString(), tmp.resolve("secret").toString()),
                tmp.resolve("run"), plan);
    }

    private CgroupBackend v1Backend() throws IOException {
        CgroupLayout layout = CgroupLayout.probe();
        assumeTrue(!layout.v2Usable() && layout.v1Usable(), "needs a hybrid/v1 host: " + layout.describe());
        CgroupBackend b = layout.backend(PREFIX + UUID.randomUUID().toString().substring(0, 8), CgroupFs.REAL);
        assertEquals("v1", b.version());
        return b;
    }

    private CommandCgroup create(CgroupBackend b, CgroupLimits limits) throws IOException {
        CommandCgroup cg = b.create(PREFIX + "cmd-" + UUID.randomUUID().toString().substring(0, 8), limits);
        cgroups.add(cg);
        return cg;
    }

    // ---- cgroups --------------------------------------------------------------------------------

    @Test
    void forkBombIsBoundedByPidsMaxOnV1() throws Exception {
        CgroupBackend b = v1Backend();
        CommandCgroup cg = create(b, new CgroupLimits(0, 0, 0, 40, 0, 0, null));
        GovernedHarness h = harness(GovernedHarness.defaultPlan());
        h.beforePlan = cg::join;
        // Up to 500 children that each live 3 s: without the limit all 500 would start.
        String bomb = """
                import os, time
                ok = fail = 0
                kids = []
                for i in range(500):
                    try:
                        pid = os.fork()
                    except OSError:
                        fail += 1
                        continue
                    if pid == 0:
                        time.sleep(3)
                        os._exit(0)
                    ok += 1
                    kids.append(pid)
                print("started", ok, "refused", fail, flush=True)
                for k in kids:
                    os.waitpid(k, 0)
                """;
        var r = h.run(Map.of(), tmp, "/usr/bin/python3", "-c", bomb);
        assertEquals(0, r.exit(), r.toString());
        String[] f = r.stdout().trim().split(" ");
        int started = Integer.parseInt(f[1]), refused = Integer.parseInt(f[3]);
        assertTrue(started < 40 && started > 0, r.stdout());
        assertEquals(500, started + refused);
        CgroupUsage u = cg.finish();
        assertTrue(u.memoryPeakBytes() > 0, u.toString());
        assertTrue(u.cpuUserMicros() + u.cpuSystemMicros() > 0, u.toString());
        assertFalse(u.oomKilled());
    }

    @Test
    void twoGigabyteAllocationIsKilledAt256MbWithTheOomEvent() throws Exception {
        CgroupBackend b = v1Backend();
        CommandCgroup cg = create(b, new CgroupLimits(256L << 20, 0, 0, 0, 0, 0, null));
        GovernedHarness h = harness(GovernedHarness.defaultPlan());
        h.beforePlan = cg::join;
        String hog = """
                chunks = []
                for i in range(32):
                    chunks.append(b"\\x01" * (64 << 20))
                    print(len(chunks) * 64, "MB", flush=True)
                print("allocated 2 GB")
                """;
        var r = h.run(Map.of(), tmp, "/usr/bin/python3", "-c", hog);
        assertEquals(128 + 9, r.exit(), "killed by SIGKILL: " + r);
        assertFalse(r.stdout().contains("allocated 2 GB"), r.stdout());
        CgroupUsage u = cg.finish();
        assertTrue(u.oomKilled(), u.toString());
        assertTrue(u.memoryPeakBytes() <= 256L << 20 && u.memoryPeakBytes() > 128L << 20, u.toString());
        assertEquals(Boolean.TRUE, u.toResources().get("oom_killed"));
    }

    @Test
    void withoutTheCgroupTheSameAllocationSucceedsIn64MbSteps() throws Exception {
        // Proves the OOM test can fail: a smaller allocation outside any limit completes.
        var r = harness(GovernedHarness.defaultPlan()).run(Map.of(), tmp, "/usr/bin/python3", "-c",
                "c=[b'\\x01' * (64 << 20) for i in range(5)]; print('allocated', len(c) * 64)");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("allocated 320\n", r.stdout());
    }

    @Test
    void cpuQuotaIsWrittenOnV1AndTheCommandRunsInAllCgroups() throws Exception {
        CgroupBackend b = v1Backend();
        CommandCgroup cg = create(b, new CgroupLimits(64L << 20, 0, 20, 30, 0, 0, null));
        GovernedHarness h = harness(GovernedHarness.defaultPlan());
        h.beforePlan = cg::join;
        var r = h.run(Map.of(), tmp, "/bin/cat", "/proc/self/cgroup");
        assertEquals(0, r.exit(), r.toString());
        for (String c : List.of("memory", "pids", "cpu")) {
            assertTrue(r.stdout().lines().anyMatch(l -> l.split(":")[1].equals(c) && l.endsWith("/" + cg.name())),
                    c + " cgroup joined before exec: " + r.stdout());
        }
        Path cpu = Path.of("/sys/fs/cgroup/cpu").resolve(b.describe().replaceAll(".*cpu=/sys/fs/cgroup/cpu/([^,)]*).*", "$1"))
                .resolve(cg.name());
        assertEquals("20000", Files.readString(cpu.resolve("cpu.cfs_quota_us")).trim());
        cg.finish();
        assertFalse(Files.exists(cpu), "removed");
    }

    @Test
    void directWritesAreThrottledToTheDiskLimitOnV1() throws Exception {
        CgroupBackend b = v1Backend();
        String dev = io.agentsh.core.cgroup.CommandCgroups.deviceOf(tmp);
        assumeTrue(dev != null, "temp dir is not on a block device");
        CommandCgroup cg = create(b, new CgroupLimits(0, 0, 0, 0, 0, 1 << 20, dev));
        GovernedHarness h = harness(GovernedHarness.defaultPlan());
        h.beforePlan = cg::join;
        // 3 MB of O_DIRECT writes at 1 MB/s: dd reports its own rate (unthrottled: tens of MB/s and more).
        var r = h.run(Map.of(), tmp, "/bin/dd", "if=/dev/zero", "of=" + tmp.resolve("f"), "bs=1M", "count=3", "oflag=direct");
        assertEquals(0, r.exit(), r.toString());
        var m = java.util.regex.Pattern.compile("copied, ([0-9.]+) s").matcher(r.stderr());
        assertTrue(m.find(), r.stderr());
        assertTrue(Double.parseDouble(m.group(1)) >= 1.5, "throttled to 1 MB/s: " + r.stderr());
    }

    @Test
    void aCommandWhoseCgroupCannotBeJoinedNeverRuns() throws Exception {
        GovernedHarness h = harness(GovernedHarness.defaultPlan());
        Path marker = tmp.resolve("ran");
        h.beforePlan = pid -> { throw new IOException("cannot write \"" + pid + "\" to cgroup.procs: No space left on device"); };
        var e = assertThrows(IOException.class, () -> h.run(Map.of(), tmp, "/usr/bin/touch", marker.toString()));
        assertTrue(e.getMessage().contains("arming failed"), e.getMessage());
        Thread.sleep(200);
        assertFalse(Files.exists(marker), "refused before exec");
    }

    @Test
    void v2JoinAndKillOnTheRealUnifiedHierarchy() throws Exception {
        Path unified = Path.of("/sys/fs/cgroup/unified");
        assumeTrue(Files.exists(unified.resolve("cgroup.kill")) || Files.exists(unified.resolve("cgroup.procs")), "no cgroup2 mount");
        Path parent = unified.resolve(PREFIX + UUID.randomUUID().toString().substring(0, 8));
        Files.createDirectory(parent);
        // No resource controller is available in this host's v2 tree: joining, usage and cleanup only.
        V2Backend b = new V2Backend(CgroupFs.REAL, parent, Set.of());
        CommandCgroup cg = create(b, CgroupLimits.NONE);
        Process p = new ProcessBuilder("/bin/sleep", "30").start();
        try {
            cg.join(p.pid());
            String own = Files.readString(Path.of("/proc/" + p.pid() + "/cgroup"));
            assertTrue(own.contains("0::/" + parent.getFileName() + "/" + cg.name()), own);
            cg.finish(); // kills what is left (cgroup.kill) and removes the directory
            assertTrue(p.waitFor(5, TimeUnit.SECONDS), "killed through the cgroup");
            assertFalse(Files.exists(parent.resolve(cg.name())));
        } finally {
            p.destroyForcibly();
        }
    }

    // ---- capabilities ---------------------------------------------------------------------------

    private static Map<String, Long> caps(String status) {
        java.util.HashMap<String, Long> m = new java.util.HashMap<>();
        status.lines().filter(l -> l.startsWith("Cap")).forEach(l -> {
            String[] f = l.split(":\\s*");
            m.put(f[0], Long.parseUnsignedLong(f[1].trim(), 16));
        });
        return m;
    }

    @Test
    void capabilitiesAreDroppedExceptTheAllowedOnes() throws Exception {
        long keep = Capabilities.keepMask(List.of("NET_BIND_SERVICE", "CAP_SYS_ADMIN"));
        assertEquals(1L << 10, keep, "SYS_ADMIN can never be kept");
        var r = harness(withCaps(GovernedHarness.defaultPlan(), keep)).run(Map.of(), tmp, "/bin/cat", "/proc/self/status");
        assertEquals(0, r.exit(), r.toString());
        Map<String, Long> c = caps(r.stdout());
        assertEquals(keep, c.get("CapEff"), r.stdout());
        assertEquals(keep, c.get("CapPrm"));
        assertEquals(keep, c.get("CapBnd"));
        assertEquals(0L, c.get("CapAmb"));
    }

    @Test
    void emptyAllowListDropsEverythingAndNoConfigLeavesThemAlone() throws Exception {
        // A file of another user, mode 600: root reads it only through CAP_DAC_OVERRIDE. The open is
        // trapped and performed by the supervisor, which must not lend the command its own capabilities.
        Path other = Files.writeString(tmp.resolve("others-secret"), "x\n");
        Files.setPosixFilePermissions(other, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.setAttribute(other, "unix:uid", 12345);
        String script = "cat /proc/self/status; cat " + other + " >/dev/null 2>&1 && echo read-it || echo no-read; "
                + "echo y >> " + other + " 2>/dev/null && echo wrote-it || echo no-write";
        var dropped = harness(withCaps(GovernedHarness.defaultPlan(), 0)).run(Map.of(), tmp, "/bin/sh", "-c", script);
        Map<String, Long> c = caps(dropped.stdout());
        assertEquals(0L, c.get("CapEff"));
        assertEquals(0L, c.get("CapBnd"));
        assertEquals(0L, c.get("CapPrm"));
        assertTrue(dropped.stdout().contains("no-read\nno-write"), dropped.stdout());
        var untouched = harness(GovernedHarness.defaultPlan()).run(Map.of(), tmp, "/bin/sh", "-c", script);
        assertNotEquals(0L, caps(untouched.stdout()).get("CapBnd"), "the test would notice if nothing was dropped");
        assertTrue(untouched.stdout().contains("read-it\nwrote-it"), untouched.stdout());
    }

    // ---- PID namespace --------------------------------------------------------------------------

    @Test
    void pidNamespaceShowsOnlyTheCommandsOwnProcesses() throws Exception {
        GovernedHarness h = harness(GovernedHarness.defaultPlan().withPidNamespace(true));
        var r = h.run(Map.of(), tmp, "/bin/sh", "-c", "echo self=$$; ps -e -o pid=,comm=");
        assertEquals(0, r.exit(), r.toString());
        List<String> procs = r.stdout().lines().filter(l -> !l.startsWith("self=")).map(String::trim).toList();
        assertTrue(r.stdout().startsWith("self=1\n"), r.stdout());
        assertEquals(List.of("1 sh", "ps"), List.of(procs.get(0), procs.get(1).replaceAll("^\\d+ ", "")), r.stdout());
        assertEquals(2, procs.size(), r.stdout());
        var outside = harness(GovernedHarness.defaultPlan()).run(Map.of(), tmp, "/bin/sh", "-c", "ps -e -o pid= | wc -l");
        assertTrue(Integer.parseInt(outside.stdout().trim()) > 2, "without the namespace ps sees the host: " + outside);
    }

    @Test
    void killNineOneFromInsideDoesNotKillTheNamespaceInit() throws Exception {
        GovernedHarness h = harness(GovernedHarness.defaultPlan().withPidNamespace(true));
        var r = h.run(Map.of(), tmp, "/bin/sh", "-c", "kill -9 1; echo still-here; sleep 0.2 & wait; kill -TERM $! 2>/dev/null; exit 7");
        assertEquals(7, r.exit(), "the exit status comes through the namespace parent: " + r);
        assertTrue(r.stdout().contains("still-here"), r.toString());
        assertTrue(h.failures.isEmpty(), h.failures.toString());
    }

    @Test
    void procSelfInsideTheNamespaceIsTheCommandsOwnThroughTheSupervisor() throws Exception {
        // Writes under /proc/self are trapped and emulated by the supervisor through the
        // command's root: it must find the namespace's numbering, not the daemon's.
        GovernedHarness h = harness(withCaps(GovernedHarness.defaultPlan().withPidNamespace(true), 0));
        var r = h.run(Map.of(), tmp, "/bin/sh", "-c", "echo renamed > /proc/self/comm && cat /proc/1/comm; "
                + "grep -E '^(NSpid|CapEff)' /proc/self/status");
        assertEquals(0, r.exit(), r.toString());
        assertTrue(r.stdout().startsWith("renamed\n"), r.stdout());
        assertTrue(r.stdout().contains("CapEff:\t0000000000000000"), r.stdout());
        assertTrue(h.failures.isEmpty(), h.failures.toString());
    }

    @Test
    void manyArmedCommandsWithEveryControlNeitherHangNorLeak() throws Exception {
        CgroupBackend b = v1Backend();
        GovernedHarness h = harness(withCaps(GovernedHarness.defaultPlan().withPidNamespace(true), 0));
        java.util.concurrent.atomic.AtomicInteger bad = new java.util.concurrent.atomic.AtomicInteger();
        java.util.function.IntConsumer one = i -> {
            try {
                CommandCgroup cg = b.create(PREFIX + "stress-" + i, new CgroupLimits(64L << 20, 0, 0, 50, 0, 0, null));
                try {
                    // One harness per thread: the hook is per launch.
                    GovernedHarness own = harness(withCaps(GovernedHarness.defaultPlan().withPidNamespace(true), 0));
                    own.beforePlan = cg::join;
                    var r = own.run(Map.of(), tmp, "/bin/sh", "-c", "sh -c 'sh -c \"echo $$\"' & wait; exit " + (i % 7));
                    if (r.exit() != i % 7 || !r.stdout().trim().matches("\\d+")) bad.incrementAndGet();
                } finally {
                    cg.finish();
                }
            } catch (Exception e) {
                bad.incrementAndGet();
            }
        };
        for (int i = 0; i < 60; i++) one.accept(i);
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(10)) {
            for (int i = 60; i < 100; i++) {
                int k = i;
                pool.submit(() -> one.accept(k));
            }
        }
        assertEquals(0, bad.get(), "unexpected exits");
        assertTrue(h.failures.isEmpty());
        try (Stream<Path> left = Files.walk(Path.of("/sys/fs/cgroup/pids"), 2)) {
            assertEquals(0, left.filter(p -> p.getFileName().toString().startsWith(PREFIX + "stress")).count());
        }
    }

    @Test
    void pidNamespaceWorksUnderLandlock() throws Exception {
        assumeTrue(io.agentsh.core.kernel.landlock.LandlockAbi.probe() > 0, "needs Landlock");
        var cfg = new io.agentsh.core.kernel.landlock.LandlockConfig(io.agentsh.core.kernel.landlock.LandlockConfig.SYSTEM_READ,
                List.of(tmp.toString()), io.agentsh.core.kernel.landlock.LandlockConfig.SYSTEM_EXECUTE, List.of(),
                io.agentsh.core.kernel.landlock.LandlockConfig.SYSTEM_DEVICES, true, List.of(), false, List.of(), true, true);
        try (var rs = io.agentsh.core.kernel.landlock.LandlockRulesetBuilder.build(cfg)) {
            // Reads answered in the kernel (not trapped), so Landlock itself decides /proc reads.
            var filter = io.agentsh.core.kernel.bpf.SeccompFilterBuilder.build(
                    io.agentsh.core.kernel.seccomp.SyscallSets.sessionFilter(io.agentsh.core.kernel.seccomp.SyscallSets.DEFAULT_BLOCKED, false));
            ArmingPlan plan = new ArmingPlan(filter, rs, true).withPidNamespace(true);
            KernelPolicy readsFree = new KernelPolicy() {
                final StandInPolicy p = new StandInPolicy("/nonexistent-denied", "/nonexistent-secret");
                @Override public KernelVerdict checkFile(String path, FileAccess op) { return p.checkFile(path, op); }
                @Override public KernelVerdict checkExecve(String f, List<String> a, int d) { return p.checkExecve(f, a, d); }
                @Override public boolean readsCanBeDenied() { return false; }
            };
            var r = new GovernedHarness(readsFree, tmp.resolve("run"), plan).run(Map.of(), tmp, "/bin/sh", "-c", "ps -e -o pid=,comm=; grep NSpid /proc/self/status");
            assertEquals(0, r.exit(), r.toString());
            assertTrue(r.stdout().contains("1 sh"), r.toString());
            assertTrue(r.stdout().contains("NSpid:"), r.toString());
        }
    }

    @Test
    void killedCommandInTheNamespaceReportsTheSignal() throws Exception {
        GovernedHarness h = harness(GovernedHarness.defaultPlan().withPidNamespace(true));
        // A child of init kills itself: init (sh) reports 128+9 like any shell.
        var r = h.run(Map.of(), tmp, "/bin/sh", "-c", "sh -c 'kill -9 $$'; echo child=$?");
        assertEquals("child=137\n", r.stdout(), r.toString());
    }
}
