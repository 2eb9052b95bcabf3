package io.agentsh.core.session;

/**
 * Lets other layers attach per-session resources (network proxy, cgroup, FUSE mount). created()
 * runs before the create call answers; an exception there fails the creation (fail closed).
 */
public interface SessionListener {
    default void created(Session session) throws Exception {}

    default void destroyed(Session session) {}
}
