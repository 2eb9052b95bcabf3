package io.agentsh.core.cgroup;

import java.io.IOException;

/**
 * The cgroup(s) of one command. Created with its limits written; the command's wrapper pid is
 * moved in with {@link #join} while the wrapper waits for its arming acknowledgement, i.e.
 * before it forks or execs anything, so every process of the command is born inside.
 * {@link #finish} kills what is left, reads the usage and removes the directories; or, off the
 * response's path, {@link #stop} now and {@link #remove} later (see {@link CgroupPool}).
 */
public interface CommandCgroup extends AutoCloseable {

    /** e.g. {@code agentsh-<session>-<command>}. */
    String name();

    /** Moves a process (and so its future children) into this cgroup. */
    void join(long pid) throws IOException;

    /**
     * Files the command's first process writes "0" to, to move itself in (cgroup v1 {@code tasks}:
     * a thread moving itself needs no global lock, see WrapperProtocol.PLAN_CGROUP), then
     * {@link #verifyJoined}. Empty: the daemon moves it by pid ({@link #join}).
     */
    default java.util.List<java.nio.file.Path> selfJoinFiles() {
        return java.util.List.of();
    }

    /**
     * The {@link #selfJoinFiles} already open for writing, in the same order, for the caller to
     * own; or null: open them yourself. Given out once.
     */
    default int[] takeSelfJoinDescriptors() {
        return null;
    }

    /** After the process moved itself in through {@link #selfJoinFiles}: fails unless it is in every hierarchy. */
    default void verifyJoined(long pid) throws IOException {
        join(pid);
    }

    /** Counters right now. */
    CgroupUsage usage();

    /** Kills any process still inside and reads the final usage. Idempotent: later calls return the same usage. */
    CgroupUsage stop();

    /** Removes the directories (after {@link #stop}), retrying while the kernel still counts exiting tasks. */
    void remove();

    /** {@link #stop}, then {@link #remove}. Idempotent. */
    default CgroupUsage finish() {
        CgroupUsage u = stop();
        remove();
        return u;
    }

    @Override
    default void close() {
        finish();
    }
}
