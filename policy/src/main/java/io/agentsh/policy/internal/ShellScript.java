package io.agentsh.policy.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits a {@code sh -c} script into simple commands when it can be read without running it:
 * words, quotes, escapes, {@code && || ; | &} and newlines, leading {@code VAR=value}
 * assignments, simple file redirections (dropped: files are governed by file rules). Anything
 * that needs expansion or evaluation (variables, command substitution, globs, subshells,
 * compound commands, here-documents, eval/source) makes the script opaque, with the reason.
 */
final class ShellScript {
    /** commands: each a non-empty argv; opaque / bypass: reason or null. */
    record Parsed(List<List<String>> commands, String opaque, String bypass) {}

    private static final Set<String> COMPOUND = Set.of("if", "then", "else", "elif", "fi", "for", "while", "until", "do",
            "done", "case", "esac", "function", "select", "{", "}", "[[", "]]", "coproc");
    private static final Set<String> EVALUATING = Set.of("eval", "source", ".", "trap", "alias", "enable", "fc");
    private static final Set<String> HARMLESS_BUILTINS = Set.of("cd", "export", "set", "unset", "shift", "read", "wait",
            "umask", "local", "declare", "typeset", "readonly", "return", "exit", "break", "continue", ":", "true",
            "false", "pwd", "hash", "type", "shopt", "pushd", "popd", "dirs", "let", "getopts", "times");

    private ShellScript() {}

    static Parsed parse(String script) {
        List<List<String>> cmds = new ArrayList<>();
        List<String> cur = new ArrayList<>();
        StringBuilder word = null;
        int n = script.length();
        int i = 0;
        boolean dropNextWord = false;
        while (i < n) {
            char c = script.charAt(i);
            switch (c) {
                case ' ', '\t' -> { dropNextWord = flush(cur, word, dropNextWord); word = null; i++; }
                case '\n', ';' -> { dropNextWord = flush(cur, word, dropNextWord); word = null; end(cmds, cur); cur = new ArrayList<>(); i++; }
                case '&', '|' -> {
                    dropNextWord = flush(cur, word, dropNextWord);
                    word = null;
                    if (c == '&' && i + 1 < n && script.charAt(i + 1) == '>') {
                        // &> file / &>> file
                        i += 2;
                        if (i < n && script.charAt(i) == '>') i++;
                        dropNextWord = true;
                        continue;
                    }
                    end(cmds, cur);
                    cur = new ArrayList<>();
                    i++;
                    if (i < n && script.charAt(i) == c) i++;
                }
                case '\'' -> {
                    int close = script.indexOf('\'', i + 1);
                    if (close < 0) return opaque("unterminated quote");
                    if (word == null) word = new StringBuilder();
                    word.append(script, i + 1, close);
                    i = close + 1;
                }
                case '"' -> {
                    if (word == null) word = new StringBuilder();
                    i++;
                    boolean closed = false;
                    while (i < n) {
                        char d = script.charAt(i);
                        if (d == '"') { closed = true; i++; break; }
                        if (d == '$' || d == '`') return opaque("variable expansion or command substitution");
                        if (d == '\\' && i + 1 < n && "\"\\$`\n".indexOf(script.charAt(i + 1)) >= 0) { word.append(script.charAt(i + 1)); i += 2; continue; }
                        word.append(d);
                        i++;
                    }
                    if (!closed) return opaque("unterminated quote");
                }
                case '\\' -> {
                    if (i + 1 >= n) return opaque("trailing backslash");
                    if (script.charAt(i + 1) != '\n') {
                        if (word == null) word = new StringBuilder();
                        word.append(script.charAt(i + 1));
                    }
                    i += 2;
                }
                case '$', '`' -> { return opaque("variable expansion or command substitution"); }
                case '(', ')' -> { return opaque("subshell"); }
                case '*', '?', '[' -> {
                    if (c == '[' && word == null && (i + 1 >= n || script.charAt(i + 1) == ' ')) {
                        word = new StringBuilder("[");
                        i++;
                        continue;
                    }
                    return opaque("glob pattern");
                }
                case '#' -> {
                    if (word != null) { word.append(c); i++; continue; }
                    while (i < n && script.charAt(i) != '\n') i++;
                }
                case '>', '<' -> {
                    // fd-number prefix ("2>") belongs to the redirection, not a word
                    if (word != null && isDigits(word)) word = null;
                    dropNextWord = flush(cur, word, dropNextWord);
                    word = null;
                    if (c == '<' && i + 1 < n && script.charAt(i + 1) == '<') return opaque("here-document");
                    if (i + 1 < n && script.charAt(i + 1) == '(') return opaque("process substitution");
                    i++;
                    if (i < n && (script.charAt(i) == '>' || script.charAt(i) == '|')) i++;
                    if (i < n && script.charAt(i) == '&') {
                        // 2>&1, >&2: the target is a descriptor
                        i++;
                        while (i < n && (Character.isDigit(script.charAt(i)) || script.charAt(i) == '-')) i++;
                        continue;
                    }
                    dropNextWord = true;
                }
                case '!' -> { return opaque("history expansion or negation"); }
                case '~' -> {
                    if (word == null) return opaque("tilde expansion");
                    word.append(c);
                    i++;
                }
                default -> {
                    if (c == '{' && word == null) return opaque("brace group");
                    if (word == null) word = new StringBuilder();
                    word.append(c);
                    i++;
                }
            }
        }
        flush(cur, word, dropNextWord);
        end(cmds, cur);
        List<List<String>> out = new ArrayList<>();
        for (List<String> argv : cmds) {
            int k = 0;
            while (k < argv.size() && isAssignment(argv.get(k))) k++;
            if (k == argv.size()) continue;
            List<String> c = argv.subList(k, argv.size());
            String first = c.get(0);
            if (COMPOUND.contains(first)) return opaque("compound command '" + first + "'");
            if (EVALUATING.contains(first)) return opaque("'" + first + "' evaluates its arguments");
            if (HARMLESS_BUILTINS.contains(first)) continue;
            if (first.equals("exec") || first.equals("command") || first.equals("builtin")) {
                int j = 1;
                while (j < c.size() && c.get(j).startsWith("-")) {
                    String opt = c.get(j);
                    if (first.equals("exec")) return new Parsed(List.of(), null, "exec " + opt + " hides the command name");
                    if (first.equals("command") && (opt.equals("-v") || opt.equals("-V"))) { j = c.size(); break; }
                    j++;
                }
                if (first.equals("builtin")) continue;
                if (j < c.size()) out.add(List.copyOf(c.subList(j, c.size())));
                continue;
            }
            out.add(List.copyOf(c));
        }
        return new Parsed(out, null, null);
    }

    private static boolean isDigits(StringBuilder w) {
        if (w.isEmpty()) return false;
        for (int k = 0; k < w.length(); k++) if (!Character.isDigit(w.charAt(k))) return false;
        return true;
    }

    private static boolean isAssignment(String w) {
        int eq = w.indexOf('=');
        if (eq <= 0) return false;
        for (int k = 0; k < eq; k++) {
            char ch = w.charAt(k);
            if (!(Character.isLetterOrDigit(ch) || ch == '_') || (k == 0 && Character.isDigit(ch))) return false;
        }
        return true;
    }

    private static Parsed opaque(String reason) { return new Parsed(List.of(), reason, null); }

    /** Adds the pending word unless it is a redirection target; returns the new "drop next word" state. */
    private static boolean flush(List<String> cur, StringBuilder word, boolean drop) {
        if (word == null) return drop;
        if (!drop) cur.add(word.toString());
        return false;
    }

    private static void end(List<List<String>> cmds, List<String> cur) {
        if (!cur.isEmpty()) cmds.add(cur);
    }
}
