package io.agentsh.policy.internal.yaml;

import io.agentsh.policy.PolicyException;
import io.agentsh.policy.Problem;
import io.agentsh.policy.SourcePos;
import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.Node;

/** Collects every problem found in one file, each with its line and column. */
public final class Problems {
    private final String file;
    private final List<Problem> list = new ArrayList<>();

    public Problems(String file) { this.file = file; }

    public String file() { return file; }

    public SourcePos pos(Node n) {
        if (n == null) return new SourcePos(file, 0, 0);
        return n.getStartMark().map(m -> new SourcePos(file, m.getLine() + 1, m.getColumn() + 1))
                .orElse(new SourcePos(file, 0, 0));
    }

    public SourcePos pos(Mark m) { return new SourcePos(file, m.getLine() + 1, m.getColumn() + 1); }

    public void error(Node n, String message) { list.add(pos(n).error(message)); }
    public void error(SourcePos p, String message) { list.add(p.error(message)); }
    public void warning(Node n, String message) { list.add(pos(n).warning(message)); }
    public void add(Problem p) { list.add(p); }

    public boolean hasErrors() { return list.stream().anyMatch(Problem::isError); }
    public List<Problem> all() { return List.copyOf(list); }
    public List<Problem> warnings() {
        return list.stream().filter(p -> !p.isError())
                .sorted(java.util.Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column)).toList();
    }

    public void throwIfErrors() throws PolicyException {
        if (hasErrors()) {
            throw new PolicyException(list.stream().filter(Problem::isError)
                    .sorted(java.util.Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column)).toList());
        }
    }
}
