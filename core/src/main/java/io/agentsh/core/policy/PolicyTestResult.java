package io.agentsh.core.policy;

import java.util.List;

/** The answer of POST /api/v1/policy/test (policy-config.md §15). */
public record PolicyTestResult(String decision, String policyDecision, String rule, String reason,
                               String redirectCommand, List<String> redirectArgs) {}
