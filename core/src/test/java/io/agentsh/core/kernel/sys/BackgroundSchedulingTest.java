package io.agentsh.core.kernel.sys;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BackgroundSchedulingTest {
    @Test
    void theCallingThreadAloneBecomesIdleScheduled() throws Exception {
        AtomicReference<String> applied = new AtomicReference<>();
        AtomicLong policy = new AtomicLong(-1);
        Thread t = Thread.ofPlatform().start(() -> {
            applied.set(BackgroundScheduling.applyToCurrentThread());
            policy.set(BackgroundScheduling.currentPolicy());
        });
        t.join();
        // Lowering one's own policy needs no privilege on Linux: SCHED_IDLE is always granted.
        assertEquals("idle", applied.get());
        assertEquals(BackgroundScheduling.idlePolicy(), policy.get());
        // Per thread, not per process: the test's own thread keeps SCHED_OTHER (0).
        assertEquals(0, BackgroundScheduling.currentPolicy());
    }
}
