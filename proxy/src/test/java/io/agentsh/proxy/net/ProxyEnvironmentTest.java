package io.agentsh.proxy.net;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ProxyEnvironmentTest {
    @Test
    void eightVariablesAndLoopbackExempt() {
        var env = ProxyEnvironment.of("http://127.0.0.1:4000", "internal.example, localhost");
        assertEquals(8, env.size());
        assertEquals("http://127.0.0.1:4000", env.get("all_proxy"));
        assertEquals("localhost,127.0.0.1,::1,internal.example", env.get("NO_PROXY"));
    }
}
