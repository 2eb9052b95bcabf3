package io.agentsh.core.cgroup;

import java.io.IOException;

/**
 * The cgroup(s) of one command. Created with its limits written; the command's wrapper pid is
 * moved in with {@link #join} while the wrapper waits for its arming acknowledgement, i.e.
 * before it forks or execs anything, so every process of the command is born inside.
 * {@link #finish} kills what is left, reads the usage and removes the directories.
 */
public interface CommandCgroup extends AutoCloseable {

    /** e.g. {@code agentsh-<session>-<command>}. */
    String name();

    /** Moves a process (and so its future children) into this cgroup. */
    void join(long pid) throws IOException;

    /** Counters right now. */
    CgroupUsage usage();

    /** Kills any process still inside, reads the final usage, removes the cgroup. Idempotent. */
    CgroupUsage finish();

    @Override
    default void close() {
        finish();
    }
}
