package io.agentsh.cli.policy;

import java.util.List;

/** A user-facing failure: the lines (problems as FILE:LINE:COL: message) go to stderr and the command exits 2. */
public final class CliFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<String> lines;

    public CliFailure(List<String> lines) {
        super(String.join("\n", lines));
        this.lines = List.copyOf(lines);
    }

    /** A plain message, printed as {@code agentsh: message}. */
    public CliFailure(String message) { this(List.of("agentsh: " + message)); }

    public List<String> lines() { return lines; }
}
