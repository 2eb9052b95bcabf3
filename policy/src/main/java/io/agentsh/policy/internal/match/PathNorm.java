package io.agentsh.policy.internal.match;

/**
 * Lexical path cleaning before matching: collapses duplicate slashes, resolves {@code .} and
 * {@code ..} (never above the root), drops a trailing slash. Symlinks are the caller's business.
 * Returns the argument itself when it is already clean (no allocation on the common path).
 */
public final class PathNorm {
    private PathNorm() {}

    public static String normalise(String p) {
        if (p == null || p.isEmpty()) return p;
        if (isClean(p)) return p;
        boolean abs = p.charAt(0) == '/';
        String[] parts = p.split("/+");
        java.util.ArrayDeque<String> stack = new java.util.ArrayDeque<>();
        for (String part : parts) {
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (!stack.isEmpty() && !stack.peekLast().equals("..")) stack.pollLast();
                else if (!abs) stack.addLast("..");
                continue;
            }
            stack.addLast(part);
        }
        StringBuilder sb = new StringBuilder(p.length());
        for (String s : stack) { if (abs || !sb.isEmpty()) sb.append('/'); sb.append(s); }
        if (sb.isEmpty()) return abs ? "/" : ".";
        if (!abs && sb.charAt(0) == '/') sb.deleteCharAt(0);
        return sb.toString();
    }

    static boolean isClean(String p) {
        int n = p.length();
        if (p.charAt(0) != '/') return false;
        if (n > 1 && p.charAt(n - 1) == '/') return false;
        for (int i = 0; i < n; i++) {
            if (p.charAt(i) != '/') continue;
            if (i + 1 < n && p.charAt(i + 1) == '/') return false;
            if (i + 1 < n && p.charAt(i + 1) == '.') {
                if (i + 2 == n || p.charAt(i + 2) == '/') return false;
                if (p.charAt(i + 2) == '.' && (i + 3 == n || p.charAt(i + 3) == '/')) return false;
            }
        }
        return true;
    }
}
