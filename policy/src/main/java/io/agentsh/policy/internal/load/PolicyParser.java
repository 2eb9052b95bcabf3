package io.agentsh.policy.internal.load;

import io.agentsh.policy.Policy;
import io.agentsh.policy.PolicyException;

/** Placeholder (API commit). */
public final class PolicyParser {
    public static Policy parse(String source, String yaml) throws PolicyException {
        throw new UnsupportedOperationException("loader not implemented yet");
    }
}
