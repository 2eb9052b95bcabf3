package io.agentsh.core.fuse;

import java.nio.charset.StandardCharsets;
import jnr.ffi.Pointer;

/**
 * One request as the kernel wrote it: the in-header's fields and typed reads of the body
 * ({@code body} offsets are relative to the end of the header). A view over the reading
 * thread's buffer, valid until that thread reads again; {@link #copy()} detaches it.
 */
final class FuseRequest {
    final Pointer buf;
    final int length;

    FuseRequest(Pointer buf, int length) {
        this.buf = buf;
        this.length = length;
    }

    int opcode() { return buf.getInt(4); }
    long unique() { return buf.getLong(8); }
    long nodeId() { return buf.getLong(16); }
    int uid() { return buf.getInt(24); }
    int gid() { return buf.getInt(28); }

    int u32(int body) { return buf.getInt(FuseAbi.IN_HEADER + body); }
    long u64(int body) { return buf.getLong(FuseAbi.IN_HEADER + body); }

    /** The NUL-terminated name at {@code body}. */
    String name(int body) {
        int start = FuseAbi.IN_HEADER + body;
        int end = start;
        while (end < length && buf.getByte(end) != 0) end++;
        byte[] b = new byte[end - start];
        buf.get(start, b, 0, b.length);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Offset (in the body) just past the NUL-terminated name at {@code body}. */
    int after(int body) {
        int i = FuseAbi.IN_HEADER + body;
        while (i < length && buf.getByte(i) != 0) i++;
        return i + 1 - FuseAbi.IN_HEADER;
    }

    /** The body bytes from {@code body} as a pointer (write data, xattr values). */
    Pointer slice(int body) {
        return buf.slice(FuseAbi.IN_HEADER + body);
    }

    /** A copy that outlives the reading thread's buffer (for requests handed to a worker). */
    FuseRequest copy() {
        Pointer p = FuseDevice.buffer(length);
        buf.transferTo(0, p, 0, length);
        return new FuseRequest(p, length);
    }
}
