package io.agentsh.proxy.dlp;

/**
 * Derives a {@link RegexShape} from RE2 syntax (the dialect re2j and the reference accept). It is
 * a small recursive-descent reader of the syntax, not a matcher: it only needs to be
 * conservative. Anything it does not understand yields {@link RegexShape#UNKNOWN}, which makes
 * the scanner fall back to running the (linear) regex over the whole text.
 */
public final class RegexAnalyzer {

    private static final Alphabet DIGITS = Alphabet.range('0', '9');
    private static final Alphabet SPACE = Alphabet.chars("\t\n\f\r ");
    private static final Alphabet WORD = Alphabet.range('0', '9').union(Alphabet.range('A', 'Z'))
            .union(Alphabet.range('a', 'z')).with('_');

    private final String src;
    private int pos;
    private boolean caseInsensitive;
    private boolean dotAll;
    private boolean anchored;

    private RegexAnalyzer(String src) {
        this.src = src;
    }

    public static RegexShape analyze(String regex) {
        try {
            RegexAnalyzer a = new RegexAnalyzer(regex);
            Node n = a.alternation();
            if (a.pos != regex.length()) {
                return RegexShape.UNKNOWN;
            }
            int min = Math.max(1, n.min);
            return new RegexShape(n.alpha, min, n.max, n.digits, n.prefix, n.required, a.anchored);
        } catch (RuntimeException e) {
            return RegexShape.UNKNOWN;
        }
    }

    /** Synthesised attributes of a sub-expression; exact is non-null when it matches one fixed string. */
    private record Node(Alphabet alpha, int min, int max, int digits, String prefix, String exact, Alphabet required) {
        static Node empty() {
            return new Node(Alphabet.EMPTY, 0, 0, 0, "", "", Alphabet.EMPTY);
        }

        static Node charClass(Alphabet a) {
            int single = a.singleChar();
            String exact = single >= 0 ? String.valueOf((char) single) : null;
            return new Node(a, 1, 1, a.subsetOf(DIGITS) && !a.isEmpty() ? 1 : 0, exact == null ? "" : exact, exact,
                    single >= 0 ? a : Alphabet.EMPTY);
        }
    }

    private static int addLen(int a, int b) {
        long s = (long) a + b;
        return (a == RegexShape.UNBOUNDED || b == RegexShape.UNBOUNDED || s >= RegexShape.UNBOUNDED)
                ? RegexShape.UNBOUNDED : (int) s;
    }

    private static int mulLen(int a, int n) {
        if (a == 0 || n == 0) {
            return 0;
        }
        long p = (long) a * n;
        return (a == RegexShape.UNBOUNDED || n == RegexShape.UNBOUNDED || p >= RegexShape.UNBOUNDED)
                ? RegexShape.UNBOUNDED : (int) p;
    }

    private Node alternation() {
        boolean savedCi = caseInsensitive;
        boolean savedDot = dotAll;
        Node acc = concatenation();
        while (pos < src.length() && src.charAt(pos) == '|') {
            pos++;
            Node b = concatenation();
            acc = new Node(acc.alpha.union(b.alpha), Math.min(acc.min, b.min), Math.max(acc.max, b.max),
                    Math.min(acc.digits, b.digits), commonPrefix(acc.prefix, b.prefix),
                    acc.exact != null && acc.exact.equals(b.exact) ? acc.exact : null,
                    acc.required.intersect(b.required));
        }
        caseInsensitive = savedCi;
        dotAll = savedDot;
        return acc;
    }

    private static String commonPrefix(String a, String b) {
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return a.substring(0, i);
    }

    private Node concatenation() {
        Node acc = Node.empty();
        while (pos < src.length() && src.charAt(pos) != '|' && src.charAt(pos) != ')') {
            Node b = repetition();
            if (b == null) {
                continue;   // a flag group such as (?i) that only changes state
            }
            String prefix = acc.exact != null ? acc.exact + b.prefix : acc.prefix;
            acc = new Node(acc.alpha.union(b.alpha), addLen(acc.min, b.min), addLen(acc.max, b.max),
                    acc.digits + b.digits, prefix, acc.exact != null && b.exact != null ? acc.exact + b.exact : null,
                    acc.required.union(b.required));
        }
        return acc;
    }

    private Node repetition() {
        Node atom = atom();
        if (atom == null) {
            return null;
        }
        while (pos < src.length()) {
            char c = src.charAt(pos);
            int lo;
            int hi;
            if (c == '*') {
                lo = 0;
                hi = RegexShape.UNBOUNDED;
                pos++;
            } else if (c == '+') {
                lo = 1;
                hi = RegexShape.UNBOUNDED;
                pos++;
            } else if (c == '?') {
                lo = 0;
                hi = 1;
                pos++;
            } else if (c == '{' && isRepeatBrace()) {
                int close = src.indexOf('}', pos);
                String body = src.substring(pos + 1, close);
                int comma = body.indexOf(',');
                if (comma < 0) {
                    lo = hi = Integer.parseInt(body);
                } else {
                    lo = Integer.parseInt(body.substring(0, comma));
                    hi = comma == body.length() - 1 ? RegexShape.UNBOUNDED : Integer.parseInt(body.substring(comma + 1));
                }
                pos = close + 1;
            } else {
                break;
            }
            if (pos < src.length() && src.charAt(pos) == '?') {
                pos++;   // lazy: same shape
            }
            String exact = atom.exact != null && lo == hi && lo < 1000 ? atom.exact.repeat(lo) : null;
            atom = new Node(atom.alpha, mulLen(atom.min, lo), mulLen(atom.max, hi), atom.digits * lo,
                    lo >= 1 ? atom.prefix : "", exact, lo >= 1 ? atom.required : Alphabet.EMPTY);
        }
        return atom;
    }

    private boolean isRepeatBrace() {
        int close = src.indexOf('}', pos);
        return close > pos + 1 && src.substring(pos + 1, close).matches("[0-9]+(,[0-9]*)?");
    }

    private Node atom() {
        char c = src.charAt(pos);
        switch (c) {
            case '(':
                return group();
            case '[':
                return Node.charClass(fold(charClass()));
            case '.':
                pos++;
                return Node.charClass(dotAll ? Alphabet.ALL : Alphabet.ALL.intersect(Alphabet.of('\n').negate()));
            case '^':
            case '$':
                pos++;
                anchored = true;
                return Node.empty();
            case '\\':
                return escape();
            default:
                pos++;
                return Node.charClass(fold(Alphabet.of(c)));
        }
    }

    private Alphabet fold(Alphabet a) {
        return caseInsensitive ? a.caseFolded() : a;
    }

    private Node group() {
        pos++;   // '('
        boolean savedCi = caseInsensitive;
        boolean savedDot = dotAll;
        if (src.startsWith("?", pos)) {
            pos++;
            if (src.startsWith("P<", pos) || src.startsWith("<", pos)) {
                pos = src.indexOf('>', pos) + 1;
            } else {
                boolean on = true;
                while (true) {
                    char f = src.charAt(pos++);
                    if (f == ')') {
                        return null;   // (?flags): applies to the rest of the enclosing group
                    }
                    if (f == ':') {
                        break;
                    }
                    switch (f) {
                        case '-' -> on = false;
                        case 'i' -> caseInsensitive = on;
                        case 's' -> dotAll = on;
                        case 'm', 'U' -> { }
                        default -> throw new IllegalArgumentException("flag " + f);
                    }
                }
            }
        }
        Node inner = alternation();
        if (src.charAt(pos) != ')') {
            throw new IllegalArgumentException("unbalanced");
        }
        pos++;
        caseInsensitive = savedCi;
        dotAll = savedDot;
        return inner;
    }

    private Node escape() {
        pos++;
        char e = src.charAt(pos++);
        switch (e) {
            case 'b', 'B':
                return Node.empty();
            case 'A', 'z':
                anchored = true;
                return Node.empty();
            case 'Q': {
                int end = src.indexOf("\\E", pos);
                String lit = end < 0 ? src.substring(pos) : src.substring(pos, end);
                pos = end < 0 ? src.length() : end + 2;
                Node acc = Node.empty();
                for (int i = 0; i < lit.length(); i++) {
                    Node b = Node.charClass(fold(Alphabet.of(lit.charAt(i))));
                    acc = new Node(acc.alpha.union(b.alpha), acc.min + 1, acc.max + 1, acc.digits + b.digits,
                            acc.exact != null ? acc.exact + b.prefix : acc.prefix,
                            acc.exact != null && b.exact != null ? acc.exact + b.exact : null, acc.required.union(b.required));
                }
                return acc;
            }
            default:
                pos--;
                return Node.charClass(fold(classEscape()));
        }
    }

    /** An escape that denotes a set of characters, at pos (just after the backslash). */
    private Alphabet classEscape() {
        char e = src.charAt(pos++);
        return switch (e) {
            case 'd' -> DIGITS;
            case 'D' -> DIGITS.negate();
            case 's' -> SPACE;
            case 'S' -> SPACE.negate();
            case 'w' -> WORD;
            case 'W' -> WORD.negate();
            case 'p', 'P', 'C' -> {
                if (e != 'C' && pos < src.length() && src.charAt(pos) == '{') {
                    pos = src.indexOf('}', pos) + 1;
                } else if (e != 'C') {
                    pos++;
                }
                yield Alphabet.ALL;
            }
            case 'n' -> Alphabet.of('\n');
            case 't' -> Alphabet.of('\t');
            case 'r' -> Alphabet.of('\r');
            case 'f' -> Alphabet.of('\f');
            case 'v' -> Alphabet.of('\u000b');
            case 'a' -> Alphabet.of('\u0007');
            case 'x' -> {
                int cp;
                if (src.charAt(pos) == '{') {
                    int close = src.indexOf('}', pos);
                    cp = Integer.parseInt(src.substring(pos + 1, close), 16);
                    pos = close + 1;
                } else {
                    cp = Integer.parseInt(src.substring(pos, pos + 2), 16);
                    pos += 2;
                }
                yield cp < 128 ? Alphabet.of((char) cp) : new Alphabet(0, 0, true);
            }
            default -> {
                if (e >= '0' && e <= '7') {
                    int start = pos - 1;
                    while (pos < src.length() && pos - start < 3 && src.charAt(pos) >= '0' && src.charAt(pos) <= '7') {
                        pos++;
                    }
                    int cp = Integer.parseInt(src.substring(start, pos), 8);
                    yield cp < 128 ? Alphabet.of((char) cp) : new Alphabet(0, 0, true);
                }
                if (Character.isLetterOrDigit(e)) {
                    throw new IllegalArgumentException("escape \\" + e);
                }
                yield Alphabet.of(e);   // escaped punctuation is itself
            }
        };
    }

    private Alphabet charClass() {
        pos++;   // '['
        boolean negated = false;
        if (src.charAt(pos) == '^') {
            negated = true;
            pos++;
        }
        Alphabet acc = Alphabet.EMPTY;
        boolean first = true;
        while (src.charAt(pos) != ']' || first) {
            first = false;
            if (src.startsWith("[:", pos)) {
                int close = src.indexOf(":]", pos);
                acc = acc.union(posixClass(src.substring(pos + 2, close)));
                pos = close + 2;
                continue;
            }
            char lo = src.charAt(pos);
            Alphabet single;
            if (lo == '\\') {
                pos++;
                single = classEscape();
            } else {
                pos++;
                single = Alphabet.of(lo);
            }
            int loChar = single.singleChar();
            if (loChar >= 0 && src.charAt(pos) == '-' && src.charAt(pos + 1) != ']') {
                pos++;
                char hi = src.charAt(pos++);
                if (hi == '\\') {
                    int h = classEscape().singleChar();
                    if (h < 0) {
                        throw new IllegalArgumentException("range");
                    }
                    hi = (char) h;
                }
                acc = acc.union(Alphabet.range((char) loChar, hi));
            } else {
                acc = acc.union(single);
            }
        }
        pos++;   // ']'
        if (caseInsensitive) {
            acc = acc.caseFolded();
        }
        return negated ? acc.negate() : acc;
    }

    private static Alphabet posixClass(String name) {
        boolean neg = name.startsWith("^");
        String n = neg ? name.substring(1) : name;
        Alphabet upper = Alphabet.range('A', 'Z');
        Alphabet lower = Alphabet.range('a', 'z');
        Alphabet a = switch (n) {
            case "alpha" -> upper.union(lower);
            case "digit" -> DIGITS;
            case "alnum" -> upper.union(lower).union(DIGITS);
            case "upper" -> upper;
            case "lower" -> lower;
            case "space" -> SPACE.with('\u000b');
            case "xdigit" -> DIGITS.union(Alphabet.range('a', 'f')).union(Alphabet.range('A', 'F'));
            case "word" -> WORD;
            default -> Alphabet.ALL;
        };
        return neg ? a.negate() : a;
    }
}
