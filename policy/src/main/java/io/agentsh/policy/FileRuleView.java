package io.agentsh.policy;

import java.util.List;
import java.util.Set;

/**
 * A compiled file rule as the kernel layer needs it to derive what it can decide itself
 * (Landlock read/write roots, paths to mask): the patterns after variable expansion (skipped
 * ones left out), the operations (all of them for {@code "*"} or none listed), the decisions.
 */
public record FileRuleView(String name, List<String> patterns, Set<FileOperation> operations,
                           Decision policyDecision, Decision effectiveDecision) {
    public FileRuleView {
        patterns = List.copyOf(patterns);
        operations = Set.copyOf(operations);
    }
}
