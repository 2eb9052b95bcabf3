package io.agentsh.policy.internal.match;

/** A glob pattern that cannot be compiled; the message says what is wrong and where. */
public final class GlobSyntaxException extends Exception {
    private static final long serialVersionUID = 1L;
    public GlobSyntaxException(String message) { super(message); }
}
