package io.agentsh.proxy.dlp;

/**
 * The set of characters a detector's match can contain: 128 ASCII bits plus one flag standing
 * for every non-ASCII character. Matches never cross a character outside the alphabet, so the
 * text splits into independent "runs" that can be scanned (and streamed) separately.
 */
public record Alphabet(long lo, long hi, boolean nonAscii) {

    public static final Alphabet EMPTY = new Alphabet(0L, 0L, false);
    public static final Alphabet ALL = new Alphabet(-1L, -1L, true);

    public static Alphabet of(char c) {
        return EMPTY.with(c);
    }

    public static Alphabet range(char from, char to) {
        Alphabet a = EMPTY;
        for (int c = from; c <= to && c < 128; c++) {
            a = a.with((char) c);
        }
        return (to >= 128) ? new Alphabet(a.lo, a.hi, true) : a;
    }

    public static Alphabet chars(String s) {
        Alphabet a = EMPTY;
        for (int i = 0; i < s.length(); i++) {
            a = a.with(s.charAt(i));
        }
        return a;
    }

    public Alphabet with(char c) {
        if (c >= 128) {
            return new Alphabet(lo, hi, true);
        }
        return c < 64 ? new Alphabet(lo | (1L << c), hi, nonAscii) : new Alphabet(lo, hi | (1L << (c - 64)), nonAscii);
    }

    public Alphabet union(Alphabet o) {
        return new Alphabet(lo | o.lo, hi | o.hi, nonAscii || o.nonAscii);
    }

    /** Complement; any negated class can match non-ASCII characters. */
    public Alphabet negate() {
        return new Alphabet(~lo, ~hi, true);
    }

    /** Adds the other case of every ASCII letter (RE2's (?i) also folds to a few non-ASCII letters). */
    public Alphabet caseFolded() {
        Alphabet a = this;
        boolean letters = false;
        for (char c = 'A'; c <= 'Z'; c++) {
            char l = (char) (c + 32);
            if (contains(c) || contains(l)) {
                a = a.with(c).with(l);
                letters = true;
            }
        }
        return letters ? new Alphabet(a.lo, a.hi, true) : a;
    }

    public boolean contains(char c) {
        if (c >= 128) {
            return nonAscii;
        }
        return c < 64 ? (lo & (1L << c)) != 0 : (hi & (1L << (c - 64))) != 0;
    }

    public boolean isAll() {
        return lo == -1L && hi == -1L && nonAscii;
    }

    /** True if the alphabet holds exactly one character (then it is a literal). */
    public int singleChar() {
        if (nonAscii) {
            return -1;
        }
        int n = Long.bitCount(lo) + Long.bitCount(hi);
        if (n != 1) {
            return -1;
        }
        return lo != 0 ? Long.numberOfTrailingZeros(lo) : 64 + Long.numberOfTrailingZeros(hi);
    }

    public Alphabet intersect(Alphabet o) {
        return new Alphabet(lo & o.lo, hi & o.hi, nonAscii && o.nonAscii);
    }

    public boolean isEmpty() {
        return lo == 0 && hi == 0 && !nonAscii;
    }

    public boolean subsetOf(Alphabet o) {
        return (lo & ~o.lo) == 0 && (hi & ~o.hi) == 0 && (!nonAscii || o.nonAscii);
    }
}
