package io.agentsh.policy.internal.load;

import com.google.re2j.PatternSyntaxException;
import io.agentsh.policy.internal.match.Glob;
import io.agentsh.policy.internal.match.GlobSyntaxException;
import io.agentsh.policy.internal.yaml.MapReader;
import io.agentsh.policy.internal.yaml.Problems;
import io.agentsh.policy.internal.yaml.Yaml;
import io.agentsh.policy.model.EnvPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Checks of single values shared by the section readers: decisions, operations, globs, regexes,
 * enumerations; each problem is reported at the value's line and column.
 */
final class ValueChecks {
    static final Pattern VAR = Pattern.compile("\\$\\{([a-zA-Z_][a-zA-Z0-9_]*)(?::-([^}]*))?\\}");
    static final Set<String> RULE_DECISIONS = Set.of("allow", "deny", "approve", "redirect", "audit", "soft_delete");
    static final Set<String> SIGNAL_DECISIONS = Set.of("allow", "deny", "approve", "redirect", "audit", "absorb");
    /** Stands for "no operation" in a rule whose operations were all ignored. */
    static final String NO_OPERATION = "!none";

    private final Problems p;

    ValueChecks(Problems p) { this.p = p; }

    List<Node> listOf(Node n, String key) {
        if (n instanceof org.snakeyaml.engine.v2.nodes.SequenceNode s) return s.getValue();
        if (!Yaml.isNull(n)) p.error(n, key + ": expected a list, got " + Yaml.kind(n));
        return List.of();
    }

    /** "*-rf*" -> ".*-rf.*" when the pattern is clearly a glob (leading '*') and the translation compiles. */
    static String globStyleArgs(String pattern) {
        if (!pattern.startsWith("*")) return null;
        StringBuilder sb = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*') sb.append(".*");
            else if (c == '?') sb.append('.');
            else if ("\\.+()[]{}|^$".indexOf(c) >= 0) sb.append('\\').append(c);
            else sb.append(c);
        }
        try {
            com.google.re2j.Pattern.compile(sb.toString());
            return sb.toString();
        } catch (PatternSyntaxException e) {
            return null;
        }
    }


    String decision(MapReader r, Set<String> allowed) {
        Node n = r.node("decision");
        if (n == null || Yaml.isNull(n)) {
            p.error(r.mapNode(), r.where() + ": decision is required (expected one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            return null;
        }
        String d = r.string("decision");
        if (d == null) return null;
        String lower = d.trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(lower)) {
            p.error(n, r.path("decision") + ": invalid decision \"" + d + "\" (expected one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            return null;
        }
        return lower;
    }

    List<String> operations(MapReader r, String key, java.util.function.Predicate<String> valid, String expected) {
        List<String> out = new ArrayList<>();
        for (ScalarNode s : r.stringNodes(key)) {
            String op = s.getValue().trim().toLowerCase(Locale.ROOT);
            if (op.equals("*") || valid.test(op)) out.add(op);
            else if (op.equals("execute") || op.equals("exec")) {
                // Seen in shipped policies: exec is governed by command_rules, no file operation is called that.
                p.warning(s, r.path(key) + ": \"" + s.getValue() + "\" is not a file operation (executing is governed by command_rules); ignored");
            } else p.error(s, r.path(key) + ": unknown operation \"" + s.getValue() + "\" (expected " + expected + ")");
        }
        // operations given but none usable: the rule must match nothing, not everything
        if (out.isEmpty() && r.has(key)) out.add(NO_OPERATION);
        return out;
    }

    List<String> pathGlobs(MapReader r, String key, char sep) {
        List<String> out = new ArrayList<>();
        for (ScalarNode s : r.stringNodes(key)) {
            out.add(s.getValue());
            checkGlob(s, r.path(key), s.getValue(), sep);
        }
        return out;
    }

    /**
     * The env policy keys, read from {@code prefix}allow, deny, max_bytes, max_keys and
     * block_iteration: a policy's env_policy section ("") and a command rule's env_* keys ("env_").
     */
    EnvPolicy envPolicy(MapReader r, String prefix) {
        List<String> allow = envGlobs(r, prefix + "allow");
        List<String> deny = envGlobs(r, prefix + "deny");
        Long maxBytes = r.integer(prefix + "max_bytes");
        Long maxKeys = r.integer(prefix + "max_keys");
        Boolean block = r.bool(prefix + "block_iteration");
        return new EnvPolicy(allow, deny, maxBytes == null ? null : maxBytes.intValue(),
                maxKeys == null ? null : maxKeys.intValue(), block);
    }

    List<String> envGlobs(MapReader r, String key) {
        List<String> out = new ArrayList<>();
        for (ScalarNode s : r.stringNodes(key)) {
            out.add(s.getValue());
            checkGlob(s, r.path(key), s.getValue(), (char) 0);
        }
        return out;
    }

    /** Checks glob syntax with ${VAR} references blanked out (they are expanded at compile time). */
    void checkGlob(Node at, String where, String pattern, char sep) {
        Matcher m = VAR.matcher(pattern);
        String probe = m.replaceAll("v");
        try {
            Glob.compile(probe, sep);
        } catch (GlobSyntaxException e) {
            p.error(at, where + ": invalid glob \"" + pattern + "\": " + e.getMessage());
        }
    }

    void regex(Node at, String where, String re) {
        try {
            com.google.re2j.Pattern.compile(re);
        } catch (PatternSyntaxException e) {
            p.error(at, where + ": invalid regular expression \"" + re + "\": " + e.getDescription());
        }
    }

    void oneOf(MapReader r, String key, String value, Set<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            p.error(r.node(key), r.path(key) + ": invalid value \"" + value + "\" (expected one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
        }
    }
}
