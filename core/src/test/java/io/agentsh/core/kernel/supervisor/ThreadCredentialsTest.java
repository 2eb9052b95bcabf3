package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The supervisor thread takes a tracee's fsuid, fsgid and groups for an emulated operation, and gives them back. */
class ThreadCredentialsTest {
    private static String line(String status, String key) {
        for (String l : status.split("\n")) if (l.startsWith(key + ":")) return l.substring(key.length() + 1).trim();
        return null;
    }

    @Test
    void becomesAnotherUsersIdentityWithItsGroupsAndRestoresItsOwn() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv (util-linux) not installed");
        Process other = new ProcessBuilder("/usr/bin/setpriv", "--reuid=12345", "--regid=12346", "--groups=100,200,300",
                "/bin/sleep", "30").start();
        try {
            // setpriv sets groups, gid and uid before it execs: once the process is sleep, all are in place.
            long deadline = System.currentTimeMillis() + 5000;
            while (!"sleep".equals(line(Files.readString(Path.of("/proc/" + other.pid() + "/status")), "Name"))) {
                if (System.currentTimeMillis() > deadline) fail("setpriv did not exec sleep");
                Thread.sleep(10);
            }
            AtomicReference<String> during = new AtomicReference<>(), after = new AtomicReference<>(), before = new AtomicReference<>();
            AtomicReference<Boolean> became = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    before.set(Files.readString(Path.of("/proc/thread-self/status")));
                    ThreadCredentials c = new ThreadCredentials();
                    TraceeInfo info = new TraceeInfo();
                    info.reset((int) other.pid());
                    became.set(c.become(info));
                    during.set(Files.readString(Path.of("/proc/thread-self/status")));
                    c.restore();
                    after.set(Files.readString(Path.of("/proc/thread-self/status")));
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            t.join();
            assertTrue(became.get());
            assertEquals("12345", line(during.get(), "Uid").split("\\s+")[3], "fsuid");
            assertEquals("12346", line(during.get(), "Gid").split("\\s+")[3], "fsgid");
            assertEquals("100 200 300", line(during.get(), "Groups"));
            assertEquals(line(before.get(), "Uid"), line(after.get(), "Uid"));
            assertEquals(line(before.get(), "Gid"), line(after.get(), "Gid"));
            assertEquals(line(before.get(), "Groups"), line(after.get(), "Groups"));
            assertEquals(line(before.get(), "CapEff"), line(after.get(), "CapEff"));
        } finally {
            other.destroyForcibly().waitFor();
        }
    }
}
