package io.agentsh.policy;

/**
 * Answer for a signal (reference §9): {@code decision} may be {@link Decision#ABSORB} (drop silently)
 * or {@link Decision#REDIRECT} (send {@code redirectSignal} instead). {@code fallback} is the rule's
 * decision for platforms that cannot block (null = audit).
 */
public record SignalVerdict(Decision decision, String rule, String message, int redirectSignal, Decision fallback) {}
