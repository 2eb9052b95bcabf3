package io.agentsh.core.trash;

import java.time.Duration;
import java.util.Locale;

/**
 * Durations for TTLs: Go's syntax ({@code 90s}, {@code 1h30m}, {@code 500ms}) plus {@code d}
 * for days and {@code w} for weeks, so {@code trash purge --ttl 7d} works (the reference's
 * help text promises it but its parser rejects it).
 */
public final class TrashDurations {
    private TrashDurations() {}

    public static Duration parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty duration");
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("0")) return Duration.ZERO;
        long nanos = 0;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
            if (start == i) throw bad(text);
            double n = Double.parseDouble(s.substring(start, i));
            int u = i;
            while (i < s.length() && Character.isLetter(s.charAt(i)) || i < s.length() && s.charAt(i) == 'µ') i++;
            double unitNanos = switch (s.substring(u, i)) {
                case "ns" -> 1;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                case "h" -> 3600e9;
                case "d" -> 86400e9;
                case "w" -> 7 * 86400e9;
                default -> throw bad(text);
            };
            nanos += (long) (n * unitNanos);
        }
        return Duration.ofNanos(nanos);
    }

    private static IllegalArgumentException bad(String text) {
        return new IllegalArgumentException("invalid duration \"" + text + "\": use a number with a unit, such as 7d, 12h, 30m or 1h30m");
    }

    /** Go-style rendering rounded to seconds ({@code 1h2m3s}), as the reference's list prints ages. */
    public static String format(Duration d) {
        long s = Math.max(0, Math.round(d.toMillis() / 1000.0));
        if (s == 0) return "0s";
        StringBuilder b = new StringBuilder();
        if (s >= 3600) b.append(s / 3600).append('h');
        if (s >= 60) b.append((s % 3600) / 60).append('m');
        b.append(s % 60).append('s');
        return b.toString();
    }
}
