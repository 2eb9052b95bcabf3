package io.agentsh.policy.internal.yaml;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * The reference's ParseByteSize: a number with an optional unit; KB/MB/GB/TB are powers of 1000,
 * KiB/MiB/GiB/TiB powers of 1024, B or no unit = bytes; {@code _} digit separators allowed.
 */
public final class ByteSize {
    private ByteSize() {}

    public static long parse(String text) {
        String s = text.trim().replace("_", "");
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
        String num = s.substring(0, i);
        String unit = s.substring(i).trim().toUpperCase(Locale.ROOT);
        if (num.isEmpty()) throw new IllegalArgumentException("invalid byte size \"" + text + "\" (expected e.g. 10MB, 512KiB, 1048576)");
        long mult = switch (unit) {
            case "", "B" -> 1L;
            case "K", "KB" -> 1000L;
            case "M", "MB" -> 1000L * 1000;
            case "G", "GB" -> 1000L * 1000 * 1000;
            case "T", "TB" -> 1000L * 1000 * 1000 * 1000;
            case "KIB" -> 1024L;
            case "MIB" -> 1024L * 1024;
            case "GIB" -> 1024L * 1024 * 1024;
            case "TIB" -> 1024L * 1024 * 1024 * 1024;
            default -> -1L;
        };
        if (mult < 0) throw new IllegalArgumentException("invalid byte size \"" + text + "\": unknown unit \"" + s.substring(i).trim() + "\"");
        try {
            return new BigDecimal(num).multiply(BigDecimal.valueOf(mult)).longValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("invalid byte size \"" + text + "\"");
        }
    }
}
