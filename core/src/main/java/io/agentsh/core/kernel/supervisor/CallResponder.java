package io.agentsh.core.kernel.supervisor;

/**
 * How a handler answers a {@link TrappedCall}; the same decision code drives both backends.
 * Seccomp user-notification answers through the listener fd ({@code SeccompListener}); ptrace
 * by writing the stopped tracee's registers ({@code PtraceResponder}).
 */
public interface CallResponder {
    /** Lets the syscall run as the tracee asked (only where that is race-free; see docs/race-freedom.md). */
    boolean respondContinue(long id);

    /** Fails the syscall with {@code errno} (it does not run). */
    boolean respondError(long id, int errno);

    /** Completes an emulated syscall with its return value (it does not run). */
    boolean respondValue(long id, long value);

    /**
     * Installs {@code srcFd} into the tracee and answers with the new number; -errno when it
     * cannot. Only when {@link #canInstallFd()}.
     */
    long addFdAndRespond(long id, int srcFd, boolean cloexec);

    /** True while the call is still pending (the tracee did not die or get interrupted). */
    boolean idValid(long id);

    /** Whether {@link #addFdAndRespond} works (seccomp ADDFD); ptrace has no way to give a process an fd. */
    default boolean canInstallFd() {
        return true;
    }

    /**
     * Lets an open run in the kernel, for backends that cannot install an fd, after rewriting
     * register arguments the tracee cannot race: the syscall number becomes {@code nr} and
     * argument {@code flagsArg} becomes {@code flags} (the side effects, O_CREAT and O_TRUNC,
     * were already performed by the supervisor on the checked object and are stripped here).
     * After the syscall the descriptor it returned must name {@code expectedPath} (null: not
     * verifiable, O_TMPFILE); a mismatch means the path was rewritten or swapped.
     */
    default boolean respondContinueVerifyingOpen(long id, String expectedPath, int nr, int flagsArg, long flags) {
        throw new UnsupportedOperationException("this backend installs opened files itself");
    }
}
