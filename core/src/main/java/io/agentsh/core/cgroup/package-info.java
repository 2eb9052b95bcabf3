/**
 * Per-command resource limits through cgroups: {@link io.agentsh.core.cgroup.CgroupLayout}
 * probes the host (pure v2, or the v1 controllers of a hybrid host) and picks a
 * {@link io.agentsh.core.cgroup.CgroupBackend}; {@link io.agentsh.core.cgroup.CommandCgroups}
 * is the daemon's entry point (config, fail-closed, best effort, start-up sweep).
 */
package io.agentsh.core.cgroup;
