package io.agentsh.core.session;

/** Session states the reference reports (pkg/types/sessions.go). */
public enum SessionState {
    READY("ready"), BUSY("busy"), TERMINATING("terminating"), COMPLETED("completed"), TIMED_OUT("timed_out"),
    KILLED("killed");

    private final String wire;

    SessionState(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
