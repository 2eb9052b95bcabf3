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

    /** The case-insensitive hash {@link #contains(String, int, int, int)} takes: compute once, probe many sets. */
    public static int hashOf(String s, int from, int to) { return hash(s, from, to); }

    private static int hash(String s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) h = 31 * h + low(s.charAt(i));
        return h ^ (h >>> 16);
    }

    public boolean contains(String s) { return contains(s, 0, s.length()); }

    public boolean contains(String s, int from, int to) {
        if (size == 0) return false;
        return contains(s, from, to, hash(s, from, to));
    }

    /** As {@link #contains(String, int, int)} with the region's {@link #hashOf} already known. */
    public boolean contains(String s, int from, int to, int hash) {
        if (size == 0) return false;
        int len = to - from;
        int h = hash & mask;
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

    /** Case-sensitive region lookup giving each string's index (first path segments). */
    public static final class Indexed {
        private final String[] table;
        private final int[] index;
        private final int mask;

        public Indexed(java.util.List<String> values) {
            int cap = 4;
            while (cap < values.size() * 2 + 2) cap <<= 1;
            table = new String[cap];
            index = new int[cap];
            mask = cap - 1;
            for (int i = 0; i < values.size(); i++) {
                String v = values.get(i);
                int h = hashExact(v, 0, v.length()) & mask;
                while (table[h] != null && !table[h].equals(v)) h = (h + 1) & mask;
                if (table[h] == null) { table[h] = v; index[h] = i; }
            }
        }

        private static int hashExact(String s, int from, int to) {
            int h = 0;
            for (int i = from; i < to; i++) h = 31 * h + s.charAt(i);
            return h ^ (h >>> 16);
        }

        /** Index of {@code s[from, to)}, or -1. */
        public int indexOf(String s, int from, int to) {
            int len = to - from;
            int h = hashExact(s, from, to) & mask;
            String e;
            while ((e = table[h]) != null) {
                if (e.length() == len && s.regionMatches(from, e, 0, len)) return index[h];
                h = (h + 1) & mask;
            }
            return -1;
        }
    }
}
