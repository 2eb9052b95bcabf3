package io.agentsh.core.trash;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * Tokens as the reference makes them: the decimal Unix time in nanoseconds of the divert
 * (digits only, so shell-safe; 19 characters). Two diverts in the same nanosecond, or a token
 * already on disk from another process, move on to the next free number.
 */
final class TokenGenerator {
    private final Clock clock;
    private long last;

    TokenGenerator(Clock clock) { this.clock = clock; }

    synchronized String next(Predicate<String> taken) {
        Instant now = clock.instant();
        long n = Math.max(now.getEpochSecond() * 1_000_000_000L + now.getNano(), last + 1);
        while (taken.test(Long.toString(n))) n++;
        last = n;
        return Long.toString(n);
    }

    /** A token is what we generate (or the reference did): 1 to 20 decimal digits. */
    static boolean isValid(String token) {
        if (token == null || token.isEmpty() || token.length() > 20) return false;
        for (int i = 0; i < token.length(); i++) if (token.charAt(i) < '0' || token.charAt(i) > '9') return false;
        return true;
    }
}
