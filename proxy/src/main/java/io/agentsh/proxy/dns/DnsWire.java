package io.agentsh.proxy.dns;

import io.netty.buffer.ByteBuf;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Just enough of the DNS wire format to read a query's question and the address records of a
 * response, straight from the bytes (compression-aware, bounds-checked). Forwarded messages
 * are relayed as the upstream sent them, so nothing here has to re-encode upstream data.
 */
public final class DnsWire {
    public static final int TYPE_A = 1;
    public static final int TYPE_CNAME = 5;
    public static final int TYPE_AAAA = 28;

    private DnsWire() {}

    /** The first question of a message. {@code name} is lower-case without the trailing dot. */
    public record Question(int id, int flags, String name, int type, int qclass) {
        public boolean isQuery() {
            return (flags & 0x8000) == 0 && ((flags >> 11) & 0xf) == 0;
        }
    }

    public record Answer(InetAddress address, long ttl) {}

    /** Parses the header and first question, or returns null when the message is malformed. */
    public static Question question(ByteBuf m) {
        int base = m.readerIndex();
        int len = m.readableBytes();
        if (len < 12) return null;
        int id = m.getUnsignedShort(base);
        int flags = m.getUnsignedShort(base + 2);
        int qd = m.getUnsignedShort(base + 4);
        if (qd != 1) return null;
        int[] pos = {12};
        String name = readName(m, base, len, pos);
        if (name == null || pos[0] + 4 > len) return null;
        int type = m.getUnsignedShort(base + pos[0]);
        int qclass = m.getUnsignedShort(base + pos[0] + 2);
        return new Question(id, flags, name, type, qclass);
    }

    /** A and AAAA records of the answer section (any owner: CNAME chains end in them). */
    public static List<Answer> addresses(ByteBuf m) {
        int base = m.readerIndex();
        int len = m.readableBytes();
        List<Answer> out = new ArrayList<>(4);
        if (len < 12) return out;
        int qd = m.getUnsignedShort(base + 4);
        int an = m.getUnsignedShort(base + 6);
        int[] pos = {12};
        for (int i = 0; i < qd; i++) {
            if (readName(m, base, len, pos) == null || pos[0] + 4 > len) return out;
            pos[0] += 4;
        }
        for (int i = 0; i < an; i++) {
            if (readName(m, base, len, pos) == null || pos[0] + 10 > len) return out;
            int type = m.getUnsignedShort(base + pos[0]);
            long ttl = m.getUnsignedInt(base + pos[0] + 4);
            int rdlen = m.getUnsignedShort(base + pos[0] + 8);
            int rdata = pos[0] + 10;
            if (rdata + rdlen > len) return out;
            if ((type == TYPE_A && rdlen == 4) || (type == TYPE_AAAA && rdlen == 16)) {
                byte[] raw = new byte[rdlen];
                m.getBytes(base + rdata, raw);
                try {
                    out.add(new Answer(InetAddress.getByAddress(raw), ttl));
                } catch (UnknownHostException ignored) {
                    // cannot happen for 4/16 bytes
                }
            }
            pos[0] = rdata + rdlen;
        }
        return out;
    }

    public static String typeName(int t) {
        return switch (t) {
            case 1 -> "A";
            case 2 -> "NS";
            case 5 -> "CNAME";
            case 6 -> "SOA";
            case 12 -> "PTR";
            case 15 -> "MX";
            case 16 -> "TXT";
            case 28 -> "AAAA";
            case 33 -> "SRV";
            case 64 -> "SVCB";
            case 65 -> "HTTPS";
            case 255 -> "ANY";
            default -> "TYPE" + t;
        };
    }

    /** Reads a (possibly compressed) name at pos[0]; advances pos[0] past it in the original stream. */
    private static String readName(ByteBuf m, int base, int len, int[] pos) {
        StringBuilder sb = new StringBuilder(32);
        int p = pos[0];
        int jumps = 0;
        int end = -1;
        while (true) {
            if (p >= len) return null;
            int l = m.getUnsignedByte(base + p);
            if ((l & 0xc0) == 0xc0) {
                if (p + 1 >= len || ++jumps > 32) return null;
                if (end < 0) end = p + 2;
                p = ((l & 0x3f) << 8) | m.getUnsignedByte(base + p + 1);
                continue;
            }
            if ((l & 0xc0) != 0) return null;
            if (l == 0) {
                if (end < 0) end = p + 1;
                break;
            }
            if (p + 1 + l > len || sb.length() + l > 255) return null;
            if (!sb.isEmpty()) sb.append('.');
            for (int i = 0; i < l; i++) {
                char c = (char) m.getUnsignedByte(base + p + 1 + i);
                sb.append(c);
            }
            p += 1 + l;
        }
        pos[0] = end;
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
