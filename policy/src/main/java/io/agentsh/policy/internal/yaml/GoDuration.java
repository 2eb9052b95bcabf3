package io.agentsh.policy.internal.yaml;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Go's {@code time.ParseDuration}: a sequence of decimal numbers with units ns, us (µs, μs), ms,
 * s, m, h, optionally signed ("1h30m", "1.5s", "-2m"); "0" alone is allowed. {@code d} (days) is an
 * extension accepted only where asked for (trash TTL). Messages follow Go's.
 */
public final class GoDuration {
    private GoDuration() {}

    public static Duration parse(String text, boolean allowDays) {
        String s = text.trim();
        String orig = text;
        if (s.isEmpty()) throw new IllegalArgumentException("time: invalid duration \"" + orig + "\"");
        boolean neg = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            neg = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) return Duration.ZERO;
        if (s.isEmpty()) throw new IllegalArgumentException("time: invalid duration \"" + orig + "\"");
        BigDecimal totalNanos = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
            String num = s.substring(start, i);
            if (num.isEmpty() || num.equals(".") || num.indexOf('.') != num.lastIndexOf('.')) {
                throw new IllegalArgumentException("time: invalid duration \"" + orig + "\"");
            }
            int ustart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') i++;
            String unit = s.substring(ustart, i);
            if (unit.isEmpty()) throw new IllegalArgumentException("time: missing unit in duration \"" + orig + "\"");
            long mult = switch (unit) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                case "d" -> allowDays ? 86_400_000_000_000L : -1L;
                default -> -1L;
            };
            if (mult < 0) throw new IllegalArgumentException("time: unknown unit \"" + unit + "\" in duration \"" + orig + "\"");
            totalNanos = totalNanos.add(new BigDecimal(num.endsWith(".") ? num + "0" : (num.startsWith(".") ? "0" + num : num))
                    .multiply(BigDecimal.valueOf(mult)));
        }
        if (totalNanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
            throw new IllegalArgumentException("time: invalid duration \"" + orig + "\"");
        }
        long nanos = totalNanos.longValue();
        return Duration.ofNanos(neg ? -nanos : nanos);
    }
}
