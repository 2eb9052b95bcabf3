package io.agentsh.cli.policy;

import java.util.List;

/**
 * A user-facing failure: the lines (problems as FILE:LINE:COL: message) go to stderr and the
 * command exits with {@link #exitCode()}: 2 for our policy files and verbs, 1 where the failure is
 * one the reference's CLI reports with exit 1 (its generic error path).
 */
public final class CliFailure extends Exception {
    private static final long serialVersionUID = 1L;
    /** Invalid policy or input found by our own local checks. */
    public static final int INVALID = 2;
    /** The reference's generic error exit (cli-api-shim.md §0), for failures the reference defines. */
    public static final int REFERENCE_ERROR = 1;

    private final transient List<String> lines;
    private final int exitCode;

    public CliFailure(List<String> lines) {
        this(INVALID, lines);
    }

    private CliFailure(int exitCode, List<String> lines) {
        super(String.join("\n", lines));
        this.lines = List.copyOf(lines);
        this.exitCode = exitCode;
    }

    /** A plain message, printed as {@code agentsh: message}. */
    public CliFailure(String message) { this(INVALID, message); }

    /** A plain message, printed as {@code agentsh: message}, ending the command with {@code exitCode}. */
    public CliFailure(int exitCode, String message) { this(exitCode, List.of("agentsh: " + message)); }

    public List<String> lines() { return lines; }

    public int exitCode() { return exitCode; }
}
