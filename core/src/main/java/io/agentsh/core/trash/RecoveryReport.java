package io.agentsh.core.trash;

import java.util.List;

/** What the start-up repair of half-done operations did, one line per journal it settled. */
public record RecoveryReport(List<String> actions) {
    public RecoveryReport { actions = List.copyOf(actions); }
    public boolean isEmpty() { return actions.isEmpty(); }
}
