package io.agentsh.core.policy;

import java.time.Duration;
import java.util.List;

/** One compiled policy as the daemon consumes it. Implementations are immutable and thread-safe. */
public interface SessionPolicy {
    /** Policy name (file stem) this was compiled from. */
    String name();

    /** API/shim pre-check of a command (wrappers unwrapped, sh -c analysed by the engine). */
    CommandCheck checkCommand(String command, List<String> args);

    /** The policy-test dispatch of policy-config.md §15 (op already lower-cased by the caller). */
    PolicyTestResult test(String operation, String target);

    /** limits.command_timeout, or null. */
    Duration commandTimeout();

    /** resource_limits.session_timeout / idle_timeout, or null. */
    Duration sessionTimeout();

    Duration idleTimeout();
}
