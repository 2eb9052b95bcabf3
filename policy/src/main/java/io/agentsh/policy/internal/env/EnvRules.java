package io.agentsh.policy.internal.env;

import io.agentsh.policy.EnvCheck;
import io.agentsh.policy.EnvLimitException;
import java.util.List;
import java.util.Map;

/** Placeholder (API commit). */
public final class EnvRules {
    public EnvCheck check(String name) { throw new UnsupportedOperationException(); }
    public int maxKeys() { throw new UnsupportedOperationException(); }
    public int maxBytes() { throw new UnsupportedOperationException(); }
    public boolean blockIteration() { throw new UnsupportedOperationException(); }
    public List<String> build(Map<String, String> b, Map<String, String> r, Map<String, String> i) throws EnvLimitException {
        throw new UnsupportedOperationException();
    }
}
