package io.agentsh.core.policy;

/** The child environment exceeds env_policy max_keys / max_bytes: the exec fails with exit 2. */
public final class EnvLimitException extends Exception {
    public EnvLimitException(String message) {
        super(message);
    }
}
