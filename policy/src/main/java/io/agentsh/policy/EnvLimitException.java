package io.agentsh.policy;

/** The child environment breaks {@code max_keys} or {@code max_bytes}: {@code env exceeds max_keys (N)}. */
public final class EnvLimitException extends Exception {
    private static final long serialVersionUID = 1L;
    public EnvLimitException(String message) { super(message); }
}
