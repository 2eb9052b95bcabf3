package io.agentsh.proxy.dlp;

/** Go RE2's ASCII-only classes: \d, \s = [\t\n\f\r ], \w = [0-9A-Za-z_]. */
final class Ascii {
    private Ascii() {
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
    }

    static boolean isWord(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    static boolean isPhoneSep(char c) {
        return c == '-' || c == '.' || isSpace(c);
    }

    static boolean isSsnSep(char c) {
        return c == '-' || isSpace(c);
    }

    /** True if text[at, at+n) are n digits, all before limit. */
    static boolean digits(String text, int at, int n, int limit) {
        if (at + n > limit) {
            return false;
        }
        for (int i = at; i < at + n; i++) {
            if (!isDigit(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
