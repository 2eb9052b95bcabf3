package io.agentsh.proxy.llm;

/**
 * A token bucket refilled continuously at {@code perMinute}/60 s up to {@code capacity}. Token
 * accounting may push it below zero (usage is known only after the response), which then
 * delays later requests until it refills.
 */
final class TokenBucket {
    private final double capacity;
    private final double perNano;
    private double level;
    private long last;

    TokenBucket(long perMinute, long capacity, long now) {
        this.capacity = capacity;
        this.perNano = perMinute / 60e9;
        this.level = capacity;
        this.last = now;
    }

    private void refill(long now) {
        level = Math.min(capacity, level + (now - last) * perNano);
        last = now;
    }

    /** Takes n if available; otherwise returns the seconds until it would be (>= 1). */
    synchronized long tryTake(double n, long now) {
        refill(now);
        if (level >= n) {
            level -= n;
            return 0;
        }
        return Math.max(1, (long) Math.ceil((n - level) / perNano / 1e9));
    }

    /** Seconds until the level is positive again, 0 if it is. */
    synchronized long secondsUntilPositive(long now) {
        refill(now);
        return level > 0 ? 0 : Math.max(1, (long) Math.ceil((1 - level) / perNano / 1e9));
    }

    synchronized void forceTake(double n, long now) {
        refill(now);
        level -= n;
    }
}
