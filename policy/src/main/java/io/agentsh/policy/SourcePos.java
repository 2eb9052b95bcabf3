package io.agentsh.policy;

/** Where something was written: file, 1-based line and column. */
public record SourcePos(String file, int line, int column) {
    public Problem error(String message) { return new Problem(file, line, column, Problem.Severity.ERROR, message); }
    public Problem warning(String message) { return new Problem(file, line, column, Problem.Severity.WARNING, message); }
    @Override public String toString() { return file + ":" + line + ":" + column; }
}
