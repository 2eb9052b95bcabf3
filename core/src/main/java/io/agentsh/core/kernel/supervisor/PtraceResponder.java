package io.agentsh.core.kernel.supervisor;

import io.agentsh.core.kernel.sys.Errno;
import java.util.function.Consumer;

/**
 * Answers for the ptrace backend. The handlers' answer is only recorded here; the tracer thread
 * applies it (ptrace requests must come from the tracing thread): CONTINUE resumes the tracee,
 * an error or value skips the syscall (orig_rax = -1) with that result in rax, VERIFY resumes to
 * the syscall's exit and checks what an open returned. A responder made for a worker thread
 * (approvals, blocking emulation) posts its answer to the tracer's mailbox instead.
 */
final class PtraceResponder implements CallResponder {
    static final int NONE = 0, CONTINUE = 1, SKIP = 2, VERIFY = 3;

    /** One answer on its way to the tracer thread. */
    record Answer(int tid, int kind, long value, String expected, int nr, int flagsArg, long flags) {}

    private final Consumer<Answer> mailbox;
    private int kind;
    private long value;
    private String expected;
    private int nr;
    private int flagsArg;
    private long flags;

    /** {@code mailbox} null: record for the tracer thread's own use. */
    PtraceResponder(Consumer<Answer> mailbox) {
        this.mailbox = mailbox;
    }

    void reset() {
        kind = NONE;
        value = 0;
        expected = null;
    }

    int kind() { return kind; }
    long value() { return value; }
    String expected() { return expected; }
    int nr() { return nr; }
    int flagsArg() { return flagsArg; }
    long flags() { return flags; }

    Answer answer(int tid) {
        return new Answer(tid, kind, value, expected, nr, flagsArg, flags);
    }

    @Override
    public boolean respondContinue(long id) {
        return answer(id, CONTINUE, 0, null, 0, -1, 0);
    }

    @Override
    public boolean respondError(long id, int errno) {
        return answer(id, SKIP, -Math.abs(errno == 0 ? Errno.EPERM : errno), null, 0, -1, 0);
    }

    @Override
    public boolean respondValue(long id, long value) {
        return answer(id, SKIP, value, null, 0, -1, 0);
    }

    @Override
    public long addFdAndRespond(long id, int srcFd, boolean cloexec) {
        throw new UnsupportedOperationException("ptrace cannot install a file descriptor in the tracee");
    }

    @Override
    public boolean canInstallFd() {
        return false;
    }

    @Override
    public boolean respondContinueVerifyingOpen(long id, String expectedPath, int nr, int flagsArg, long flags) {
        return answer(id, VERIFY, 0, expectedPath, nr, flagsArg, flags);
    }

    /** The tracee is stopped until the tracer resumes it: the call stays pending. */
    @Override
    public boolean idValid(long id) {
        return true;
    }

    private boolean answer(long id, int kind, long value, String expected, int nr, int flagsArg, long flags) {
        this.kind = kind;
        this.value = value;
        this.expected = expected;
        this.nr = nr;
        this.flagsArg = flagsArg;
        this.flags = flags;
        if (mailbox != null) mailbox.accept(answer((int) id));
        return true;
    }
}
