package io.agentsh.proxy.dlp;

/**
 * The reference's {@code (?:\+1)?[-.\s]?\(?\d{3}\)?[-.\s]?\d{3}[-.\s]?\d{4}}, hand-coded. The
 * pattern is a fixed sequence with six greedy optional parts, so trying, at each start, the
 * options in the regex's priority order (take the part before skipping it) gives exactly the
 * leftmost-first match in bounded work per start: linear overall.
 */
record PhoneDetector(String name, String display, RegexShape shape) implements Detector {

    static final String PATTERN = "(?:\\+1)?[-.\\s]?\\(?\\d{3}\\)?[-.\\s]?\\d{3}[-.\\s]?\\d{4}";

    PhoneDetector() {
        this("phone", "phone", RegexAnalyzer.analyze(PATTERN));
    }

    @Override
    public void find(String text, int from, int to, MatchList out, int index) {
        int s = from;
        while (s + 10 <= to) {
            int e = matchAt(text, s, to);
            if (e > 0) {
                out.add(s, e, index);
                s = e;
            } else {
                s++;
            }
        }
    }

    private static int matchAt(String t, int s, int to) {
        for (int plus = 1; plus >= 0; plus--) {
            int p = s;
            if (plus == 1) {
                if (!(p + 1 < to && t.charAt(p) == '+' && t.charAt(p + 1) == '1')) {
                    continue;
                }
                p += 2;
            }
            for (int sep1 = 1; sep1 >= 0; sep1--) {
                int q = p;
                if (sep1 == 1) {
                    if (!(q < to && Ascii.isPhoneSep(t.charAt(q)))) {
                        continue;
                    }
                    q++;
                }
                for (int open = 1; open >= 0; open--) {
                    int r = q;
                    if (open == 1) {
                        if (!(r < to && t.charAt(r) == '(')) {
                            continue;
                        }
                        r++;
                    }
                    if (!Ascii.digits(t, r, 3, to)) {
                        continue;
                    }
                    r += 3;
                    int e = rest(t, r, to);
                    if (e > 0) {
                        return e;
                    }
                }
            }
        }
        return -1;
    }

    /** {@code \)?[-.\s]?\d{3}[-.\s]?\d{4}} from r. */
    private static int rest(String t, int r, int to) {
        for (int close = 1; close >= 0; close--) {
            int a = r;
            if (close == 1) {
                if (!(a < to && t.charAt(a) == ')')) {
                    continue;
                }
                a++;
            }
            for (int sep2 = 1; sep2 >= 0; sep2--) {
                int b = a;
                if (sep2 == 1) {
                    if (!(b < to && Ascii.isPhoneSep(t.charAt(b)))) {
                        continue;
                    }
                    b++;
                }
                if (!Ascii.digits(t, b, 3, to)) {
                    continue;
                }
                b += 3;
                for (int sep3 = 1; sep3 >= 0; sep3--) {
                    int c = b;
                    if (sep3 == 1) {
                        if (!(c < to && Ascii.isPhoneSep(t.charAt(c)))) {
                            continue;
                        }
                        c++;
                    }
                    if (Ascii.digits(t, c, 4, to)) {
                        return c + 4;
                    }
                }
            }
        }
        return -1;
    }
}
