package io.agentsh.core.approval;

/** How a parked operation was resolved. */
public enum ApprovalOutcome {
    APPROVED, DENIED, TIMED_OUT
}
