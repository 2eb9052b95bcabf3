package io.agentsh.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupPoolTest {
    @TempDir Path tmp;
    private FakeCgroupFs fs;
    private V2Backend backend;
    private ScheduledExecutorService bg;
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final CgroupLimits limits = new CgroupLimits(64 * CgroupLimits.MB, 0, 50, 100, 0, 0, null);

    @BeforeEach
    void setUp() {
        fs = FakeCgroupFs.v2();
        backend = new V2Backend(fs, tmp, Set.of("memory", "cpu", "pids", "io"));
        bg = Executors.newSingleThreadScheduledExecutor();
    }

    @AfterEach
    void tearDown() {
        bg.shutdownNow();
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    private long cgroupDirs() throws Exception {
        try (var s = Files.list(tmp)) {
            return s.filter(Files::isDirectory).count();
        }
    }

    @Test
    void commandsTakeReadyCgroupsWithLimitsWrittenAndNeverShareOne() throws Exception {
        CgroupPool pool = new CgroupPool(backend, 3, now::get, bg);
        Set<String> names = new HashSet<>();
        CgroupPool.Taken first = pool.take(limits); // nothing ready yet: made now, the shelf fills behind it
        names.add(first.name());
        await(() -> pool.ready(limits) == 3, "the shelf to fill");
        for (int i = 0; i < 5; i++) {
            CgroupPool.Taken t = pool.take(limits);
            assertTrue(names.add(t.name()), "a cgroup handed out twice: " + t.name());
            Path dir = tmp.resolve(t.name());
            assertEquals("67108864", Files.readString(dir.resolve("memory.max")), "limits written before the take");
            assertEquals("100", Files.readString(dir.resolve("pids.max")));
            assertEquals("50000 100000", Files.readString(dir.resolve("cpu.max")));
            assertEquals("0", Files.readString(dir.resolve("memory.swap.max")));
        }
        assertTrue(names.stream().allMatch(n -> n.startsWith(CommandCgroups.PREFIX)), "the sweep's prefix: " + names);
        pool.close();
    }

    @Test
    void finishReadsTheUsageAtOnceAndRemovesTheDirectoryInTheBackground() throws Exception {
        CgroupPool pool = new CgroupPool(backend, 1, now::get, bg);
        CgroupPool.Taken t = pool.take(limits);
        await(() -> pool.ready(limits) == 1, "the shelf to fill");
        Path dir = tmp.resolve(t.name());
        Files.writeString(dir.resolve("memory.peak"), "123456");
        CountDownLatch hold = new CountDownLatch(1);
        bg.execute(() -> {
            try {
                hold.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        CgroupUsage u = t.finish(); // the background thread is busy: finish must not wait for it
        assertEquals(123456, u.memoryPeakBytes());
        assertTrue(Files.isDirectory(dir), "removed on the caller's thread");
        hold.countDown();
        await(() -> !Files.exists(dir), "the directory to be removed");
        assertEquals(u, t.finish(), "idempotent");
        pool.close();
    }

    @Test
    void oldEntriesAreReplacedNotHandedOutAndCloseRemovesTheReadyOnes() throws Exception {
        CgroupPool pool = new CgroupPool(backend, 2, now::get, bg);
        String first = pool.take(limits).name();
        await(() -> pool.ready(limits) == 2, "the shelf to fill");
        Set<String> stocked = new HashSet<>();
        try (var s = Files.list(tmp)) {
            s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(first)).forEach(stocked::add);
        }
        assertEquals(2, stocked.size());
        now.addAndGet(CgroupPool.MAX_AGE_NANOS + 1);
        String taken = pool.take(limits).name();
        assertFalse(stocked.contains(taken), "an entry older than another daemon's sweep allows was handed out");
        await(() -> stocked.stream().noneMatch(n -> Files.exists(tmp.resolve(n))), "old entries to be removed");
        await(() -> pool.ready(limits) == 2, "the shelf to fill again");
        pool.close();
        assertEquals(2, cgroupDirs(), "close removes the ready cgroups, not the taken ones");
    }

    /** Descriptors of this JVM that point at a file under {@code dir}. */
    private static long openUnder(Path dir) throws Exception {
        long n = 0;
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (Files.readSymbolicLink(fd).startsWith(dir)) n++;
                } catch (java.io.IOException gone) {
                    // closed meanwhile (the listing's own descriptor)
                }
            }
        }
        return n;
    }

    @Test
    void v1PooledCgroupsComeWithTheirTasksFilesOpenAndUntakenOnesAreClosed() throws Exception {
        FakeCgroupFs v1 = new FakeCgroupFs(List.of("cgroup.procs=", "tasks=", "pids.max=max"));
        Path pids = Files.createDirectories(tmp.resolve("v1/pids"));
        V1Backend b = new V1Backend(v1, java.util.Map.of("pids", pids));
        CgroupLimits l = new CgroupLimits(0, 0, 0, 10, 0, 0, null);
        CgroupPool pool = new CgroupPool(b, 1, now::get, bg);
        CgroupPool.Taken made = pool.take(l);
        assertNull(made.takeSelfJoinDescriptors(), "made on the command's path: nothing opened ahead");
        await(() -> pool.ready(l) == 1, "the shelf to fill");
        CgroupPool.Taken pooled = pool.take(l);
        int[] fds = pooled.takeSelfJoinDescriptors();
        assertNotNull(fds, "a stocked v1 cgroup has its tasks file open");
        assertEquals(pooled.selfJoinFiles().size(), fds.length);
        assertEquals(pooled.selfJoinFiles().getFirst(), Files.readSymbolicLink(Path.of("/proc/self/fd/" + fds[0])));
        assertNull(pooled.takeSelfJoinDescriptors(), "given out once");
        for (int fd : fds) io.agentsh.core.kernel.sys.LinuxSyscalls.close(fd);
        await(() -> pool.ready(l) == 1, "the shelf to fill again");
        assertEquals(1, openUnder(pids), "the stocked one holds its descriptor");
        pool.close();
        assertEquals(0, openUnder(pids), "removing an untaken cgroup closes its descriptors");
        made.finish();
        pooled.finish();
    }

    @Test
    void v1CommandsMoveThemselvesInAndAProcessThatDidNotIsRefused() throws Exception {
        FakeCgroupFs v1 = new FakeCgroupFs(List.of("cgroup.procs=", "tasks=", "pids.max=max"));
        Path pids = Files.createDirectories(tmp.resolve("v1/pids"));
        V1Backend b = new V1Backend(v1, java.util.Map.of("pids", pids));
        CommandCgroup cg = b.create("agentsh-pool-1-1", new CgroupLimits(0, 0, 0, 10, 0, 0, null));
        assertEquals(List.of(pids.resolve("agentsh-pool-1-1/tasks")), cg.selfJoinFiles(), "the wrapper writes 0 to tasks");
        // This JVM is not in that cgroup: a peer that skipped the write must not be armed.
        var e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> cg.verifyJoined(ProcessHandle.current().pid()));
        assertTrue(e.getMessage().contains("0 of the 1 hierarchies"), e.getMessage());
        cg.finish();
        assertFalse(Files.exists(pids.resolve("agentsh-pool-1-1")));
    }

    @Test
    void differentLimitsGetDifferentShelvesAndIdleShelvesAreEmptied() throws Exception {
        CgroupPool pool = new CgroupPool(backend, 1, now::get, bg);
        CgroupLimits other = new CgroupLimits(0, 0, 0, 10, 0, 0, null);
        CgroupPool.Taken a = pool.take(limits), b = pool.take(other);
        assertNotEquals(a.name(), b.name());
        assertEquals("10", Files.readString(tmp.resolve(b.name()).resolve("pids.max")));
        assertEquals("max", Files.readString(tmp.resolve(b.name()).resolve("memory.max")));
        await(() -> pool.ready(limits) == 1 && pool.ready(other) == 1, "both shelves to fill");
        now.addAndGet(CgroupPool.IDLE_NANOS + 1);
        bg.submit(pool::maintain).get();
        assertEquals(0, pool.ready(limits));
        assertEquals(0, pool.ready(other));
        assertEquals(2, cgroupDirs(), "only the two taken cgroups remain");
        pool.close();
    }
}
