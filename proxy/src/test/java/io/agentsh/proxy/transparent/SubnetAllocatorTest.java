package io.agentsh.proxy.transparent;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubnetAllocatorTest {
    @Test
    void slotsAreDistinctSlash30sAndReused() {
        SubnetAllocator a = new SubnetAllocator("10.250.0.0/16");
        var s0 = a.allocate();
        var s1 = a.allocate();
        assertEquals("10.250.0.1", s0.hostV4());
        assertEquals("10.250.0.2", s0.nsV4());
        assertEquals("10.250.0.5", s1.hostV4());
        a.release(s0);
        assertEquals(0, a.allocate().index());
        assertTrue(s1.nsV6().endsWith(":1::2"));
    }

    @Test
    void exhaustionAndBadBasesAreClearErrors() {
        SubnetAllocator a = new SubnetAllocator("10.0.0.0/29");
        a.allocate();
        a.allocate();
        assertThrows(IllegalStateException.class, a::allocate);
        assertThrows(IllegalArgumentException.class, () -> new SubnetAllocator("10.0.0.0"));
        assertThrows(IllegalArgumentException.class, () -> new SubnetAllocator("fd00::/64"));
    }

    @Test
    void rulesetRedirectsDnsBeforeLocalReturnAndDropsTheRest() {
        String r = NftRulesets.session(4000, 5300);
        assertTrue(r.indexOf("th dport 53 redirect to :5300") < r.indexOf("fib daddr type local return"));
        assertTrue(r.indexOf("fib daddr type local return") < r.indexOf("meta l4proto tcp redirect to :4000"));
        assertTrue(r.contains("type filter hook output priority 0; policy drop;"));
    }
}
