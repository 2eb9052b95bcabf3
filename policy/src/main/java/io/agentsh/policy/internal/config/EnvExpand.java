package io.agentsh.policy.internal.config;

import java.util.function.Function;

/**
 * Go's {@code os.ExpandEnv}: {@code $NAME} and {@code ${NAME}} replaced by the variable (empty when
 * unset); a special single character after {@code $} ({@code $1}, {@code $$}, ...) names a variable
 * too; a {@code $} followed by anything else stays as written; a malformed {@code ${...}} is dropped.
 */
final class EnvExpand {
    private EnvExpand() {}

    static String expand(String s, Function<String, String> env) {
        if (s.indexOf('$') < 0) return s;
        StringBuilder out = new StringBuilder(s.length());
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c != '$' || i + 1 >= s.length()) { out.append(c); i++; continue; }
            char d = s.charAt(i + 1);
            if (d == '{') {
                int close = s.indexOf('}', i + 2);
                if (close < 0 || close == i + 2) {
                    // bad syntax: Go eats "${" (and "}" when empty)
                    i += close == i + 2 ? 3 : 2;
                    continue;
                }
                out.append(value(env, s.substring(i + 2, close)));
                i = close + 1;
            } else if ("*#$@!?-".indexOf(d) >= 0 || Character.isDigit(d)) {
                out.append(value(env, String.valueOf(d)));
                i += 2;
            } else if (Character.isLetter(d) || d == '_') {
                int j = i + 1;
                while (j < s.length() && (Character.isLetterOrDigit(s.charAt(j)) || s.charAt(j) == '_')) j++;
                out.append(value(env, s.substring(i + 1, j)));
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private static String value(Function<String, String> env, String name) {
        String v = env.apply(name);
        return v == null ? "" : v;
    }
}
