/**
 * Capability drop ({@code capabilities.allow}) and the per-command PID namespace
 * ({@code sandbox.namespaces.pid}) as additions to the exec wrapper's arming plan.
 */
package io.agentsh.core.caps;
