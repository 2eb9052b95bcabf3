package io.agentsh.core.policy;

import java.util.Map;

/**
 * Resolves and compiles policies by name (policies.dir), keeping each compiled policy current:
 * when its file changes the new version is compiled and swapped in; an invalid edit is logged and
 * the last good policy stays.
 */
public interface PolicyProvider extends AutoCloseable {
    /** A live handle to the named policy compiled with these variables (HOME, PROJECT_ROOT, GIT_ROOT). */
    PolicyHandle open(String policyName, Map<String, String> variables) throws PolicyResolveException;

    /** The global policy (policies.default, no variable expansion), for policy-test without a session. */
    PolicyHandle global();

    /** True once the global policy has compiled: a readiness check. */
    boolean ready();

    @Override
    default void close() {}
}
