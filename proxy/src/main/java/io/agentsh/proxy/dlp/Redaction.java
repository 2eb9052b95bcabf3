package io.agentsh.proxy.dlp;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * The result of scanning one text. {@code counts} maps a detector's type name to the number of
 * distinct secrets it found (never the secrets themselves). When {@code blocked} is set the
 * caller must refuse the text; {@code text} is then the original.
 */
public record Redaction(String text, Map<String, Integer> counts, boolean blocked) {

    public Redaction {
        counts = Map.copyOf(counts);
    }

    public static Redaction unchanged(String text) {
        return new Redaction(text, Map.of(), false);
    }

    public boolean found() {
        return !counts.isEmpty();
    }

    /** A message naming the detectors, for block mode: "blocked by DLP: api_key (1), email (2)". */
    public String blockReason() {
        return "blocked by DLP: " + counts.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + " (" + e.getValue() + ")").collect(Collectors.joining(", "));
    }
}
