package io.agentsh.core.policy;

import java.util.Map;

/** Builds a child environment under the env policy that applies to one command. */
@FunctionalInterface
public interface ChildEnv {
    /**
     * {@code base} (trusted minimal set), then {@code add} filtered by the env policy, then
     * AGENTSH_IN_SESSION=1 and env_inject unfiltered.
     */
    Map<String, String> build(Map<String, String> base, Map<String, String> add) throws EnvLimitException;
}
