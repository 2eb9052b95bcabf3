package io.agentsh.policy.internal.match;

import java.util.Collection;

/**
 * An immutable set of ASCII-case-insensitive strings that can be probed with a region of another
 * string ({@code s[from, to)}) without allocating: the command basename of {@code /usr/bin/git}
 * is looked up in place. Open addressing, power-of-two table.
 */
public final class RegionSet {
    private final String[] table;
    private final int mask;
    private final int size;

    public RegionSet(Collection<String> values) {
        int cap = 4;
        while (cap < values.size() * 2 + 2) cap <<= 1;
        table = new String[cap];
        mask = cap - 1;
        int n = 0;
        for (String v : values) {
            String lower = lower(v);
            int h = hash(lower, 0, lower.length()) & mask;
            boolean dup = false;
            while (table[h] != null) {
                if (table[h].equals(lower)) { dup = true; break; }
                h = (h + 1) & mask;
            }
            if (!dup) { table[h] = lower; n++; }
        }
        size = n;
    }

    public boolean isEmpty() { return size == 0; }

    private static String lower(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) sb.append(low(s.charAt(i)));
        return sb.toString();
    }

    private static char low(char c) { return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c; }

    private static int hash(String s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) h = 31 * h + low(s.charAt(i));
        return h ^ (h >>> 16);
    }

    public boolean contains(String s) { return contains(s, 0, s.length()); }

    public boolean contains(String s, int from, int to) {
        if (size == 0) return false;
        int len = to - from;
        int h = hash(s, from, to) & mask;
        String e;
        while ((e = table[h]) != null) {
            if (e.length() == len && regionEqualsLower(e, s, from)) return true;
            h = (h + 1) & mask;
        }
        return false;
    }

    private static boolean regionEqualsLower(String lower, String s, int from) {
        for (int i = 0; i < lower.length(); i++) if (lower.charAt(i) != low(s.charAt(from + i))) return false;
        return true;
    }
}
