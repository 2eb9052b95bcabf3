package io.agentsh.core.kernel.supervisor;

/**
 * One trapped syscall as the handlers see it, whichever backend stopped it: a seccomp
 * user-notification ({@code SeccompNotification}) or a ptrace seccomp-stop ({@code PtraceStop}).
 * Handlers read the number and register arguments here and answer through a {@link CallResponder}.
 */
public interface TrappedCall {
    /** The backend's handle for the answer (the notification id; under ptrace the tid). */
    long id();

    /** The calling thread's id, in the supervisor's pid namespace. */
    int pid();

    int nr();

    long arg(int i);

    /** Low 32 bits of an argument: ints (fds, flags, modes) are passed sign-extended or garbage-topped. */
    default int intArg(int i) {
        return (int) arg(i);
    }
}
