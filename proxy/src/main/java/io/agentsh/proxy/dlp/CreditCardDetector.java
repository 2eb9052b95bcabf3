package io.agentsh.proxy.dlp;

/**
 * The reference's card pattern {@code \b(?:\d[ -]*?){13,19}\b} with a Luhn check, hand-coded
 * because the check has to choose among the lengths the pattern allows: at each start it takes
 * the longest digit count in 13..19 that ends on a word boundary and passes Luhn. The scan from
 * one start reads at most 19 digits (and the separators between them), so the whole is linear.
 */
record CreditCardDetector(String name, String display, RegexShape shape) implements Detector {

    static final String PATTERN = "\\b(?:\\d[ -]*?){13,19}\\b";

    CreditCardDetector() {
        this("credit_card", "credit_card", new RegexShape(
                Alphabet.range('0', '9').with(' ').with('-'), 13, RegexShape.UNBOUNDED, 13, "", Alphabet.EMPTY, false));
    }

    @Override
    public void find(String text, int from, int to, MatchList out, int index) {
        int[] digits = new int[19];
        int[] endAfter = new int[20];
        int i = from;
        while (i < to) {
            if (isDigit(text.charAt(i)) && (i == 0 || !isWord(text.charAt(i - 1)))) {
                int end = longestValid(text, i, to, digits, endAfter);
                if (end > 0) {
                    out.add(i, end, index);
                    i = end;
                    continue;
                }
            }
            i++;
        }
    }

    /** The end of the longest Luhn-valid card number starting at start, or -1. */
    private static int longestValid(String text, int start, int to, int[] digits, int[] endAfter) {
        int k = 0;
        int j = start;
        while (k < 19) {
            digits[k++] = text.charAt(j) - '0';
            j++;
            endAfter[k] = (j == text.length() || !isWord(text.charAt(j))) ? j : -1;
            int t = j;
            while (t < to && (text.charAt(t) == ' ' || text.charAt(t) == '-')) {
                t++;
            }
            if (t >= to || !isDigit(text.charAt(t))) {
                break;
            }
            j = t;
        }
        for (int n = k; n >= 13; n--) {
            if (endAfter[n] > 0 && luhn(digits, n)) {
                return endAfter[n];
            }
        }
        return -1;
    }

    static boolean luhn(int[] digits, int n) {
        int sum = 0;
        boolean dbl = false;
        for (int i = n - 1; i >= 0; i--) {
            int d = digits[i];
            if (dbl) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            dbl = !dbl;
        }
        return sum % 10 == 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Go's \b is ASCII-only: [0-9A-Za-z_] are word characters, everything else is not. */
    private static boolean isWord(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }
}
