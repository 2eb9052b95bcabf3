package io.agentsh.policy.internal.match;

import java.util.ArrayList;
import java.util.List;

/**
 * A compiled glob with gobwas semantics (reference §8.2): {@code *} any run of non-separator
 * characters, {@code **} any run including separators (may be empty), {@code ?} one non-separator
 * character, {@code [abc]} / {@code [a-z]} / {@code [!abc]} one character, {@code {a,b}}
 * alternatives (nested allowed), {@code \x} a literal x. Whole-string match; separator 0 = none.
 *
 * <p>Brace alternatives are expanded at compile time into plain sequences. Each sequence is
 * matched by the cheapest matcher that fits it: equality, prefix, suffix, prefix+suffix, "prefix
 * then one segment", "last occurrence then one segment", or a bit-parallel NFA simulation (linear
 * in the input, no backtracking). Matching allocates nothing.
 */
public final class Glob {
    private static final int MAX_ALTERNATIVES = 1024;

    private final String pattern;
    private final Seq[] alternatives;

    private Glob(String pattern, Seq[] alternatives) {
        this.pattern = pattern;
        this.alternatives = alternatives;
    }

    public static Glob compile(String pattern, char separator) throws GlobSyntaxException {
        Parser p = new Parser(pattern);
        List<List<Token>> alts = p.parseTop();
        Seq[] seqs = new Seq[alts.size()];
        for (int i = 0; i < seqs.length; i++) seqs[i] = Seq.of(alts.get(i), separator);
        return new Glob(pattern, seqs);
    }

    public String pattern() { return pattern; }

    public boolean matches(String s) {
        for (Seq a : alternatives) if (a.matches(s)) return true;
        return false;
    }

    /** True when the pattern has no wildcards at all (a literal, possibly via escapes / one alternative). */
    public boolean isLiteral() {
        return alternatives.length == 1 && alternatives[0] instanceof Literal;
    }

    /** Whether {@code c} has glob meaning (used to classify command patterns). */
    public static boolean hasMeta(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{' || c == '\\') return true;
        }
        return false;
    }

    @Override public String toString() { return pattern; }

    // ---- tokens -------------------------------------------------------------------------

    enum Kind { LIT, ANY1, STAR, SUPER, CLASS }

    record Token(Kind kind, char ch, char[] ranges, boolean negated) {
        static Token lit(char c) { return new Token(Kind.LIT, c, null, false); }
        boolean classMatches(char c) {
            boolean in = false;
            for (int i = 0; i < ranges.length; i += 2) {
                if (c >= ranges[i] && c <= ranges[i + 1]) { in = true; break; }
            }
            return in != negated;
        }
    }

    private static final class Parser {
        private final String s;
        private int i;

        Parser(String s) { this.s = s; }

        List<List<Token>> parseTop() throws GlobSyntaxException {
            List<List<Token>> r = parseSeq(false);
            if (i < s.length()) throw new GlobSyntaxException("unexpected '" + s.charAt(i) + "' at offset " + i);
            return r;
        }

        /** Parses until end (or ',' / '}' when inside braces); returns the expanded alternatives. */
        private List<List<Token>> parseSeq(boolean inBraces) throws GlobSyntaxException {
            List<List<Token>> acc = new ArrayList<>();
            acc.add(new ArrayList<>());
            while (i < s.length()) {
                char c = s.charAt(i);
                if (inBraces && (c == ',' || c == '}')) break;
                switch (c) {
                    case '\\' -> {
                        if (i + 1 >= s.length()) throw new GlobSyntaxException("trailing backslash at offset " + i);
                        append(acc, Token.lit(s.charAt(i + 1)));
                        i += 2;
                    }
                    case '*' -> {
                        int j = i;
                        while (j < s.length() && s.charAt(j) == '*') j++;
                        append(acc, new Token(j - i >= 2 ? Kind.SUPER : Kind.STAR, '*', null, false));
                        i = j;
                    }
                    case '?' -> { append(acc, new Token(Kind.ANY1, '?', null, false)); i++; }
                    case '[' -> append(acc, parseClass());
                    case '{' -> {
                        int open = i;
                        i++;
                        List<List<Token>> options = new ArrayList<>();
                        while (true) {
                            options.addAll(parseSeq(true));
                            if (i >= s.length()) throw new GlobSyntaxException("unterminated '{' at offset " + open);
                            char d = s.charAt(i++);
                            if (d == '}') break;
                        }
                        List<List<Token>> next = new ArrayList<>();
                        for (List<Token> prefix : acc) {
                            for (List<Token> opt : options) {
                                List<Token> n = new ArrayList<>(prefix);
                                n.addAll(opt);
                                next.add(n);
                                if (next.size() > MAX_ALTERNATIVES) throw new GlobSyntaxException("too many {alternatives}");
                            }
                        }
                        acc = next;
                    }
                    default -> { append(acc, Token.lit(c)); i++; }
                }
            }
            return acc;
        }

        private static void append(List<List<Token>> acc, Token t) {
            boolean wild = t.kind() == Kind.STAR || t.kind() == Kind.SUPER;
            for (List<Token> a : acc) {
                if (wild && !a.isEmpty()) {
                    Token last = a.get(a.size() - 1);
                    if (last.kind() == Kind.STAR || last.kind() == Kind.SUPER) {
                        // adjacent stars collapse; '**' wins over '*'
                        if (t.kind() == Kind.SUPER) a.set(a.size() - 1, t);
                        continue;
                    }
                }
                a.add(t);
            }
        }

        private Token parseClass() throws GlobSyntaxException {
            int open = i;
            i++;
            boolean neg = false;
            if (i < s.length() && (s.charAt(i) == '!' || s.charAt(i) == '^')) { neg = true; i++; }
            StringBuilder ranges = new StringBuilder();
            while (i < s.length() && s.charAt(i) != ']') {
                char lo = s.charAt(i);
                if (lo == '\\' && i + 1 < s.length()) { i++; lo = s.charAt(i); }
                i++;
                char hi = lo;
                if (i + 1 < s.length() && s.charAt(i) == '-' && s.charAt(i + 1) != ']') {
                    hi = s.charAt(i + 1);
                    if (hi == '\\' && i + 2 < s.length()) { hi = s.charAt(i + 2); i++; }
                    i += 2;
                    if (hi < lo) throw new GlobSyntaxException("invalid range " + lo + "-" + hi + " in character class at offset " + open);
                }
                ranges.append(lo).append(hi);
            }
            if (i >= s.length()) throw new GlobSyntaxException("unterminated character class '[' at offset " + open);
            if (ranges.isEmpty()) throw new GlobSyntaxException("empty character class at offset " + open);
            i++; // ']'
            return new Token(Kind.CLASS, '[', ranges.toString().toCharArray(), neg);
        }
    }

    // ---- sequence matchers ----------------------------------------------------------------

    abstract static sealed class Seq permits Literal, Any, Prefix, Suffix, PrefixSuffix, PrefixSegment, LastSegment, Nfa {
        abstract boolean matches(String s);

        static Seq of(List<Token> t, char sep) {
            int n = t.size();
            int firstWild = -1, wildCount = 0;
            for (int k = 0; k < n; k++) {
                if (t.get(k).kind() != Kind.LIT) { wildCount++; if (firstWild < 0) firstWild = k; }
            }
            if (wildCount == 0) return new Literal(lits(t, 0, n));
            if (wildCount == 1) {
                Token w = t.get(firstWild);
                String pre = lits(t, 0, firstWild), suf = lits(t, firstWild + 1, n);
                if (w.kind() == Kind.SUPER || (w.kind() == Kind.STAR && sep == 0)) {
                    if (pre.isEmpty() && suf.isEmpty()) return new Any();
                    if (suf.isEmpty()) return new Prefix(pre);
                    if (pre.isEmpty()) return new Suffix(suf);
                    return new PrefixSuffix(pre, suf);
                }
                if (w.kind() == Kind.STAR && suf.isEmpty()) return new PrefixSegment(pre, sep);
            }
            if (wildCount == 2 && n >= 2 && t.get(0).kind() == Kind.SUPER && t.get(n - 1).kind() == Kind.STAR && sep != 0) {
                return new LastSegment(lits(t, 1, n - 1), sep);
            }
            return new Nfa(t, sep);
        }

        private static String lits(List<Token> t, int from, int to) {
            StringBuilder sb = new StringBuilder();
            for (int k = from; k < to; k++) sb.append(t.get(k).ch());
            return sb.toString();
        }
    }

    static final class Literal extends Seq {
        final String lit;
        Literal(String lit) { this.lit = lit; }
        @Override boolean matches(String s) { return s.equals(lit); }
    }

    static final class Any extends Seq {
        @Override boolean matches(String s) { return true; }
    }

    static final class Prefix extends Seq {
        final String pre;
        Prefix(String pre) { this.pre = pre; }
        @Override boolean matches(String s) { return s.startsWith(pre); }
    }

    static final class Suffix extends Seq {
        final String suf;
        Suffix(String suf) { this.suf = suf; }
        @Override boolean matches(String s) { return s.endsWith(suf); }
    }

    static final class PrefixSuffix extends Seq {
        final String pre, suf;
        PrefixSuffix(String pre, String suf) { this.pre = pre; this.suf = suf; }
        @Override boolean matches(String s) {
            return s.length() >= pre.length() + suf.length() && s.startsWith(pre) && s.endsWith(suf);
        }
    }

    /** {@code prefix*}: the rest after the prefix holds no separator. */
    static final class PrefixSegment extends Seq {
        final String pre;
        final char sep;
        PrefixSegment(String pre, char sep) { this.pre = pre; this.sep = sep; }
        @Override boolean matches(String s) { return s.startsWith(pre) && s.indexOf(sep, pre.length()) < 0; }
    }

    /**
     * {@code **lit*}: some occurrence of lit followed by no separator. Only the last occurrence needs
     * checking: any separator after it is also after every earlier one.
     */
    static final class LastSegment extends Seq {
        final String lit;
        final char sep;
        LastSegment(String lit, char sep) { this.lit = lit; this.sep = sep; }
        @Override boolean matches(String s) {
            int k = s.lastIndexOf(lit);
            return k >= 0 && s.indexOf(sep, k + lit.length()) < 0;
        }
    }

    /** Bit-parallel NFA over the token list: state i = "token i is next". Linear time, no backtracking. */
    static final class Nfa extends Seq {
        private final Token[] t;
        private final char sep;
        private final String prefix, suffix;
        private final int minLen;
        private final long starMask;

        Nfa(List<Token> tokens, char sep) {
            this.t = tokens.toArray(new Token[0]);
            this.sep = sep;
            int p = 0;
            while (p < t.length && t[p].kind() == Kind.LIT) p++;
            this.prefix = Seq.lits(tokens, 0, p);
            int q = t.length;
            while (q > p && t[q - 1].kind() == Kind.LIT) q--;
            this.suffix = Seq.lits(tokens, q, t.length);
            int min = 0;
            long mask = 0;
            for (int k = 0; k < t.length; k++) {
                Kind kd = t[k].kind();
                if (kd != Kind.STAR && kd != Kind.SUPER) min++;
                else if (k < 64) mask |= 1L << k;
            }
            this.minLen = min;
            this.starMask = mask;
        }

        @Override boolean matches(String s) {
            if (s.length() < minLen || !s.startsWith(prefix) || !s.endsWith(suffix)) return false;
            return t.length < 63 ? runSmall(s) : runLarge(s);
        }

        private long closure(long st) {
            long stars = st & starMask;
            while (stars != 0) {
                int i = Long.numberOfTrailingZeros(stars);
                stars &= stars - 1;
                long bit = 1L << (i + 1);
                if ((st & bit) == 0) {
                    st |= bit;
                    if ((starMask & bit) != 0) stars |= bit;
                }
            }
            return st;
        }

        private boolean runSmall(String s) {
            final int n = t.length;
            long st = closure(1L);
            for (int pos = 0; pos < s.length() && st != 0; pos++) {
                char c = s.charAt(pos);
                long next = 0, cur = st & ~(1L << n);
                while (cur != 0) {
                    int i = Long.numberOfTrailingZeros(cur);
                    cur &= cur - 1;
                    Token tok = t[i];
                    switch (tok.kind()) {
                        case LIT -> { if (c == tok.ch()) next |= 1L << (i + 1); }
                        case ANY1 -> { if (c != sep || sep == 0) next |= 1L << (i + 1); }
                        case CLASS -> { if (tok.classMatches(c)) next |= 1L << (i + 1); }
                        case STAR -> { if (c != sep || sep == 0) next |= 1L << i; }
                        case SUPER -> next |= 1L << i;
                    }
                }
                st = closure(next);
            }
            return (st & (1L << n)) != 0;
        }

        private boolean runLarge(String s) {
            final int n = t.length;
            boolean[] st = new boolean[n + 1], next = new boolean[n + 1];
            st[0] = true;
            closeLarge(st);
            for (int pos = 0; pos < s.length(); pos++) {
                char c = s.charAt(pos);
                java.util.Arrays.fill(next, false);
                boolean any = false;
                for (int i = 0; i < n; i++) {
                    if (!st[i]) continue;
                    Token tok = t[i];
                    switch (tok.kind()) {
                        case LIT -> { if (c == tok.ch()) { next[i + 1] = true; any = true; } }
                        case ANY1 -> { if (c != sep || sep == 0) { next[i + 1] = true; any = true; } }
                        case CLASS -> { if (tok.classMatches(c)) { next[i + 1] = true; any = true; } }
                        case STAR -> { if (c != sep || sep == 0) { next[i] = true; any = true; } }
                        case SUPER -> { next[i] = true; any = true; }
                    }
                }
                if (!any) return false;
                boolean[] tmp = st; st = next; next = tmp;
                closeLarge(st);
            }
            return st[n];
        }

        private void closeLarge(boolean[] st) {
            for (int i = 0; i < t.length; i++) {
                if (st[i] && (t[i].kind() == Kind.STAR || t[i].kind() == Kind.SUPER)) st[i + 1] = true;
            }
        }
    }
}
