package io.agentsh.core.policy;

/** A session's policy cannot be used; carries the HTTP status the reference answers with. */
public final class PolicyResolveException extends Exception {
    private final int status;

    public PolicyResolveException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
