package io.agentsh.core.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** One compiled policy as the daemon consumes it. Implementations are immutable and thread-safe. */
public interface SessionPolicy {
    /** Policy name (file stem) this was compiled from. */
    String name();

    /** API/shim pre-check of a command (wrappers unwrapped, sh -c analysed by the engine). */
    CommandCheck checkCommand(String command, List<String> args);

    /** The policy-test dispatch of policy-config.md §15 (op already lower-cased by the caller). */
    PolicyTestResult test(String operation, String target);

    /**
     * The child's environment: env-policy filtering of {@code base} + {@code add} (for the command
     * {@code command}, whose rule may override the env policy), then env_inject unfiltered on top.
     */
    Map<String, String> buildEnv(String command, List<String> args, Map<String, String> base,
                                 Map<String, String> add, Map<String, String> configInject) throws EnvLimitException;

    /** limits.command_timeout, or null. */
    Duration commandTimeout();

    /** resource_limits.session_timeout / idle_timeout, or null. */
    Duration sessionTimeout();

    Duration idleTimeout();
}
