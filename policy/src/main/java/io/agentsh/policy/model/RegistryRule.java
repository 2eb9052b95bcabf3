package io.agentsh.policy.model;

import io.agentsh.policy.SourcePos;
import java.time.Duration;
import java.util.List;

/** One {@code registry_rules} entry (Windows; accepted and validated, not enforced on Linux). */
public record RegistryRule(String name, String description, List<String> paths, List<String> operations,
                           String decision, String message, Duration timeout, int priority, Duration cacheTtl,
                           boolean notifyUser, SourcePos pos) {}
