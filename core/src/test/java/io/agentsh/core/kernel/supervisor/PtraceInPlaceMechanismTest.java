package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every ptrace mechanism check again with the wrapper started as a grandchild, as the shim's
 * exec in place starts it: its parent is not the daemon, so it is traced in place, with no relay
 * fork (the command is the wrapper's own process).
 */
class PtraceInPlaceMechanismTest extends PtraceMechanismTest {
    @Override
    @BeforeEach
    void setUp() throws Exception {
        super.setUp();
        h.grandchild = true;
    }

    @Test
    void theCommandIsTheWrappersOwnProcess() throws Exception {
        // The shell that forked the wrapper is the command's parent: no relay in between.
        var r = h.run(Map.of(), work, "/bin/sh", "-c", "cat /proc/$PPID/comm");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("sh\n", r.stdout(), "the parent is the launching shell, not a relay: " + r);
        assertTrue(h.failures.isEmpty(), h.failures.toString());
    }
}
