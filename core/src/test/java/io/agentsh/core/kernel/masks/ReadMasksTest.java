package io.agentsh.core.kernel.masks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentsh.core.ns.MountNamespaces;
import io.agentsh.core.ns.SessionMountNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trigger of the per-command look at a session's read masks (run as root: real mount
 * namespaces). Nothing changed: no refresh. The host replacing a masked file, creating a masked
 * path that was missing, adding a protected entry to a watched directory, or a mask unmounted
 * inside the namespace: the next look refreshes, and the path is covered again.
 */
class ReadMasksTest {
    @TempDir Path tmp;

    private static String readInside(SessionMountNamespace ns, Path p) throws Exception {
        return ns.inside(() -> {
            try {
                return Files.readString(p);
            } catch (java.io.IOException e) {
                return "<" + e.getClass().getSimpleName() + ">";
            }
        });
    }

    /** Refreshes until a look finds nothing new (its own mounts are news once), counting full looks. */
    private static int settle(ReadMasks m) throws Exception {
        int n = 0;
        while (m.refreshIfChanged()) assertTrue(++n < 5, "the masks never settle");
        return n;
    }

    private static void unmountInside(SessionMountNamespace ns, Path p) throws Exception {
        Process u = new ProcessBuilder("/usr/bin/nsenter", "--mount=" + ns.path(), "--", "/bin/umount", "-l", p.toString())
                .redirectErrorStream(true).start();
        String out = new String(u.getInputStream().readAllBytes());
        assertEquals(0, u.waitFor(), "umount inside: " + out);
    }

    @Test
    void aLookBeforeACommandRefreshesOnlyWhenSomethingChanged() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root");
        Path shadow = Files.writeString(tmp.resolve("shadow"), "HASH");
        Path later = tmp.resolve("later/deep/secret");
        Path keys = Files.createDirectories(tmp.resolve("keys"));
        Path open = Files.writeString(tmp.resolve("open"), "OPEN");
        ReadPlan plan = new ReadPlan(true, null, List.of(new ReadPlan.MaskedPath(shadow.toString(), false, false, List.of()),
                new ReadPlan.MaskedPath(later.toString(), false, false, List.of())), List.of(), List.of(), List.of(keys.toString()));
        try (MountNamespaces all = MountNamespaces.open(tmp.resolve("run/ns"))) {
            SessionMountNamespace ns = all.create("s1");
            try (ReadMasks m = ReadMasks.apply(ns, plan, p -> p.startsWith(keys + "/host_"))) {
                assertEquals("", readInside(ns, shadow), "masked from the start");
                settle(m);
                long[] before = m.refreshesAndChecks();
                for (int i = 0; i < 20; i++) assertFalse(m.refreshIfChanged(), "refreshed with nothing changed");
                Files.writeString(open, "OPEN2"); // writes to files that are not masked are no news
                assertFalse(m.refreshIfChanged());
                long[] after = m.refreshesAndChecks();
                assertEquals(before[0], after[0], "full looks");
                assertEquals(before[1] + 21, after[1], "looks");

                // The host replaces the masked file, as passwd does: the mask is detached.
                Files.writeString(tmp.resolve("shadow.new"), "NEWHASH");
                Files.move(tmp.resolve("shadow.new"), shadow, StandardCopyOption.ATOMIC_MOVE);
                assertEquals("NEWHASH", readInside(ns, shadow), "the replacement is uncovered until the next look");
                assertTrue(m.refreshIfChanged());
                assertEquals("", readInside(ns, shadow), "masked again");
                settle(m);

                // A masked path whose parents were missing appears, one directory at a time.
                Files.createDirectories(later.getParent());
                Files.writeString(later, "LATER");
                assertTrue(m.refreshIfChanged());
                assertEquals("", readInside(ns, later));
                settle(m);

                // A protected entry the host adds to a watched directory (a new SSH host key).
                Files.writeString(keys.resolve("host_b"), "KEY-B");
                assertTrue(m.refreshIfChanged());
                assertEquals("", readInside(ns, keys.resolve("host_b")));
                settle(m);

                // A mask taken off inside the namespace: the mount table tells.
                unmountInside(ns, shadow);
                assertNotEquals("", readInside(ns, shadow));
                assertTrue(m.refreshIfChanged());
                assertEquals("", readInside(ns, shadow));
                settle(m);
                assertFalse(m.refreshIfChanged());
            }
        }
    }
}
