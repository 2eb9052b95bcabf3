package io.agentsh.proxy.dlp;

/**
 * A hand-coded matcher for the built-in patterns that are a fixed run of digit groups with
 * optional one-character parts between them (phone, SSN). Each optional part is tried taken first,
 * then skipped, which is the priority order of a greedy {@code ?} in RE2, so the first way through
 * is the leftmost-first match the reference's regex finds; with a handful of optional parts the
 * work per start is bounded, so a scan is linear. Immutable: one instance serves every scan.
 */
final class DigitGroups {

    /** A test on one character, so a part can name a class like {@link Ascii#isPhoneSep}. */
    @FunctionalInterface
    interface CharClass {
        boolean test(char c);
    }

    /** One element of the sequence. */
    sealed interface Part permits Digits, Optional, NoWordAfter {
    }

    /** Exactly {@code count} ASCII digits. */
    record Digits(int count) implements Part {
    }

    /** An optional literal ({@code "+1"}, {@code "("}) or, when {@code literal} is null, one character of {@code cls}. */
    record Optional(String literal, CharClass cls) implements Part {
    }

    /** RE2's {@code \b} after a digit: the text ends here or the next character is not a word character. */
    record NoWordAfter() implements Part {
    }

    static Part digits(int count) {
        return new Digits(count);
    }

    static Part optional(String literal) {
        return new Optional(literal, null);
    }

    static Part optional(CharClass cls) {
        return new Optional(null, cls);
    }

    static Part noWordAfter() {
        return new NoWordAfter();
    }

    private final Part[] parts;
    private final int minLength;
    private final boolean noWordBefore;

    /**
     * @param noWordBefore RE2's {@code \b} before the first digit: a match starts only at the
     *     text's start or after a character that is not a word character
     */
    DigitGroups(boolean noWordBefore, Part... parts) {
        this.parts = parts.clone();
        this.noWordBefore = noWordBefore;
        int min = 0;
        for (Part p : parts) {
            if (p instanceof Digits d) {
                min += d.count();
            }
        }
        this.minLength = min;
    }

    /** Adds every non-overlapping leftmost-first match in text[from, to) to {@code out}. */
    void find(String text, int from, int to, MatchList out, int index) {
        int s = from;
        while (s + minLength <= to) {
            int e = (!noWordBefore || s == 0 || !Ascii.isWord(text.charAt(s - 1))) ? matchAt(text, s, 0, to) : -1;
            if (e > 0) {
                out.add(s, e, index);
                s = e;
            } else {
                s++;
            }
        }
    }

    /** The end of the first way parts[i..] match from {@code p}, or -1. */
    private int matchAt(String t, int p, int i, int to) {
        if (i == parts.length) {
            return p;
        }
        switch (parts[i]) {
            case Digits d -> {
                return Ascii.digits(t, p, d.count(), to) ? matchAt(t, p + d.count(), i + 1, to) : -1;
            }
            case Optional o -> {
                int taken = takes(o, t, p, to);
                if (taken > 0) {
                    int e = matchAt(t, p + taken, i + 1, to);
                    if (e > 0) {
                        return e;
                    }
                }
                return matchAt(t, p, i + 1, to);
            }
            case NoWordAfter n -> {
                // The boundary looks at the whole text, past the scanned window, as the regex does.
                return p == t.length() || !Ascii.isWord(t.charAt(p)) ? matchAt(t, p, i + 1, to) : -1;
            }
        }
    }

    /** How many characters the optional part takes at {@code p} (0 when it cannot). */
    private static int takes(Optional o, String t, int p, int to) {
        if (o.literal() == null) {
            return p < to && o.cls().test(t.charAt(p)) ? 1 : 0;
        }
        return t.startsWith(o.literal(), p) && p + o.literal().length() <= to ? o.literal().length() : 0;
    }
}
