package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.*;

import io.agentsh.policy.Engine;
import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An approval (exe.dev: approve-env-files) waits on a worker thread: while it waits, the rest of
 * the tree keeps running. The gate approves only once another process of the tree has managed
 * to write a file, which it could not if the supervisor loop were blocked.
 */
class ApprovalOffLoopTest {
    @TempDir Path project;

    @Test
    void aPendingApprovalDoesNotStallTheTree() throws Exception {
        Path other = project.resolve("other.txt");
        AtomicReference<String> asked = new AtomicReference<>();
        EngineKernelPolicy.ApprovalGate gate = (verdict, kind, subject) -> {
            asked.set(verdict.rule() + " " + kind + " " + subject);
            for (int i = 0; i < 100; i++) {
                if (Files.exists(other)) return true;
                try { Thread.sleep(50); } catch (InterruptedException e) { return false; }
            }
            return false;
        };
        Engine engine = Engine.compile(PolicyLoader.load(ExeDevPolicyTest.compat().resolve("exe.dev/default.yaml")),
                EngineOptions.builder().variable("HOME", "/root").variable("PROJECT_ROOT", project.toString())
                        .approvalsEnabled(true).environment(k -> null).build());
        Files.writeString(project.resolve(".env"), "K=V\n");
        GovernedHarness h = new GovernedHarness(new EngineKernelPolicy(engine, gate), project.resolve(".run"), GovernedHarness.defaultPlan());
        var r = h.run(Map.of("P", project.toString()), project, "/bin/sh", "-c",
                "cat $P/.env & sleep 0.3; echo written > $P/other.txt; wait");
        assertEquals("approve-env-files file " + project.resolve(".env"), asked.get());
        assertEquals("K=V\n", r.stdout(), r.toString());
        assertEquals("written\n", Files.readString(other));
    }
}
