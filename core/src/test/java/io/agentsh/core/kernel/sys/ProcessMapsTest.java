package io.agentsh.core.kernel.sys;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ProcessMapsTest {
    private static final int SYS_MMAP = 9, SYS_MUNMAP = 11;
    private static final int PROT_RW = 3, MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20;
    private static final int PID = (int) ProcessHandle.current().pid();

    @AfterEach
    void queryAgain() {
        ProcessMaps.forceText(false);
    }

    private static long map(int flags) {
        long a = LinuxSyscalls.call(SYS_MMAP, 0, 8192, PROT_RW, flags | MAP_ANONYMOUS, -1, 0);
        assertTrue(a > 0, "mmap failed: " + a);
        return a;
    }

    private void check(ProcessMaps maps) {
        long shared = map(MAP_SHARED), priv = map(MAP_PRIVATE);
        try {
            assertEquals(Boolean.TRUE, maps.anyShared(PID, List.of(shared + 100)));
            assertEquals(Boolean.FALSE, maps.anyShared(PID, List.of(priv, priv + 4000, priv + 8191)));
            assertEquals(Boolean.TRUE, maps.anyShared(PID, List.of(priv, shared + 8191)), "the shared one after a private one");
            assertEquals(Boolean.FALSE, maps.anyShared(PID, List.of(8L)), "unmapped is not shared");
        } finally {
            LinuxSyscalls.call(SYS_MUNMAP, shared, 8192, 0);
            LinuxSyscalls.call(SYS_MUNMAP, priv, 8192, 0);
        }
    }

    @Test
    void kernelQuery() {
        ProcessMaps maps = new ProcessMaps();
        check(maps);
        assertFalse(ProcessMaps.queryUnsupportedForTest(), "PROCMAP_QUERY is available on this kernel (6.11+)");
    }

    @Test
    void textFallbackAgrees() {
        ProcessMaps.forceText(true);
        check(new ProcessMaps());
    }

    @Test
    void unreadableMapsIsNull() {
        assertNull(new ProcessMaps().anyShared(Integer.MAX_VALUE - 7, List.of(4096L)));
    }

    @Test
    void textParser() {
        byte[] t = "00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/dbus\n7f00-8000 rw-s 0 0:1 2 /dev/shm/x\n".getBytes();
        assertFalse(ProcessMaps.sharedInText(t, t.length, 0x400100));
        assertTrue(ProcessMaps.sharedInText(t, t.length, 0x7f10));
        assertFalse(ProcessMaps.sharedInText(t, t.length, 0x8000));
    }
}
