package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.*;

import io.agentsh.core.trash.SoftDeleter;
import io.agentsh.core.trash.TrashStore;
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
        java.util.List<io.agentsh.core.trash.TrashEntry> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        TrashStore store = TrashStore.open(ws.resolve(".agentsh_trash"));
        GovernedHarness h = new GovernedHarness(new EngineKernelPolicy(engine), project.resolve(".run"), GovernedHarness.defaultPlan(),
                SupervisorOptions.DEFAULT.withSoftDeleter(new SoftDeleter(store, reported::add)));
        var r = h.run(Map.of("W", ws.toString()), ws, "/bin/sh", "-c",
                "rm $W/notes.txt; echo rm=$?; rmdir $W/full; echo full=$?; rmdir $W/empty; echo empty=$?; ls $W");
        assertTrue(r.stdout().contains("rm=0"), r.toString());
        assertTrue(r.stdout().contains("empty=0"), r.toString());
        assertFalse(r.stdout().contains("full=0"), "rmdir of a non-empty directory must fail: " + r);
        assertFalse(Files.exists(ws.resolve("notes.txt")));
        assertTrue(Files.exists(ws.resolve("full/x")));
        var entries = store.list(null);
        assertEquals(2, entries.size(), entries.toString());
        assertEquals(2, reported.size());
        var file = entries.stream().filter(e -> e.originalPath().equals(ws.resolve("notes.txt").toString())).findFirst().orElseThrow();
        assertEquals("keep me\n", Files.readString(Path.of(file.trashPath())));
        assertEquals("soft-delete-workspace", file.rule());
        assertEquals("sha256", file.hashAlgo());
        assertTrue(entries.stream().anyMatch(e -> e.originalPath().equals(ws.resolve("empty").toString())), entries.toString());
        store.restore(file.token(), null, false);
        assertEquals("keep me\n", Files.readString(ws.resolve("notes.txt")));
    }

    @Test
    void aFileReplacedByRenameGoesToTheTrash() throws Exception {
        Engine engine = Engine.compile(PolicyLoader.load(ExeDevPolicyTest.compat().resolve("exe.dev/default.yaml")),
                EngineOptions.builder().variable("HOME", "/root").variable("PROJECT_ROOT", project.toString()).environment(k -> null).build());
        Path ws = Files.createDirectories(project.resolve("ws"));
        Files.writeString(ws.resolve("target.txt"), "the original\n");
        Files.writeString(ws.resolve("other.txt"), "the other\n");
        Files.createDirectories(ws.resolve("d1"));
        Files.writeString(ws.resolve("d1/x"), "x");
        Files.createDirectories(ws.resolve("d2/full"));
        Files.writeString(ws.resolve("d2/full/y"), "y");
        Files.writeString(ws.resolve("fresh.txt"), "fresh\n");
        TrashStore store = TrashStore.open(ws.resolve(".agentsh_trash"));
        GovernedHarness h = new GovernedHarness(new EngineKernelPolicy(engine), project.resolve(".run"), GovernedHarness.defaultPlan(),
                SupervisorOptions.DEFAULT.withSoftDeleter(new SoftDeleter(store, null)));
        var r = h.run(Map.of("W", ws.toString()), ws, "/bin/sh", "-c",
                "mv $W/other.txt $W/target.txt; echo mv=$?; mv -T $W/d1 $W/d2; echo dir=$?; mv $W/fresh.txt $W/new.txt; echo new=$?");
        assertTrue(r.stdout().contains("mv=0"), r.toString());
        assertFalse(r.stdout().contains("dir=0"), "a rename onto a non-empty directory must fail: " + r);
        assertTrue(r.stdout().contains("new=0"), r.toString());
        assertEquals("the other\n", Files.readString(ws.resolve("target.txt")));
        assertFalse(Files.exists(ws.resolve("other.txt")));
        assertEquals("y", Files.readString(ws.resolve("d2/full/y")), "the failed rename must not touch the directory");
        assertEquals("fresh\n", Files.readString(ws.resolve("new.txt")));
        var entries = store.list(null);
        assertEquals(1, entries.size(), "only the replaced file goes to the trash: " + entries);
        var victim = entries.get(0);
        assertEquals(ws.resolve("target.txt").toString(), victim.originalPath());
        assertEquals("the original\n", Files.readString(Path.of(victim.trashPath())));
        store.restore(victim.token(), ws.resolve("restored.txt"), false);
        assertEquals("the original\n", Files.readString(ws.resolve("restored.txt")));
    }
}
