package io.agentsh.proxy.dns;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DnsWireTest {
    static ByteBuf hex(String h) {
        byte[] b = new byte[h.length() / 2];
        for (int i = 0; i < b.length; i++) b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
        return Unpooled.wrappedBuffer(b);
    }

    // id 0x1234, RD, 1 question: WWW.Example.com A IN
    static final String QUERY = "123401000001000000000000" + "03575757" + "074578616d706c65" + "03636f6d00" + "00010001";

    @Test
    void readsTheQuestionLowerCased() {
        DnsWire.Question q = DnsWire.question(hex(QUERY));
        assertEquals(0x1234, q.id());
        assertEquals("www.example.com", q.name());
        assertEquals(DnsWire.TYPE_A, q.type());
        assertTrue(q.isQuery());
    }

    @Test
    void readsCompressedAnswersThroughACnameChain() throws Exception {
        // response: question www.example.com A; answers: CNAME -> example.com (compressed), A 93.184.216.34 ttl 300
        String resp = "123481800001000200000000" + "03777777076578616d706c6503636f6d00" + "00010001"
                + "c00c" + "0005" + "0001" + "0000003c" + "0002" + "c010"
                + "c010" + "0001" + "0001" + "0000012c" + "0004" + "5db8d822";
        List<DnsWire.Answer> a = DnsWire.addresses(hex(resp));
        assertEquals(1, a.size());
        assertEquals(InetAddress.ofLiteral("93.184.216.34"), a.get(0).address());
        assertEquals(300, a.get(0).ttl());
    }

    @Test
    void malformedIsNull() {
        assertNull(DnsWire.question(hex("1234")));
        assertNull(DnsWire.question(hex("123401000001000000000000" + "3f41"))); // label runs off the end
        assertNull(DnsWire.question(hex("123401000001000000000000" + "c00c" + "00010001"))); // pointer loop
    }
}
