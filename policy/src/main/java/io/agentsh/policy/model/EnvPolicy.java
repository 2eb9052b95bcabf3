package io.agentsh.policy.model;

import java.util.List;

/** {@code env_policy} (reference §12). Null limits / flag = not set. */
public record EnvPolicy(List<String> allow, List<String> deny, Integer maxBytes, Integer maxKeys,
                        Boolean blockIteration) {
    public static final EnvPolicy EMPTY = new EnvPolicy(List.of(), List.of(), null, null, null);
}
