package io.agentsh.core.kernel.bpf;

/** One classic-BPF instruction ({@code struct sock_filter}: u16 code, u8 jt, u8 jf, u32 k). */
public record SockFilter(int code, int jt, int jf, int k) {
    public SockFilter {
        if (code < 0 || code > 0xffff) throw new IllegalArgumentException("bad BPF opcode " + code);
        if (jt < 0 || jt > 255 || jf < 0 || jf > 255) throw new IllegalArgumentException("BPF jump out of range: " + jt + "/" + jf);
    }

    static final int LD_W_ABS = 0x20;   // BPF_LD | BPF_W | BPF_ABS
    static final int JEQ_K = 0x15;      // BPF_JMP | BPF_JEQ | BPF_K
    static final int JSET_K = 0x45;     // BPF_JMP | BPF_JSET | BPF_K
    static final int RET_K = 0x06;      // BPF_RET | BPF_K

    static SockFilter load(int offset) { return new SockFilter(LD_W_ABS, 0, 0, offset); }
    static SockFilter jeq(int k, int jt, int jf) { return new SockFilter(JEQ_K, jt, jf, k); }
    static SockFilter jset(int k, int jt, int jf) { return new SockFilter(JSET_K, jt, jf, k); }
    static SockFilter ret(int action) { return new SockFilter(RET_K, 0, 0, action); }
}
