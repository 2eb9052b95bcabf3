package io.agentsh.proxy.llm;

import java.util.concurrent.atomic.AtomicInteger;

/** One session's limits: requests per minute, tokens per minute, in-flight cap while tokens are limited. */
final class RateLimiter {

    /** Why a request is refused, with the Retry-After seconds. */
    record Refusal(String message, long retryAfterSeconds) {
    }

    static final int MAX_IN_FLIGHT_WITH_TPM = 4;
    /** Charged when a response carried no usage the proxy could read (as the reference does). */
    static final long FALLBACK_TOKENS = 200;

    private final TokenBucket requests;
    private final TokenBucket tokens;
    private final AtomicInteger inFlight = new AtomicInteger();

    RateLimiter(RateLimitSettings s, long now) {
        boolean on = s.enabled();
        this.requests = on && s.requestsPerMinute() > 0
                ? new TokenBucket(s.requestsPerMinute(), s.effectiveRequestBurst(), now) : null;
        this.tokens = on && s.tokensPerMinute() > 0
                ? new TokenBucket(s.tokensPerMinute(), s.effectiveTokenBurst(), now) : null;
    }

    /** Admits a request (the caller must then call {@link #finished}) or says why not. */
    Refusal admit(long now) {
        if (requests != null) {
            long wait = requests.tryTake(1, now);
            if (wait > 0) {
                return new Refusal("rate limit exceeded", wait);
            }
        }
        if (tokens != null) {
            long wait = tokens.secondsUntilPositive(now);
            if (wait > 0) {
                return new Refusal("token budget exceeded", wait);
            }
            if (inFlight.incrementAndGet() > MAX_IN_FLIGHT_WITH_TPM) {
                inFlight.decrementAndGet();
                return new Refusal("too many concurrent requests", 1);
            }
        }
        return null;
    }

    /** Charges the tokens a finished request used and frees its in-flight slot. */
    void finished(Usage usage, long now) {
        if (tokens != null) {
            inFlight.decrementAndGet();
            long used = usage == null || usage.total() == 0 ? FALLBACK_TOKENS : usage.total();
            tokens.forceTake(used, now);
        }
    }
}
