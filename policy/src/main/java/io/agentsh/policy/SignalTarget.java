package io.agentsh.policy;

/**
 * How the target of a signal relates to the sender (the caller works this out from the process
 * tree). Matches {@code signal_rules[].target.type}: self, children, descendants, siblings, session,
 * parent, external (not in the session), system (pid 1 or 2), user (same uid, not in session),
 * process (glob on {@code comm}), pid_range.
 */
public record SignalTarget(int pid, String comm, boolean self, boolean child, boolean descendant,
                           boolean sibling, boolean inSession, boolean parent, boolean sameUser) {
    public boolean system() { return pid == 1 || pid == 2; }
}
