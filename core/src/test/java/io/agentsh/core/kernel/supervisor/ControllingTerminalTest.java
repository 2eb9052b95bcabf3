package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ControllingTerminalTest {
    private static int encode(int major, int minor) { // the kernel's new_encode_dev
        return (minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12);
    }

    @Test
    void decodesPseudoTerminalsAcrossTheirMajors() {
        assertEquals("dev/pts/3", ControllingTerminal.pathOf(encode(136, 3)));
        assertEquals("dev/pts/300", ControllingTerminal.pathOf(encode(137, 44)));
        assertEquals("dev/pts/70000", ControllingTerminal.pathOf(encode(136, 70000))); // 20-bit minors: one major
    }

    @Test
    void decodesVirtualAndSerialConsoles() {
        assertEquals("dev/tty2", ControllingTerminal.pathOf(encode(4, 2)));
        assertEquals("dev/ttyS0", ControllingTerminal.pathOf(encode(4, 64)));
    }

    @Test
    void noTerminalOrAnUnknownOneIsNull() {
        assertNull(ControllingTerminal.pathOf(0));
        assertNull(ControllingTerminal.pathOf(encode(5, 1))); // /dev/console: not named here
    }
}
