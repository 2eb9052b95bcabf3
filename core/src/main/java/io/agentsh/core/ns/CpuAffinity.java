package io.agentsh.core.ns;

import io.agentsh.core.kernel.sys.LinuxSyscalls;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import jnr.ffi.Pointer;

/** sched_getaffinity / sched_setaffinity for the calling thread (see {@link MountNamespaces#create} for why). */
final class CpuAffinity {
    private static final int SYS_SCHED_SETAFFINITY = 203, SYS_SCHED_GETAFFINITY = 204;
    private static final int MASK_BYTES = 128;   // 1024 CPUs

    private CpuAffinity() {}

    /** -1 (wherever the thread runs), then every CPU this process may run on. */
    static List<Integer> candidates() {
        List<Integer> out = new ArrayList<>();
        out.add(-1);
        Pointer mask = LinuxSyscalls.allocate(MASK_BYTES);
        long n = LinuxSyscalls.call(SYS_SCHED_GETAFFINITY, 0, MASK_BYTES, mask.address());
        if (n <= 0) return out;
        for (int i = 0; i < n * 8; i++) {
            if ((mask.getByte(i / 8) & (1 << (i % 8))) != 0) out.add(i);
        }
        return out;
    }

    static void pinCurrentThread(int cpu) throws IOException {
        Pointer mask = LinuxSyscalls.allocate(MASK_BYTES);
        for (int i = 0; i < MASK_BYTES; i++) mask.putByte(i, (byte) 0);
        mask.putByte(cpu / 8, (byte) (1 << (cpu % 8)));
        long r = LinuxSyscalls.call(SYS_SCHED_SETAFFINITY, 0, MASK_BYTES, mask.address());
        if (r < 0) throw new IOException("sched_setaffinity(cpu " + cpu + "): errno " + (-r));
    }
}
