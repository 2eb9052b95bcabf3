package io.agentsh.proxy.net;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class IpLiteralsTest {
    @Test
    void everyFormOfTheMetadataAddressNormalises() throws Exception {
        InetAddress want = InetAddress.ofLiteral("169.254.169.254");
        for (String s : List.of("169.254.169.254", "2852039166", "0xA9FEA9FE", "0xa9fea9fe", "0251.0376.0251.0376",
                "0xa9.0xfe.0xa9.0xfe", "169.254.43518", "169.16689662", "[::ffff:169.254.169.254]", "::ffff:a9fe:a9fe",
                "169.254.169.254.", " 169.254.169.254 ")) {
            assertEquals(want, IpLiterals.parse(s), s);
        }
    }

    @Test
    void mappedTenIsTen() {
        assertEquals(InetAddress.ofLiteral("10.0.0.1"), IpLiterals.parse("::ffff:10.0.0.1"));
        assertEquals(InetAddress.ofLiteral("10.0.0.1"), IpLiterals.parse("012.0.0.1"));
        assertEquals(InetAddress.ofLiteral("10.0.0.1"), IpLiterals.parse("167772161"));
    }

    @Test
    void ipv6StaysIpv6() {
        assertEquals(InetAddress.ofLiteral("::1"), IpLiterals.parse("[::1]"));
        assertEquals(InetAddress.ofLiteral("fd00::2"), IpLiterals.parse("fd00::2"));
    }

    @Test
    void namesAreNotLiterals() {
        for (String s : List.of("example.com", "1e100.net", "0x1.example", "deadbeef", "", "fe80::1%eth0", "999.1.1.1",
                "1.2.3.4.5", "4294967296", "[]")) {
            assertNull(IpLiterals.parse(s), s);
        }
        assertNull(IpLiterals.parse(null));
    }
}
