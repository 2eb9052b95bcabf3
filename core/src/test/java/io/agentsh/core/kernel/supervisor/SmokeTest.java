package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SmokeTest {
    @TempDir Path tmp;

    @Test
    void runsAndDenies() throws Exception {
        Path denied = Files.createDirectories(tmp.resolve("denied"));
        KernelPolicy p = new KernelPolicy() {
            @Override public KernelVerdict checkFile(String path, FileAccess op) {
                if (path.startsWith(denied.toString()) && op.mutates()) return KernelVerdict.deny("deny-test", "");
                return KernelVerdict.ALLOW;
            }
            @Override public KernelVerdict checkExecve(String f, List<String> argv, int depth) {
                return f.endsWith("/sudo") ? KernelVerdict.deny("block-sudo", "") : KernelVerdict.ALLOW;
            }
        };
        GovernedHarness h = new GovernedHarness(p, tmp.resolve("run"), GovernedHarness.defaultPlan());
        var r = h.run(Map.of(), tmp, "/bin/sh", "-c", "echo hello; echo x > " + tmp + "/ok; echo y > " + denied + "/f; env sudo whoami; echo done");
        System.out.println(r + " denials=" + h.denials + " failures=" + h.failures);
        assertTrue(r.stdout().contains("hello"));
        assertTrue(Files.exists(tmp.resolve("ok")));
        assertFalse(Files.exists(denied.resolve("f")));
    }
}
