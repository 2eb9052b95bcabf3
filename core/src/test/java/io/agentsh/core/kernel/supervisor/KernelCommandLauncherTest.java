package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.*;

import io.agentsh.core.exec.LaunchPlan;
import io.agentsh.core.exec.LaunchRequest;
import io.agentsh.core.exec.ProcessRunner;
import io.agentsh.core.exec.RunResult;
import io.agentsh.policy.Engine;
import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.PolicyLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The daemon's exec path (ProcessRunner + CommandLauncher seam) with kernel enforcement. */
class KernelCommandLauncherTest {
    @TempDir Path project;

    @Test
    void theDaemonsRunnerRunsGovernedCommands() throws Exception {
        Engine engine = Engine.compile(PolicyLoader.load(ExeDevPolicyTest.compat().resolve("exe.dev/default.yaml")),
                EngineOptions.builder().variable("HOME", "/root").variable("PROJECT_ROOT", project.toString()).environment(k -> null).build());
        var k = new KernelCommandLauncher.SessionKernel(new EngineKernelPolicy(engine), GovernedHarness.defaultPlan(), SupervisorOptions.DEFAULT);
        KernelCommandLauncher launcher = new KernelCommandLauncher(GovernedHarness.WRAPPER, project.resolve(".run"),
                EnforcementEvents.NONE, sid -> "s1".equals(sid) ? k : null, null);
        ProcessRunner runner = new ProcessRunner(1 << 20);
        Map<String, String> env = Map.of("PATH", "/usr/bin:/bin", "HOME", "/root");

        LaunchPlan ok = launcher.plan(new LaunchRequest("s1", "c1", "/bin/sh", "sh", List.of("-c", "echo hi; echo $$ > /dev/null"), null, env, project));
        RunResult r = runner.run(ok, "", Duration.ofSeconds(30), ProcessRunner.OutputListener.NONE, pid -> { });
        assertEquals(0, r.exitCode(), new String(r.stderr(), StandardCharsets.UTF_8));
        assertEquals("hi\n", new String(r.stdout(), StandardCharsets.UTF_8));

        LaunchPlan denied = launcher.plan(new LaunchRequest("s1", "c2", "/bin/sh", "sh", List.of("-c", "env sudo whoami"), null, env, project));
        RunResult d = runner.run(denied, "", Duration.ofSeconds(30), ProcessRunner.OutputListener.NONE, pid -> { });
        assertEquals(126, d.exitCode());
        assertTrue(new String(d.stderr(), StandardCharsets.UTF_8).contains("Permission denied"));

        assertThrows(io.agentsh.core.exec.CommandLauncher.LaunchException.class,
                () -> launcher.plan(new LaunchRequest("nope", "c3", "/bin/true", "true", List.of(), null, env, project)));
    }
}
