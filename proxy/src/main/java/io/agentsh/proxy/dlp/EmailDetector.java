package io.agentsh.proxy.dlp;

/**
 * The reference's {@code [a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}}, hand-coded with the
 * same leftmost-first, greedy result. For an {@code @}: the local part is the longest run of
 * local characters before it (not reaching back past the previous match); the domain is the
 * run of domain characters after it, cut after the last "." that has at least one character
 * before it and two letters after it, followed by all the letters there. Each character is
 * looked at a bounded number of times, so it is linear.
 */
record EmailDetector(String name, String display, RegexShape shape) implements Detector {

    static final String PATTERN = "[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}";

    EmailDetector() {
        this("email", "email", RegexAnalyzer.analyze(PATTERN));
    }

    @Override
    public void find(String text, int from, int to, MatchList out, int index) {
        int pos = from;
        int at = text.indexOf('@', pos);
        while (at >= 0 && at < to) {
            int s = at;
            while (s > pos && isLocal(text.charAt(s - 1))) {
                s--;
            }
            int end = s < at ? domainEnd(text, at + 1, to) : -1;
            if (end > 0) {
                out.add(s, end, index);
                pos = end;
            } else {
                pos = at + 1;
            }
            at = text.indexOf('@', pos);
        }
    }

    /** End of the match whose domain starts at d, or -1. */
    private static int domainEnd(String text, int d, int to) {
        int dEnd = d;
        while (dEnd < to && isDomain(text.charAt(dEnd))) {
            dEnd++;
        }
        for (int k = dEnd - 3; k >= d + 1; k--) {
            if (text.charAt(k) == '.' && isLetter(text.charAt(k + 1)) && isLetter(text.charAt(k + 2))) {
                int e = k + 3;
                while (e < dEnd && isLetter(text.charAt(e))) {
                    e++;
                }
                return e;
            }
        }
        return -1;
    }

    private static boolean isLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDomain(char c) {
        return isLetter(c) || (c >= '0' && c <= '9') || c == '.' || c == '-';
    }

    private static boolean isLocal(char c) {
        return isLetter(c) || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
    }
}
