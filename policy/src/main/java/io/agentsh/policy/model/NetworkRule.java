package io.agentsh.policy.model;

import io.agentsh.policy.SourcePos;
import java.time.Duration;
import java.util.List;

/** One {@code network_rules} entry (reference §5.1). Empty selector lists match everything. */
public record NetworkRule(String name, String description, List<String> domains, List<Integer> ports,
                          List<String> cidrs, String decision, String message, Duration timeout, SourcePos pos) {}
