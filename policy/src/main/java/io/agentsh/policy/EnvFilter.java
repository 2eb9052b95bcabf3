package io.agentsh.policy;

import io.agentsh.policy.internal.env.EnvRules;
import java.util.List;
import java.util.Map;

/**
 * The env policy in force for a command (global {@code env_policy}, possibly overridden by the
 * command rule's {@code env_*} fields) and the injected variables. Immutable.
 */
public final class EnvFilter {
    private final EnvRules rules;
    private final Map<String, String> inject;

    public EnvFilter(EnvRules rules, Map<String, String> inject) {
        this.rules = rules;
        this.inject = Map.copyOf(inject);
    }

    /** Whether variable {@code name} may pass into a child, and why. */
    public EnvCheck check(String name) { return rules.check(name); }

    public boolean allows(String name) { return rules.check(name).allowed(); }

    /** 0 = unlimited. */
    public int maxKeys() { return rules.maxKeys(); }
    /** 0 = unlimited. */
    public int maxBytes() { return rules.maxBytes(); }
    public boolean blockIteration() { return rules.blockIteration(); }
    /** {@code sandbox.env_inject} merged with the policy's {@code env_inject} (policy wins). */
    public Map<String, String> inject() { return inject; }

    /**
     * Builds a child environment (reference §12): {@code base} as given (the caller's trusted
     * minimal set: PATH, LANG, TERM, HOME, proxy variables), then {@code request} filtered by this
     * policy, then {@code AGENTSH_IN_SESSION=1}, then the injected variables unfiltered. Empty values
     * are dropped. The result is sorted {@code K=V}.
     *
     * @throws EnvLimitException {@code env exceeds max_keys (N)} / {@code env exceeds max_bytes (N)}
     */
    public List<String> build(Map<String, String> base, Map<String, String> request) throws EnvLimitException {
        return rules.build(base, request, inject);
    }
}
