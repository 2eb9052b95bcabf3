package io.agentsh.core.ns;

import static org.junit.jupiter.api.Assertions.*;

import io.agentsh.core.ns.SessionMountNamespace.Mask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real mount namespaces (run as root): the runtime directory becomes a private bind mount, a
 * session namespace is pinned by its nsfs file, masks and binds are visible only inside, release
 * and stale cleanup detach it. Processes join with {@code nsenter --mount=} here; the exec
 * wrapper's SETNS item is tested in {@code SessionNamespaceJoinTest}.
 */
class MountNamespacesTest {
    @TempDir Path tmp;

    private static Result inside(Path ns, String... cmd) throws Exception {
        List<String> argv = new ArrayList<>(List.of("/usr/bin/nsenter", "--mount=" + ns, "--"));
        argv.addAll(List.of(cmd));
        // capsh would be the clean way to drop DAC override; setpriv is in util-linux like nsenter.
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return new Result(p.waitFor(), out);
    }

    /** As root without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH, like a governed command whose capabilities are dropped. */
    private static Result insideWithoutDacCaps(Path ns, String... cmd) throws Exception {
        List<String> c = new ArrayList<>(List.of("/usr/bin/setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search", "--"));
        c.addAll(List.of(cmd));
        return inside(ns, c.toArray(new String[0]));
    }

    record Result(int exit, String out) {}

    @Test
    void sessionNamespaceLivesMasksAndReleases() throws Exception {
        Path secretDir = Files.createDirectories(tmp.resolve("home/.ssh"));
        Files.writeString(secretDir.resolve("id_rsa"), "KEY");
        Path secretFile = Files.writeString(tmp.resolve("shadow"), "HASH");
        Path open = Files.writeString(tmp.resolve("hostname"), "box");
        Path view = Files.createDirectories(tmp.resolve("view"));
        Path viewSrc = Files.createDirectories(tmp.resolve("view-src"));
        Files.writeString(viewSrc.resolve("inside-only"), "x");

        try (MountNamespaces all = MountNamespaces.open(tmp.resolve("run/ns"))) {
            assertTrue(MountTable.isMountPoint(all.directory()), "the ns directory is a bind mount of itself");
            assertTrue(mountinfoLine(all.directory()).contains(" - ") && !mountinfoLine(all.directory()).contains("shared:"),
                    "the ns directory is private: " + mountinfoLine(all.directory()));
            SessionMountNamespace ns = all.create("sess-1");
            assertTrue(Files.exists(ns.path()));
            assertTrue(MountTable.isMountPoint(ns.path()), "the nsfs file is bind-mounted");
            assertSame(ns, all.find("sess-1"));

            assertTrue(ns.mask(secretDir, Mask.DIR_NO_ACCESS));
            assertTrue(ns.mask(secretFile, Mask.FILE_NO_ACCESS));
            assertFalse(ns.mask(tmp.resolve("not-there"), Mask.DIR_NO_ACCESS), "nothing to cover");
            assertThrows(java.io.IOException.class, () -> ns.mask(open, Mask.DIR_NO_ACCESS), "a dir mask over a file");
            ns.bind(viewSrc, view, true);

            Result key = insideWithoutDacCaps(ns.path(), "/bin/cat", secretDir.resolve("id_rsa").toString());
            assertNotEquals(0, key.exit());
            assertTrue(key.out().contains("Permission denied"), key.out());
            Result hash = insideWithoutDacCaps(ns.path(), "/bin/cat", secretFile.toString());
            assertNotEquals(0, hash.exit());
            assertTrue(hash.out().contains("Permission denied"), hash.out());
            Result ok = insideWithoutDacCaps(ns.path(), "/bin/cat", open.toString());
            assertEquals(new Result(0, "box"), ok);
            assertEquals(0, inside(ns.path(), "/bin/test", "-f", view.resolve("inside-only").toString()).exit());
            assertNotEquals(0, inside(ns.path(), "/bin/touch", view.resolve("new").toString()).exit(), "read-only bind");
            Result chmod = inside(ns.path(), "/bin/chmod", "755", secretDir.toString());
            assertNotEquals(0, chmod.exit(), "a mask is a read-only mount: " + chmod.out());

            // Outside, nothing changed.
            assertEquals("KEY", Files.readString(secretDir.resolve("id_rsa")));
            assertEquals("HASH", Files.readString(secretFile));
            assertFalse(Files.exists(view.resolve("inside-only")));

            ns.close();
            assertFalse(Files.exists(ns.path()));
            assertNull(all.find("sess-1"));
            assertThrows(java.io.IOException.class, () -> ns.mask(secretDir, Mask.DIR_NO_ACCESS));
        }
        assertFalse(MountTable.isMountPoint(tmp.resolve("run/ns")), "the directory's bind mount is gone at close");
    }

    @Test
    void aNewDaemonReleasesStaleNamespaces() throws Exception {
        Path dir = tmp.resolve("run/ns");
        MountNamespaces crashed = MountNamespaces.open(dir);
        SessionMountNamespace left = crashed.create("old-session");
        assertTrue(MountTable.isMountPoint(left.path()));
        // A new daemon on the same directory (the old one "crashed" without closing).
        try (MountNamespaces fresh = MountNamespaces.open(dir)) {
            assertFalse(Files.exists(left.path()), "stale namespace file removed");
            assertFalse(MountTable.isMountPoint(left.path()));
            SessionMountNamespace again = fresh.create("old-session");
            assertTrue(MountTable.isMountPoint(again.path()));
        }
        assertFalse(MountTable.isMountPoint(dir));
    }

    @Test
    void badSessionIdsAreRefused() throws Exception {
        try (MountNamespaces all = MountNamespaces.open(tmp.resolve("ns"))) {
            assertThrows(IllegalArgumentException.class, () -> all.create("../x"));
            assertThrows(IllegalArgumentException.class, () -> all.create(".mask-dir"));
            all.create("a");
            assertThrows(java.io.IOException.class, () -> all.create("a"));
        }
    }

    private static String mountinfoLine(Path p) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            if (l.split(" ")[4].equals(p.toString())) return l;
        }
        return "";
    }
}
