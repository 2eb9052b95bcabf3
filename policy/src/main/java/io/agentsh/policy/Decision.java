package io.agentsh.policy;

import java.util.Locale;

/**
 * What a rule (or the engine's default) says about an operation. Wire names are lower-case
 * ({@code soft_delete}). {@link #ABSORB} exists only for signal rules (drop the signal silently).
 */
public enum Decision {
    ALLOW(0), DENY(4), APPROVE(2), REDIRECT(3), AUDIT(1), SOFT_DELETE(3), ABSORB(3);

    private final int strictness;
    private final String wireName;

    Decision(int strictness) {
        this.strictness = strictness;
        this.wireName = name().toLowerCase(Locale.ROOT);
    }

    /** The name used in YAML and JSON: {@code allow}, {@code soft_delete}, ... */
    public String wireName() { return wireName; }

    /** Reference strictness order: deny(4) > redirect = soft_delete (= absorb)(3) > approve(2) > audit(1) > allow(0). */
    public int strictness() { return strictness; }

    public boolean stricterThan(Decision other) { return strictness > other.strictness; }

    /** Parses a wire name case-insensitively (surrounding blanks ignored); {@code null} when unknown. */
    public static Decision parse(String s) {
        if (s == null) return null;
        String t = s.trim().toLowerCase(Locale.ROOT);
        for (Decision d : values()) if (d.wireName.equals(t)) return d;
        return null;
    }

    @Override public String toString() { return wireName; }
}
