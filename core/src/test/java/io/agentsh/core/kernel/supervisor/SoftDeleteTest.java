package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentsh.policy.Engine;
import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** exe.dev's soft-delete-workspace through the supervisor: deletes land in the workspace trash. */
class SoftDeleteTest {
    @TempDir Path project;

    @Test
    void deletesInTheWorkspaceGoToTheTrash() throws Exception {
        Engine engine = Engine.compile(PolicyLoader.load(ExeDevPolicyTest.compat().resolve("exe.dev/default.yaml")),
                EngineOptions.builder().variable("HOME", "/root").variable("PROJECT_ROOT", project.toString()).environment(k -> null).build());
        Path ws = Files.createDirectories(project.resolve("ws"));
        Files.writeString(ws.resolve("notes.txt"), "keep me\n");
        Files.createDirectories(ws.resolve("full"));
        Files.writeString(ws.resolve("full/x"), "x");
        Files.createDirectories(ws.resolve("empty"));
        GovernedHarness h = new GovernedHarness(new EngineKernelPolicy(engine), project.resolve(".run"), GovernedHarness.defaultPlan(),
                SupervisorOptions.DEFAULT.withTrash(new WorkspaceTrash(ws, ".agentsh_trash")));
        var r = h.run(Map.of("W", ws.toString()), ws, "/bin/sh", "-c",
                "rm $W/notes.txt; echo rm=$?; rmdir $W/full; echo full=$?; rmdir $W/empty; echo empty=$?; ls $W");
        assertTrue(r.stdout().contains("rm=0"), r.toString());
        assertTrue(r.stdout().contains("empty=0"), r.toString());
        assertFalse(r.stdout().contains("full=0"), "rmdir of a non-empty directory must fail: " + r);
        assertFalse(Files.exists(ws.resolve("notes.txt")));
        assertTrue(Files.exists(ws.resolve("full/x")));
        Path payload = ws.resolve(".agentsh_trash/payload");
        List<Path> diverted = Files.list(payload).toList();
        assertEquals(2, diverted.size(), diverted.toString());
        Path file = diverted.stream().filter(Files::isRegularFile).findFirst().orElseThrow();
        assertEquals("keep me\n", Files.readString(file));
        Path manifest = ws.resolve(".agentsh_trash/manifest/" + file.getFileName() + ".json");
        for (int i = 0; i < 50 && !Files.exists(manifest); i++) Thread.sleep(20);
        var m = new ObjectMapper().readTree(manifest.toFile());
        assertEquals(ws.resolve("notes.txt").toString(), m.get("original_path").asText());
        assertEquals("sha256", m.get("hash_algo").asText());
    }
}
