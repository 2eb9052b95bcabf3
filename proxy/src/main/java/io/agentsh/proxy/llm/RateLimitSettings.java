package io.agentsh.proxy.llm;

/**
 * {@code proxy.rate_limits}. A burst of 0 means "a minute's worth" (the whole per-minute
 * allowance may be used at once; the reference's default of a sixth of it throttles the second
 * request at 10/min). Zero rates mean no limit.
 */
public record RateLimitSettings(boolean enabled, int requestsPerMinute, int requestBurst, long tokensPerMinute,
                                long tokenBurst) {

    public static final RateLimitSettings NONE = new RateLimitSettings(false, 0, 0, 0, 0);

    public int effectiveRequestBurst() {
        return requestBurst > 0 ? requestBurst : requestsPerMinute;
    }

    public long effectiveTokenBurst() {
        return tokenBurst > 0 ? tokenBurst : tokensPerMinute;
    }
}
