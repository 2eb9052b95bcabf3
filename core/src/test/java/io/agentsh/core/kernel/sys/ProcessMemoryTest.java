package io.agentsh.core.kernel.sys;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Strings read out of a process's memory (our own: process_vm_readv works on oneself). */
class ProcessMemoryTest {
    private static final int SYS_MMAP = 9, SYS_MUNMAP = 11, PAGE = 4096;
    private static final int PID = (int) ProcessHandle.current().pid();
    private final ProcessMemory memory = new ProcessMemory();
    private long base;

    @BeforeEach
    void mapTwoPagesThenUnmapTheSecond() {
        base = LinuxSyscalls.call(SYS_MMAP, 0, 2 * PAGE, 3, 0x22 /* MAP_PRIVATE|MAP_ANONYMOUS */, -1, 0);
        assertTrue(base > 0);
        assertEquals(0, LinuxSyscalls.call(SYS_MUNMAP, base + PAGE, PAGE, 0));
    }

    @AfterEach
    void unmap() {
        LinuxSyscalls.call(SYS_MUNMAP, base, PAGE, 0);
    }

    private long put(long at, String s, boolean terminate) {
        Pointer p = jnr.ffi.Pointer.wrap(LinuxSyscalls.runtime(), at);
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.put(0, b, 0, b.length);
        if (terminate) p.putByte(b.length, (byte) 0);
        return at;
    }

    @Test
    void shortLongAndPageEndingStrings() {
        assertEquals("/tmp/f1", memory.readString(PID, put(base, "/tmp/f1", true)));
        String longer = "x".repeat(1000);
        assertEquals(longer, memory.readString(PID, put(base + 8, longer, true)), "over the first 256-byte read");
        String atEnd = "/ends/at/the/page/boundary";
        long at = base + PAGE - atEnd.length() - 1;
        assertEquals(atEnd, memory.readString(PID, put(at, atEnd, true)), "a string just before an unmapped page");
        assertEquals("", memory.readString(PID, put(base + 100, "", true)));
    }

    @Test
    void unterminatedBeforeAnUnmappedPageIsNull() {
        String s = "y".repeat(300);
        assertNull(memory.readString(PID, put(base + PAGE - s.length(), s, false)));
        assertNull(memory.readString(PID, 0));
    }

    @Test
    void utf8() {
        assertEquals("/tmp/ünïcødé", memory.readString(PID, put(base, "/tmp/ünïcødé", true)));
    }
}
