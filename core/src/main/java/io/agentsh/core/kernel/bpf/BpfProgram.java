package io.agentsh.core.kernel.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** An immutable seccomp BPF program and its wire form (raw {@code sock_filter} array, host order). */
public final class BpfProgram {
    /** BPF_MAXINSNS. */
    public static final int MAX_INSTRUCTIONS = 4096;
    private final List<SockFilter> instructions;

    BpfProgram(List<SockFilter> instructions) {
        if (instructions.isEmpty() || instructions.size() > MAX_INSTRUCTIONS)
            throw new IllegalArgumentException("BPF program size " + instructions.size() + " out of range");
        this.instructions = List.copyOf(instructions);
    }

    public List<SockFilter> instructions() {
        return instructions;
    }

    public int size() {
        return instructions.size();
    }

    /** 8 bytes per instruction, little-endian (x86_64), as the wrapper copies it into its sock_fprog. */
    public byte[] toBytes() {
        ByteBuffer b = ByteBuffer.allocate(instructions.size() * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (SockFilter f : instructions) {
            b.putShort((short) f.code()).put((byte) f.jt()).put((byte) f.jf()).putInt(f.k());
        }
        return b.array();
    }
}
