package io.agentsh.policy.internal.yaml;

import io.agentsh.policy.SourcePos;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads the keys of one YAML mapping by name and type, reporting type errors with the value's
 * position. Every key read is remembered; {@link #finish} reports the others as unknown keys
 * (an error in a policy, a warning in the server config).
 */
public final class MapReader {
    private final Problems problems;
    private final String where;
    private final MappingNode node;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> read = new LinkedHashSet<>();

    private MapReader(Problems problems, String where, MappingNode node) {
        this.problems = problems;
        this.where = where;
        this.node = node;
        if (node != null) {
            List<Node> merges = new ArrayList<>();
            for (NodeTuple t : node.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k) {
                    // YAML merge key ("<<: *defaults"), as yaml.v3 supports: explicit keys win
                    if (k.getValue().equals("<<") && k.isPlain()) merges.add(t.getValueNode());
                    else entries.putIfAbsent(k.getValue(), t);
                } else {
                    problems.error(t.getKeyNode(), where + ": keys must be strings");
                }
            }
            for (Node m : merges) {
                List<Node> sources = m instanceof SequenceNode seq ? seq.getValue() : List.of(m);
                for (Node src : sources) {
                    if (src instanceof MappingNode mm) {
                        for (NodeTuple t : mm.getValue()) {
                            if (t.getKeyNode() instanceof ScalarNode k) entries.putIfAbsent(k.getValue(), t);
                        }
                    } else {
                        problems.error(src, label(where) + "a merge key (<<) needs a mapping or a list of mappings");
                    }
                }
            }
        }
    }

    /** A reader for {@code n}; when {@code n} is not a mapping, reports it and returns an empty reader. */
    public static MapReader of(Problems problems, String where, Node n) {
        if (n instanceof MappingNode m) return new MapReader(problems, where, m);
        if (!Yaml.isNull(n)) problems.error(n, label(where) + "expected a mapping, got " + Yaml.kind(n));
        return new MapReader(problems, where, null);
    }

    private static String label(String where) { return where == null || where.isEmpty() ? "" : where + ": "; }

    public String where() { return where; }
    public Problems problems() { return problems; }
    public SourcePos pos() { return problems.pos(node); }
    public Node mapNode() { return node; }
    public Set<String> keys() { return entries.keySet(); }
    public boolean has(String key) { return entries.containsKey(key) && !Yaml.isNull(entries.get(key).getValueNode()); }

    public String path(String key) { return where == null || where.isEmpty() ? key : where + "." + key; }

    /** The raw value node (marks the key as known); null when absent. */
    public Node node(String key) {
        read.add(key);
        NodeTuple t = entries.get(key);
        return t == null ? null : t.getValueNode();
    }

    public Node keyNode(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? null : t.getKeyNode();
    }

    /** Marks keys as known without reading them (accepted, not interpreted here). */
    public void accept(String... keys) { for (String k : keys) read.add(k); }

    public String string(String key) {
        Node n = node(key);
        if (Yaml.isNull(n)) return null;
        if (n instanceof ScalarNode s) return s.getValue();
        problems.error(n, path(key) + ": expected a string, got " + Yaml.kind(n));
        return null;
    }

    public String string(String key, String dflt) {
        String s = string(key);
        return s == null ? dflt : s;
    }

    public Boolean bool(String key) {
        Node n = node(key);
        if (Yaml.isNull(n)) return null;
        if (n instanceof ScalarNode s) {
            switch (s.getValue().toLowerCase(Locale.ROOT)) {
                case "true", "yes", "on" -> { return Boolean.TRUE; }
                case "false", "no", "off" -> { return Boolean.FALSE; }
                default -> { }
            }
        }
        problems.error(n, path(key) + ": expected true or false, got " + describe(n));
        return null;
    }

    public boolean bool(String key, boolean dflt) {
        Boolean b = bool(key);
        return b == null ? dflt : b;
    }

    public Long integer(String key) {
        Node n = node(key);
        if (Yaml.isNull(n)) return null;
        Long v = toLong(n);
        if (v == null) problems.error(n, path(key) + ": expected an integer, got " + describe(n));
        return v;
    }

    public Double number(String key) {
        Node n = node(key);
        if (Yaml.isNull(n)) return null;
        if (n instanceof ScalarNode s && (s.isPlain() || !Tag.STR.equals(s.getTag()))) {
            try { return Double.parseDouble(s.getValue()); } catch (NumberFormatException ignored) { }
        }
        problems.error(n, path(key) + ": expected a number, got " + describe(n));
        return null;
    }

    static Long toLong(Node n) {
        if (!(n instanceof ScalarNode s)) return null;
        if (!s.isPlain() && !Tag.INT.equals(s.getTag())) return null;
        String v = s.getValue().replace("_", "");
        try {
            if (v.startsWith("0x") || v.startsWith("0X")) return Long.parseLong(v.substring(2), 16);
            if (v.startsWith("0o")) return Long.parseLong(v.substring(2), 8);
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A Go duration ({@code 5m}, {@code 1h30m}); with {@code days} also {@code 7d}. */
    public Duration duration(String key, boolean days) {
        Node n = node(key);
        if (Yaml.isNull(n)) return null;
        if (n instanceof ScalarNode s) {
            try {
                return GoDuration.parse(s.getValue(), days);
            } catch (IllegalArgumentException e) {
                problems.error(n, path(key) + ": " + e.getMessage() + " (expected a duration such as 30s, 5m, 1h30m"
                        + (days ? ", 7d" : "") + ")");
                return null;
            }
        }
        problems.error(n, path(key) + ": expected a duration, got " + Yaml.kind(n));
        return null;
    }

    /** A byte size ({@code 10MB}, {@code 5GiB}, {@code 1048576}). */
    public Long byteSize(String key) {
        Node n = node(key);
        if (Yaml.isNull(n)) return null;
        if (n instanceof ScalarNode s) {
            try {
                return ByteSize.parse(s.getValue());
            } catch (IllegalArgumentException e) {
                problems.error(n, path(key) + ": " + e.getMessage());
                return null;
            }
        }
        problems.error(n, path(key) + ": expected a byte size, got " + Yaml.kind(n));
        return null;
    }

    /** A list of strings; a single scalar is an error. Returns the values with their nodes. */
    public List<String> strings(String key) {
        List<ScalarNode> nodes = stringNodes(key);
        List<String> out = new ArrayList<>(nodes.size());
        for (ScalarNode s : nodes) out.add(s.getValue());
        return out;
    }

    public List<ScalarNode> stringNodes(String key) {
        Node n = node(key);
        List<ScalarNode> out = new ArrayList<>();
        if (Yaml.isNull(n)) return out;
        if (!(n instanceof SequenceNode seq)) {
            problems.error(n, path(key) + ": expected a list of strings, got " + Yaml.kind(n));
            return out;
        }
        int i = 0;
        for (Node c : seq.getValue()) {
            if (c instanceof ScalarNode s && !Yaml.isNull(s)) out.add(s);
            else problems.error(c, path(key) + "[" + i + "]: expected a string, got " + Yaml.kind(c));
            i++;
        }
        return out;
    }

    public List<Long> integers(String key) {
        Node n = node(key);
        List<Long> out = new ArrayList<>();
        if (Yaml.isNull(n)) return out;
        if (!(n instanceof SequenceNode seq)) {
            problems.error(n, path(key) + ": expected a list of integers, got " + Yaml.kind(n));
            return out;
        }
        int i = 0;
        for (Node c : seq.getValue()) {
            Long v = toLong(c);
            if (v == null) problems.error(c, path(key) + "[" + i + "]: expected an integer, got " + describe(c));
            else out.add(v);
            i++;
        }
        return out;
    }

    /** A mapping of string to string (scalars of any type are taken as their text). */
    public Map<String, String> stringMap(String key) {
        Node n = node(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (Yaml.isNull(n)) return out;
        if (!(n instanceof MappingNode m)) {
            problems.error(n, path(key) + ": expected a mapping of names to strings, got " + Yaml.kind(n));
            return out;
        }
        for (NodeTuple t : m.getValue()) {
            if (!(t.getKeyNode() instanceof ScalarNode k)) continue;
            Node v = t.getValueNode();
            if (v instanceof ScalarNode s) out.put(k.getValue(), Yaml.isNull(s) ? "" : s.getValue());
            else problems.error(v, path(key) + "." + k.getValue() + ": expected a string, got " + Yaml.kind(v));
        }
        return out;
    }

    /** Reader for a nested mapping. */
    public MapReader map(String key) { return MapReader.of(problems, path(key), node(key)); }

    /** The items of a list value (each with its node); errors when the value is not a list. */
    public List<Node> list(String key) {
        Node n = node(key);
        if (Yaml.isNull(n)) return List.of();
        if (n instanceof SequenceNode seq) return seq.getValue();
        problems.error(n, path(key) + ": expected a list, got " + Yaml.kind(n));
        return List.of();
    }

    /** Reports keys not read: errors when {@code strict}, else warnings. Returns the unknown keys. */
    public List<String> finish(boolean strict) {
        List<String> unknown = new ArrayList<>();
        for (var e : entries.entrySet()) {
            if (read.contains(e.getKey())) continue;
            unknown.add(e.getKey());
            String msg = "unknown key \"" + e.getKey() + "\"" + (where == null || where.isEmpty() ? "" : " in " + where)
                    + " (expected one of: " + String.join(", ", read) + ")";
            if (strict) problems.error(e.getValue().getKeyNode(), msg);
            else problems.warning(e.getValue().getKeyNode(), msg);
        }
        return unknown;
    }

    static String describe(Node n) {
        if (n instanceof ScalarNode s && !Yaml.isNull(s)) return Yaml.kind(n) + " \"" + s.getValue() + "\"";
        return Yaml.kind(n);
    }
}
