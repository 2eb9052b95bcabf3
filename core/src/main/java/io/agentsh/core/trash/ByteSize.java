package io.agentsh.core.trash;

import java.util.Locale;

/**
 * Byte sizes as the reference's config accepts them: a number with an optional unit, KB/MB/GB/TB
 * powers of 1000, KiB/MiB/GiB/TiB powers of 1024 (also K/M/G/T = 1000-based), case-insensitive,
 * {@code _} allowed as a separator ({@code 5GB}, {@code 512MiB}, {@code 1_000_000}).
 */
public final class ByteSize {
    private ByteSize() {}

    public static long parse(String text) {
        if (text == null || text.isBlank()) throw new IllegalArgumentException("empty size");
        String s = text.trim().replace("_", "").toLowerCase(Locale.ROOT);
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
        if (i == 0) throw new IllegalArgumentException("invalid size \"" + text + "\": expected a number such as 5GB or 512MiB");
        double n = Double.parseDouble(s.substring(0, i));
        String unit = s.substring(i).trim();
        long mul = switch (unit) {
            case "", "b" -> 1L;
            case "k", "kb" -> 1000L;
            case "m", "mb" -> 1000L * 1000;
            case "g", "gb" -> 1000L * 1000 * 1000;
            case "t", "tb" -> 1000L * 1000 * 1000 * 1000;
            case "kib" -> 1L << 10;
            case "mib" -> 1L << 20;
            case "gib" -> 1L << 30;
            case "tib" -> 1L << 40;
            default -> throw new IllegalArgumentException("invalid size \"" + text + "\": unknown unit \"" + unit
                    + "\" (use B, KB, MB, GB, TB, KiB, MiB, GiB or TiB)");
        };
        return (long) (n * mul);
    }

    /** Short human form for listings: 512 B, 1.5 KB, 3.2 MB. */
    public static String human(long bytes) {
        if (bytes < 1000) return bytes + " B";
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
