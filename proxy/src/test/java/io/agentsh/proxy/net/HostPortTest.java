package io.agentsh.proxy.net;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class HostPortTest {
    @Test
    void parsesTheUsualForms() {
        assertEquals(new HostPort("example.com", 443), HostPort.parse("example.com:443", 80));
        assertEquals(new HostPort("example.com", 80), HostPort.parse("example.com", 80));
        assertEquals(new HostPort("::1", 8443), HostPort.parse("[::1]:8443", 443));
        assertEquals(new HostPort("::1", 443), HostPort.parse("[::1]", 443));
        assertEquals("[::1]:8443", HostPort.parse("[::1]:8443", 443).authority());
    }

    @Test
    void rejectsGarbage() {
        for (String s : new String[] {"", ":80", "host:", "host:0", "host:65536", "host:abc", "[::1", "[::1]x",
                "a b:80", "evil.com/x:80", "u@host:80"}) {
            assertNull(HostPort.parse(s, 80), s);
        }
    }
}
