package io.agentsh.policy;

/**
 * One thing wrong with a YAML file, with its place: printed as {@code FILE:LINE:COL: message}.
 * Line and column are 1-based; 0 when the problem concerns the whole file.
 */
public record Problem(String file, int line, int column, Severity severity, String message) {

    public enum Severity { ERROR, WARNING }

    public boolean isError() { return severity == Severity.ERROR; }

    @Override public String toString() {
        StringBuilder sb = new StringBuilder(file == null ? "<input>" : file);
        if (line > 0) sb.append(':').append(line).append(':').append(column);
        return sb.append(": ").append(severity == Severity.WARNING ? "warning: " : "").append(message).toString();
    }
}
