package io.agentsh.policy;

import java.time.Duration;

/**
 * A policy's {@code resource_limits} (reference §11). Zero / null = not set. The runtime uses
 * command/session/idle timeouts, memory, CPU and pids; the others are carried for completeness.
 */
public record ResourceLimits(long maxMemoryMb, long memorySwapMaxMb, int cpuQuotaPercent,
                             long diskReadBpsMax, long diskWriteBpsMax, long netBandwidthMbps, int pidsMax,
                             Duration commandTimeout, Duration sessionTimeout, Duration idleTimeout) {

    public static final ResourceLimits NONE = new ResourceLimits(0, 0, 0, 0, 0, 0, 0, null, null, null);

    /** Default command timeout when the policy sets none (reference: 5m). */
    public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofMinutes(5);

    /** The request's timeout capped by {@code command_timeout}; 5m when neither is set. */
    public Duration effectiveCommandTimeout(Duration requested) {
        Duration cap = commandTimeout;
        if (requested == null || requested.isZero() || requested.isNegative()) {
            return cap != null ? cap : DEFAULT_COMMAND_TIMEOUT;
        }
        return cap != null && cap.compareTo(requested) < 0 ? cap : requested;
    }
}
