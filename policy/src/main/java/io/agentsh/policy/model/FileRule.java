package io.agentsh.policy.model;

import io.agentsh.policy.SourcePos;
import java.time.Duration;
import java.util.List;

/** One {@code file_rules} entry (reference §4.1). {@code operations} empty or {@code "*"} = all. */
public record FileRule(String name, String description, List<String> paths, List<String> operations,
                       String decision, String message, Duration timeout, String redirectTo,
                       boolean preserveTree, SourcePos pos) {}
