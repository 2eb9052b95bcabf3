package io.agentsh.core.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The shim path's capability check (CAP_SYS_ADMIN and CAP_SYS_CHROOT in CapEff of /proc/PID/status). */
class CanJoinMountNamespaceTest {
    @Test
    void readsTheCallersEffectiveCapabilities() throws Exception {
        int self = (int) ProcessHandle.current().pid();
        long eff = 0;
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("CapEff:")) eff = Long.parseUnsignedLong(l.substring(7).trim(), 16);
        }
        boolean expected = (eff & (1L << 21)) != 0 && (eff & (1L << 18)) != 0;
        assertEquals(expected, KernelLayer.canJoinMountNamespace(self));
    }

    @Test
    void aProcessThatIsGoneCannot() {
        assertFalse(KernelLayer.canJoinMountNamespace(Integer.MAX_VALUE));
    }
}
