package io.agentsh.policy.model;

import io.agentsh.policy.SourcePos;
import java.time.Duration;
import java.util.List;

/** One {@code signal_rules} entry (reference §9). */
public record SignalRule(String name, String description, List<String> signals, String targetType,
                         String targetPattern, int targetMin, int targetMax, String decision, String fallback,
                         String redirectTo, String message, Duration timeout, SourcePos pos) {}
