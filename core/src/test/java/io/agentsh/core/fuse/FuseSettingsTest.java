package io.agentsh.core.fuse;

import static org.junit.jupiter.api.Assertions.*;

import io.agentsh.core.trash.TrashSettings;
import io.agentsh.policy.ServerConfig;
import io.agentsh.policy.ServerConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FuseSettingsTest {
    @Test void exeDevConfigTurnsOnDeferredSoftDelete() throws Exception {
        ServerConfig c = ServerConfigLoader.load(RealPolicyViewTest.compat("exe.dev/config.yaml")).config();
        FuseSettings f = FuseSettings.from(c);
        assertTrue(f.enabled());
        assertTrue(f.deferred());
        assertEquals(AuditMode.SOFT_DELETE, f.auditMode());
        assertEquals(c.sessionsBaseDir(), f.mountBaseDir());
        assertEquals(Path.of("/tmp/.agentsh-fuse-enabled"), f.deferredMarkerFile());
        assertEquals(java.util.List.of("/bin/chmod", "666", "/dev/fuse"), f.deferredEnableCommand());
        TrashSettings t = TrashSettings.from(c);
        assertEquals(Duration.ofDays(7), t.ttl());
        assertEquals(5_000_000_000L, t.quotaBytes());
        assertEquals(c.dataDir().resolve("trash"), t.resolve(Path.of("/w")), "unset trash_path: one store under the data dir");
    }

    @Test void deferredEnableCommandRunsOnlyWithTheMarker() throws Exception {
        Path dir = java.nio.file.Files.createTempDirectory("agentsh-deferred");
        try {
            Path marker = dir.resolve("marker");
            Path ran = dir.resolve("ran");
            boolean[] usable = {false};
            int[] mounts = {0};
            DeferredMount.Mounter m = () -> { mounts[0]++; return null; };
            java.util.List<String> cmd = java.util.List.of("/bin/sh", "-c", "touch " + ran);
            DeferredMount noMarker = new DeferredMount(m, () -> usable[0] || java.nio.file.Files.exists(ran), marker, cmd);
            java.io.IOException e = assertThrows(java.io.IOException.class, noMarker::get);
            assertTrue(e.getMessage().contains("marker file"), e.getMessage());
            assertFalse(java.nio.file.Files.exists(ran));
            java.nio.file.Files.createFile(marker);
            DeferredMount withMarker = new DeferredMount(m, () -> usable[0] || java.nio.file.Files.exists(ran), marker, cmd);
            withMarker.get();
            assertTrue(java.nio.file.Files.exists(ran), "enable command ran");
            assertEquals(1, mounts[0]);
        } finally {
            try (var s = java.nio.file.Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test void trashPathResolution() throws Exception {
        ServerConfig rel = ServerConfigLoader.parse("t.yaml", "sandbox:\n  fuse:\n    audit:\n      trash_path: .agentsh_trash\n      ttl: 12h\n      quota: 1GiB\n", k -> null).config();
        TrashSettings t = TrashSettings.from(rel);
        assertEquals(Path.of("/w/.agentsh_trash"), t.resolve(Path.of("/w")), "relative: joined to the workspace, as the reference");
        assertEquals(Duration.ofHours(12), t.ttl());
        assertEquals(1L << 30, t.quotaBytes());
        ServerConfig abs = ServerConfigLoader.parse("t.yaml", "sandbox:\n  fuse:\n    audit:\n      trash_path: /srv/trash\n", k -> null).config();
        assertEquals(Path.of("/srv/trash"), TrashSettings.from(abs).resolve(Path.of("/w")));
        assertThrows(IllegalArgumentException.class, () -> AuditMode.parse("shred"));
    }
}
