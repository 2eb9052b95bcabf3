package io.agentsh.core.kernel.sys;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PROCMAP_QUERY answers what /proc/PID/maps says about the same addresses (this process's own). */
class ProcMapQueryTest {
    @TempDir Path tmp;

    private static long address(ByteBuffer direct) {
        return jnr.ffi.Pointer.wrap(jnr.ffi.Runtime.getSystemRuntime(), direct).address();
    }

    @Test
    void sharedFileMappingPrivateMemoryAndUnmappedAddresses() throws Exception {
        int pid = (int) ProcessHandle.current().pid();
        Path f = tmp.resolve("shared");
        Files.write(f, new byte[8192]);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer shared = ch.map(FileChannel.MapMode.READ_WRITE, 0, 8192); // MAP_SHARED
            ByteBuffer priv = ByteBuffer.allocateDirect(8192);                           // private anonymous
            long s = address(shared) + 100, p = address(priv) + 100;
            ProcMapQuery q = new ProcMapQuery();
            int onShared = q.shared(pid, new long[] {s}, 1);
            assumeTrue(onShared != ProcMapQuery.UNSUPPORTED, "kernel without PROCMAP_QUERY (before 6.11)");
            assertEquals(ProcMapQuery.SHARED, onShared);
            assertEquals(ProcMapQuery.NOT_SHARED, q.shared(pid, new long[] {p}, 1));
            assertEquals(ProcMapQuery.NOT_SHARED, q.shared(pid, new long[] {0x1000L}, 1), "unmapped: not shared");
            assertEquals(ProcMapQuery.SHARED, q.shared(pid, new long[] {p, 0x1000L, s}, 3), "any address in shared memory");
            assertEquals(ProcMapQuery.NOT_SHARED, q.shared(pid, new long[] {p, s}, 1), "only the first count addresses");
            assertEquals(ProcMapQuery.FAILED, q.shared(Integer.MAX_VALUE - 1, new long[] {p}, 1), "no such process");
            // The same answer the map itself gives.
            assertTrue(mapSays(pid, s) && !mapSays(pid, p));
            shared.put(0, (byte) 1); // keep the mapping reachable until here
            priv.put(0, (byte) 1);
        }
    }

    private static boolean mapSays(int pid, long addr) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/maps"))) {
            int dash = line.indexOf('-'), sp = line.indexOf(' ');
            long lo = Long.parseUnsignedLong(line.substring(0, dash), 16), hi = Long.parseUnsignedLong(line.substring(dash + 1, sp), 16);
            if (Long.compareUnsigned(addr, lo) >= 0 && Long.compareUnsigned(addr, hi) < 0) return line.charAt(sp + 4) == 's';
        }
        return false;
    }
}
