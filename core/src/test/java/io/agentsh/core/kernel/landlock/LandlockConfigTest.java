package io.agentsh.core.kernel.landlock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link LandlockConfig#withView}: rules at or beneath the workspace get a twin beneath the view's mount point. */
class LandlockConfigTest {
    private static LandlockConfig config() {
        return new LandlockConfig(List.of("/etc", "/root", "/root/src/"), List.of("/tmp", "/root"),
                List.of("/usr", "/rootless"), List.of("/root/.ssh"), List.of("/dev/null"), true, List.of(), true,
                List.of(), true, true);
    }

    @Test
    void rulesAtOrBeneathTheWorkspaceAreRepeatedBeneathTheView() {
        LandlockConfig v = config().withView("/root", "/var/lib/agentsh/sessions/s1/workspace-mnt");
        String m = "/var/lib/agentsh/sessions/s1/workspace-mnt";
        assertEquals(List.of("/etc", "/root", "/root/src/", m, m + "/src"), v.allowRead());
        assertEquals(List.of("/tmp", "/root", m), v.allowWrite());
        assertEquals(List.of("/usr", "/rootless"), v.allowExecute(), "a sibling with the workspace as prefix is not beneath it");
        assertEquals(List.of("/root/.ssh", m + "/.ssh"), v.denyPaths(), "deny entries hold in the view too");
        assertEquals(List.of("/dev/null"), v.devicePaths());
    }

    @Test
    void noViewLeavesTheConfigAsItIs() {
        LandlockConfig c = config();
        assertSame(c, c.withView("/root", null));
    }
}
