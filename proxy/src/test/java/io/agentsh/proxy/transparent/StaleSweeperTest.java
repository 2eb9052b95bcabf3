package io.agentsh.proxy.transparent;

import io.agentsh.proxy.testing.Sh;
import io.agentsh.proxy.testing.TestNamespace;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The start-up sweep removes what a dead daemon left and never what a live one owns. */
class StaleSweeperTest {
    @Test
    void removesOnlyNamespacesOfDeadOwners() throws Exception {
        Assumptions.assumeTrue(TestNamespace.available(), "needs root, ip netns and nft");
        long dead = 4_190_000;
        while (ProcessHandle.of(dead).isPresent()) dead++;
        String stale = "agentsh-" + dead + "-0-stale";
        String live = "agentsh-" + ProcessHandle.current().pid() + "-999-live";
        Sh.run("ip", "netns", "add", stale);
        Sh.run("ip", "netns", "add", live);
        try {
            List<String> removed = StaleSweeper.sweep();
            String list = Sh.exec(List.of("ip", "netns", "list"), 10).out();
            assertTrue(removed.contains("netns " + stale), removed.toString());
            assertFalse(list.contains(stale), list);
            assertTrue(list.contains(live), "a live owner's namespace is kept: " + list);
        } finally {
            Sh.runQuiet("ip", "netns", "del", stale);
            Sh.runQuiet("ip", "netns", "del", live);
        }
    }
}
