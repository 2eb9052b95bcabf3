package io.agentsh.proxy.net;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HttpHostTest {
    static HttpHost.Result find(String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return HttpHost.find(b, b.length);
    }

    @Test
    void hostHeaderWithAndWithoutPort() {
        assertEquals("a.test", find("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n").host());
        assertEquals("a.test", find("POST /x HTTP/1.1\r\nUser-Agent: x\r\nhOsT:  a.test:8080 \r\n\r\n").host());
    }

    @Test
    void incompleteHeadAsksForMore() {
        assertFalse(find("GET / HTTP/1.1\r\nHost: a.te").complete());
        assertFalse(find("GE").complete());
    }

    @Test
    void notHttpOrNoHostGivesNoName() {
        HttpHost.Result ssh = find("SSH-2.0-OpenSSH_9.6\r\n");
        assertTrue(ssh.complete());
        assertNull(ssh.host());
        assertNull(find("GET / HTTP/1.0\r\nAccept: */*\r\n\r\n").host());
        assertNull(find("GET / HTTP/1.1\r\nHost: [::1]:80\r\n\r\n").host(), "address literals name nothing");
        assertTrue(find("\u0016\u0003\u0001").complete());
    }
}
