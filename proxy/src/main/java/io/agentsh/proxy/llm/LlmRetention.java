package io.agentsh.proxy.llm;

import java.util.Locale;

/**
 * {@code llm_storage.retention}: how long and how much LLM storage (each session's
 * {@code llm-requests.jsonl} and {@code llm-bodies/}) is kept. Zero turns a limit off; both zero
 * turns retention off.
 *
 * @param maxAgeDays storage last written more than this many days ago is removed (default 30)
 * @param maxSizeMb  when all sessions' LLM storage together is larger than this many MiB, the
 *                   storage of ended sessions is removed in {@code eviction} order until it fits
 *                   (default 500)
 * @param eviction   which ended session's storage goes first when over the size limit
 */
public record LlmRetention(long maxAgeDays, long maxSizeMb, Eviction eviction) {

    /** The reference's defaults: 30 days, 500 MB, oldest first. */
    public static final LlmRetention DEFAULT = new LlmRetention(30, 500, Eviction.OLDEST_FIRST);
    public static final LlmRetention OFF = new LlmRetention(0, 0, Eviction.OLDEST_FIRST);

    public enum Eviction {
        /** Least recently written first (the default). */
        OLDEST_FIRST,
        /** Largest first: frees the space with the fewest sessions lost. */
        LARGEST_FIRST;

        /** Parses {@code oldest_first} / {@code largest_first}; anything else is an error, never a silent default. */
        public static Eviction parse(String s) {
            if (s == null || s.isBlank()) {
                return OLDEST_FIRST;
            }
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "oldest_first" -> OLDEST_FIRST;
                case "largest_first" -> LARGEST_FIRST;
                default -> throw new IllegalArgumentException("llm_storage.retention.eviction: '" + s
                        + "' (expected oldest_first or largest_first)");
            };
        }
    }

    public LlmRetention {
        if (maxAgeDays < 0) {
            throw new IllegalArgumentException("llm_storage.retention.max_age_days: " + maxAgeDays + " is negative");
        }
        if (maxSizeMb < 0) {
            throw new IllegalArgumentException("llm_storage.retention.max_size_mb: " + maxSizeMb + " is negative");
        }
        eviction = eviction == null ? Eviction.OLDEST_FIRST : eviction;
    }

    public boolean enabled() {
        return maxAgeDays > 0 || maxSizeMb > 0;
    }

    /** The size limit in bytes (MiB, as the reference counts megabytes of files), or 0 for none. */
    long maxBytes() {
        return maxSizeMb * 1024 * 1024;
    }
}
