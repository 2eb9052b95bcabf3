package io.agentsh.proxy.dlp;

/**
 * The reference's {@code \b\d{3}[-\s]?\d{2}[-\s]?\d{4}\b}, hand-coded like {@link PhoneDetector}:
 * a fixed sequence with two greedy optional separators, tried in priority order at each start.
 */
record SsnDetector(String name, String display, RegexShape shape) implements Detector {

    static final String PATTERN = "\\b\\d{3}[-\\s]?\\d{2}[-\\s]?\\d{4}\\b";

    SsnDetector() {
        this("ssn", "ssn", RegexAnalyzer.analyze(PATTERN));
    }

    @Override
    public void find(String text, int from, int to, MatchList out, int index) {
        int s = from;
        while (s + 9 <= to) {
            int e = (s == 0 || !Ascii.isWord(text.charAt(s - 1))) ? matchAt(text, s, to) : -1;
            if (e > 0) {
                out.add(s, e, index);
                s = e;
            } else {
                s++;
            }
        }
    }

    private static int matchAt(String t, int s, int to) {
        if (!Ascii.digits(t, s, 3, to)) {
            return -1;
        }
        int p = s + 3;
        for (int sep1 = 1; sep1 >= 0; sep1--) {
            int q = p;
            if (sep1 == 1) {
                if (!(q < to && Ascii.isSsnSep(t.charAt(q)))) {
                    continue;
                }
                q++;
            }
            if (!Ascii.digits(t, q, 2, to)) {
                continue;
            }
            q += 2;
            for (int sep2 = 1; sep2 >= 0; sep2--) {
                int r = q;
                if (sep2 == 1) {
                    if (!(r < to && Ascii.isSsnSep(t.charAt(r)))) {
                        continue;
                    }
                    r++;
                }
                if (!Ascii.digits(t, r, 4, to)) {
                    continue;
                }
                r += 4;
                if (r == t.length() || !Ascii.isWord(t.charAt(r))) {
                    return r;
                }
            }
        }
        return -1;
    }
}
