package io.agentsh.policy.internal;

import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.SourcePos;
import io.agentsh.policy.internal.load.PolicyParser;
import io.agentsh.policy.internal.yaml.Problems;
import java.util.regex.Matcher;

/**
 * {@code ${NAME}} / {@code ${NAME:-fallback}} expansion (reference §8.1): variables map, then the
 * environment (non-empty), then the fallback. Nested fallbacks are not expanded (the fallback ends
 * at the first '}'); the output is not re-scanned.
 */
final class Vars {
    private final EngineOptions options;
    private final Problems problems;

    Vars(EngineOptions options, Problems problems) {
        this.options = options;
        this.problems = problems;
    }

    /** The expanded pattern, or null when it must be skipped (undefined variable: error or warning reported). */
    String expand(String pattern, String ruleKind, String ruleName, SourcePos pos) {
        if (pattern.indexOf("${") < 0) return pattern;
        Matcher m = PolicyParser.variablePattern().matcher(pattern);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = options.variables().get(name);
            if (value == null || value.isEmpty()) {
                String env = options.environment().apply(name);
                value = env == null || env.isEmpty() ? null : env;
            }
            if (value == null && m.group(2) != null) value = m.group(2);
            if (value == null) {
                String msg = "expand policy variables: " + ruleKind + " \"" + ruleName + "\" path \"" + pattern
                        + "\": undefined variable: " + name;
                if (options.skipUndefinedVariables()) {
                    problems.add(pos.warning(msg + " (pattern skipped)"));
                } else {
                    problems.add(pos.error(msg));
                }
                return null;
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        return sb.toString();
    }
}
