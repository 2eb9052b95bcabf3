package io.agentsh.proxy.dns;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DnsCorrelationCacheTest {
    @Test
    void lastLookupWinsAndCapacityIsBounded() {
        DnsCorrelationCache c = new DnsCorrelationCache(30, 2);
        InetAddress a = InetAddress.ofLiteral("198.51.100.1");
        c.record("one.test", a, 10);
        c.record("two.test", a, 10);
        assertEquals("two.test", c.nameFor(a));
        c.record("b.test", InetAddress.ofLiteral("198.51.100.2"), 10);
        c.record("c.test", InetAddress.ofLiteral("198.51.100.3"), 10);
        assertNull(c.nameFor(a), "oldest evicted");
        assertEquals(2, c.size());
    }

    @Test
    void entriesExpireWithTheirTtl() throws Exception {
        DnsCorrelationCache c = new DnsCorrelationCache(0, 10);
        InetAddress a = InetAddress.ofLiteral("198.51.100.1");
        c.record("gone.test", a, 0);
        Thread.sleep(5);
        assertNull(c.nameFor(a));
    }
}
