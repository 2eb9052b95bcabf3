package io.agentsh.proxy.dlp;

import java.util.Locale;

/** What happens to a detected secret. */
public enum DlpMode {
    /** Replace with {@code [REDACTED:DISPLAY]} (the default). */
    REDACT,
    /** Replace with a stable per-session token {@code [TOKEN:DISPLAY:<16 hex>]}. */
    TOKENIZE,
    /** Refuse the whole text, naming the detectors that fired. */
    BLOCK,
    /** No scanning at all. */
    DISABLED;

    /**
     * Parses {@code dlp.mode}. Unlike the reference (which silently scans without changing the
     * text for an unknown mode) an unknown value is an error: a typo must not turn DLP off.
     */
    public static DlpMode parse(String s) {
        if (s == null || s.isBlank()) {
            return REDACT;
        }
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "redact" -> REDACT;
            case "tokenize" -> TOKENIZE;
            case "block" -> BLOCK;
            case "disabled", "off", "none" -> DISABLED;
            default -> throw new IllegalArgumentException("dlp.mode: unknown value '" + s
                    + "' (expected redact, tokenize, block or disabled)");
        };
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
