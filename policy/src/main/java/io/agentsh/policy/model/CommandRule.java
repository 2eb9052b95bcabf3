package io.agentsh.policy.model;

import io.agentsh.policy.CommandRedirect;
import io.agentsh.policy.SourcePos;
import java.util.List;

/**
 * One {@code command_rules} entry (reference §6.1). {@code minDepth}/{@code maxDepth} come from
 * {@code context} (maxDepth -1 = unlimited). Env overrides are null when not given.
 */
public record CommandRule(String name, String description, List<String> commands, List<String> argsPatterns,
                          String decision, String message, CommandRedirect redirectTo, int minDepth, int maxDepth,
                          List<String> envAllow, List<String> envDeny, Integer envMaxBytes, Integer envMaxKeys,
                          Boolean envBlockIteration, SourcePos pos) {}
