package io.agentsh.policy;

import io.agentsh.policy.internal.yaml.ByteSize;
import io.agentsh.policy.internal.yaml.GoDuration;
import java.time.Duration;

/**
 * The duration and size syntaxes of policies and configs, for other parts of the system that
 * read the same notations ({@code trash purge --ttl 7d}, {@code exec --timeout 30s}).
 */
public final class Durations {
    private Durations() {}

    /**
     * Go {@code time.ParseDuration} ({@code 300ms}, {@code 1h30m}, {@code -2m}); with
     * {@code allowDays} also {@code d} (days). @throws IllegalArgumentException with Go's message
     */
    public static Duration parse(String text, boolean allowDays) { return GoDuration.parse(text, allowDays); }

    /** The reference's ParseByteSize: KB/MB/GB = powers of 1000, KiB/MiB/GiB = powers of 1024, plain = bytes. */
    public static long parseByteSize(String text) { return ByteSize.parse(text); }
}
