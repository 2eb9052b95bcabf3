package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReusedThreadsTest {
    @Test
    void aTaskRunsUnderItsNameOnAPlatformThreadThatIsReusedAfterwards() throws Exception {
        var first = new CompletableFuture<Thread>();
        var name = new CompletableFuture<String>();
        ReusedThreads.start(Supervisor.LOOP_THREAD_PREFIX + "42", () -> {
            name.complete(Thread.currentThread().getName());
            first.complete(Thread.currentThread());
        });
        Thread t = first.get(5, TimeUnit.SECONDS);
        assertEquals(Supervisor.LOOP_THREAD_PREFIX + "42", name.get());
        assertFalse(t.isVirtual(), "the loop blocks in poll(2) through JNR: it must not pin a carrier");
        assertTrue(t.isDaemon());
        // Once the task has ended the thread is idle under a name SlowPath does not take for a loop.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!t.getName().equals("agentsh-kernel-idle") && System.nanoTime() < deadline) Thread.sleep(1);
        assertEquals("agentsh-kernel-idle", t.getName());
        Thread.sleep(20); // let it return to the pool's queue
        var second = new CompletableFuture<Thread>();
        var blocking = new CompletableFuture<Boolean>();
        ReusedThreads.start("agentsh-arm-test", () -> {
            blocking.complete(SlowPath.blockingAllowed());
            second.complete(Thread.currentThread());
        });
        assertEquals(t, second.get(5, TimeUnit.SECONDS), "the idle thread serves the next task");
        assertTrue(blocking.get(), "a reused thread that is not a loop any more may block");
    }
}
