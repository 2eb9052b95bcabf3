package io.agentsh.policy;

import java.util.List;

/** A policy or config could not be loaded or compiled; {@link #problems()} lists every error found. */
public final class PolicyException extends Exception {
    private static final long serialVersionUID = 1L;
    private final transient List<Problem> problems;

    public PolicyException(List<Problem> problems) {
        super(summary(problems));
        this.problems = List.copyOf(problems);
    }

    public PolicyException(Problem problem) { this(List.of(problem)); }

    public List<Problem> problems() { return problems; }

    private static String summary(List<Problem> problems) {
        StringBuilder sb = new StringBuilder();
        for (Problem p : problems) {
            if (!sb.isEmpty()) sb.append('\n');
            sb.append(p);
        }
        return sb.toString();
    }
}
