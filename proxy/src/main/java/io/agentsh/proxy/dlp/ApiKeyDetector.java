package io.agentsh.proxy.dlp;

/**
 * The reference's {@code (?i)(?:sk|api|key|secret|token)[-_]?[a-zA-Z0-9]{20,}}, hand-coded with
 * the same leftmost-first result: at each position, a keyword (ASCII case-insensitive), an
 * optional separator, then a run of at least 20 ASCII letters or digits taken whole. The five
 * keywords differ in their first two letters, so at most one can start at a position; each
 * position is looked at once and each alphanumeric run once per match, so it is linear. (RE2's
 * (?i) would also fold K and s to U+212A and U+017F; those two characters are not matched.)
 */
record ApiKeyDetector(String name, String display, RegexShape shape) implements Detector {

    static final String PATTERN = "(?i)(?:sk|api|key|secret|token)[-_]?[a-zA-Z0-9]{20,}";
    private static final int MIN_LENGTH = 22;

    ApiKeyDetector() {
        this("api_key", "api_key", new RegexShape(Alphabet.range('0', '9').union(Alphabet.range('a', 'z'))
                .union(Alphabet.range('A', 'Z')).with('-').with('_'), MIN_LENGTH, RegexShape.UNBOUNDED, 0, "",
                Alphabet.EMPTY, false));
    }

    @Override
    public void find(String text, int from, int to, MatchList out, int index) {
        int i = from;
        while (i + MIN_LENGTH <= to) {
            int k = keywordAt(text, i);
            if (k > 0) {
                int j = i + k;
                char c = text.charAt(j);
                if (c == '-' || c == '_') {
                    j++;
                }
                int e = j;
                while (e < to && isAlnum(text.charAt(e))) {
                    e++;
                }
                if (e - j >= 20) {
                    out.add(i, e, index);
                    i = e;
                    continue;
                }
            }
            i++;
        }
    }

    private static int keywordAt(String text, int i) {
        String k;
        switch (text.charAt(i) | 0x20) {   // ASCII lower case
            case 's' -> k = (text.charAt(i + 1) | 0x20) == 'k' ? "sk" : "secret";
            case 'a' -> k = "api";
            case 'k' -> k = "key";
            case 't' -> k = "token";
            default -> {
                return 0;
            }
        }
        return text.regionMatches(true, i, k, 0, k.length()) && asciiOnly(text, i, k.length()) ? k.length() : 0;
    }

    /** regionMatches(ignoreCase) also folds some non-ASCII letters; RE2 ASCII classes do not. */
    private static boolean asciiOnly(String text, int i, int n) {
        for (int j = i; j < i + n; j++) {
            if (text.charAt(j) >= 128) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlnum(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
