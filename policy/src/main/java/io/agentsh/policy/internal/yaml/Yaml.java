package io.agentsh.policy.internal.yaml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/** Parses YAML text into a node tree (every node carries its line/column), and node utilities. */
public final class Yaml {
    private Yaml() {}

    /** The document's root node; null for an empty document or on a syntax error (reported). */
    public static Node compose(String text, Problems problems) {
        LoadSettings settings = LoadSettings.builder().setLabel(problems.file()).setSchema(new CoreSchema())
                .setAllowDuplicateKeys(false).setMaxAliasesForCollections(50).build();
        try {
            Node root = new Compose(settings).composeString(text).orElse(null);
            if (root != null) checkDuplicates(root, problems);
            return root;
        } catch (MarkedYamlEngineException e) {
            var mark = e.getProblemMark().or(e::getContextMark);
            String what = e.getProblem() == null ? "malformed YAML" : e.getProblem();
            if (e.getContext() != null && !e.getContext().isBlank()) what = what + " (" + e.getContext().trim() + ")";
            String msg = "invalid YAML: " + what;
            if (mark.isPresent()) problems.error(problems.pos(mark.get()), msg);
            else problems.error((Node) null, msg);
            return null;
        } catch (YamlEngineException e) {
            problems.error((Node) null, "invalid YAML: " + e.getMessage());
            return null;
        }
    }

    private static void checkDuplicates(Node n, Problems problems) {
        if (n instanceof MappingNode m) {
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && !seen.add(k.getValue())) {
                    problems.error(k, "duplicate key \"" + k.getValue() + "\"");
                }
                checkDuplicates(t.getValueNode(), problems);
            }
        } else if (n instanceof SequenceNode s) {
            for (Node c : s.getValue()) checkDuplicates(c, problems);
        }
    }

    public static boolean isNull(Node n) {
        return n == null || (n instanceof ScalarNode s && Tag.NULL.equals(s.getTag()));
    }

    public static String kind(Node n) {
        if (n instanceof MappingNode) return "a mapping";
        if (n instanceof SequenceNode) return "a list";
        if (isNull(n)) return "null";
        ScalarNode s = (ScalarNode) n;
        if (Tag.INT.equals(s.getTag())) return "an integer";
        if (Tag.BOOL.equals(s.getTag())) return "a boolean";
        if (Tag.FLOAT.equals(s.getTag())) return "a number";
        return "a string";
    }

    /** The node as plain Java values: Map (insertion order), List, String, Long, Double, Boolean, null. */
    public static Object toPlain(Node n) {
        if (n == null) return null;
        if (n instanceof MappingNode m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : String.valueOf(toPlain(t.getKeyNode()));
                out.put(key, toPlain(t.getValueNode()));
            }
            return out;
        }
        if (n instanceof SequenceNode s) {
            List<Object> out = new ArrayList<>();
            for (Node c : s.getValue()) out.add(toPlain(c));
            return out;
        }
        ScalarNode s = (ScalarNode) n;
        Tag tag = s.getTag();
        try {
            if (Tag.NULL.equals(tag)) return null;
            if (Tag.BOOL.equals(tag)) return Boolean.parseBoolean(s.getValue().toLowerCase(java.util.Locale.ROOT));
            if (Tag.INT.equals(tag)) return Long.decode(s.getValue().replace("0o", "0"));
            if (Tag.FLOAT.equals(tag)) return Double.parseDouble(s.getValue());
        } catch (NumberFormatException e) {
            return s.getValue();
        }
        return s.getValue();
    }
}
