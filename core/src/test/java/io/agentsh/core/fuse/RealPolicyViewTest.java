package io.agentsh.core.fuse;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentsh.core.trash.SoftDeleter;
import io.agentsh.core.trash.TrashEntry;
import io.agentsh.core.trash.TrashStore;
import io.agentsh.policy.Engine;
import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.PolicyLoader;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The view driven by a real shipped policy (compat agent-sandbox.yaml, soft-delete-workspace). */
class RealPolicyViewTest {
    @TempDir Path tmp;

    static Path compat(String rel) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("shared/compat");
            if (Files.isDirectory(c)) return c.resolve(rel);
        }
        Path c = Path.of("/work/shared/compat");
        assumeTrue(Files.isDirectory(c), "shared/compat not found");
        return c.resolve(rel);
    }

    @Test void agentSandboxPolicySoftDeletesInTheWorkspace() throws Exception {
        assumeTrue(WorkspaceMounts.fuseAvailable(), "needs /dev/fuse");
        // Not under /tmp: the policy's allow-tmp rule would allow everything there.
        Path ws = Files.createTempDirectory(Path.of("/dev/shm"), "agentsh-project").toRealPath();
        Engine engine = Engine.compile(PolicyLoader.load(compat("reference-policies/agent-sandbox.yaml")),
                EngineOptions.builder().variable("PROJECT_ROOT", ws.toString()).skipUndefinedVariables(true).build());
        try (TrashStore store = TrashStore.open(tmp.resolve("trash"));
             WorkspaceMounts mounts = new WorkspaceMounts(tmp.resolve("sessions"))) {
            WorkspaceMount view = mounts.mount("s-real", ws, new WorkspaceMounts.ViewSpec(FilePolicy.of(() -> engine),
                    AuditMode.MONITOR, new SoftDeleter(store, null), null));
            Path f = view.mountPoint().resolve("main.py");
            Files.writeString(f, "print('hi')\n");
            Files.delete(f);
            assertFalse(Files.exists(ws.resolve("main.py")));
            List<TrashEntry> l = store.list(null);
            assertEquals(1, l.size());
            assertEquals("soft-delete-workspace", l.get(0).rule());
            assertEquals(ws.resolve("main.py").toString(), l.get(0).originalPath());
            // The same policy has no rule allowing symlinks in the workspace: default-deny-files -> EACCES.
            assertThrows(AccessDeniedException.class,
                    () -> Files.createSymbolicLink(view.mountPoint().resolve("ln"), Path.of("main.py")));
            assertFalse(Files.exists(ws.resolve("ln"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        } finally {
            try (var s = Files.walk(ws)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
