package io.agentsh.cli;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON exactly as Go's {@code json.MarshalIndent(v, "", "  ")} prints a decoded map: keys sorted,
 * two-space indent, {@code "key": value}, empty containers as {} / [], and Go's HTML-safe escapes
 * ({@code <}, {@code >}, {@code &} as \u003c, \u003e, \u0026).
 */
public final class GoJson {
    private GoJson() {}

    public static String write(Object v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v, "");
        return sb.toString();
    }

    private static void write(StringBuilder sb, Object v, String indent) {
        if (v == null) { sb.append("null"); return; }
        if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) { sb.append("{}"); return; }
            TreeMap<String, Object> sorted = new TreeMap<>();
            m.forEach((k, x) -> sorted.put(String.valueOf(k), x));
            sb.append("{\n");
            int i = 0;
            for (var e : sorted.entrySet()) {
                sb.append(indent).append("  ");
                string(sb, e.getKey());
                sb.append(": ");
                write(sb, e.getValue(), indent + "  ");
                if (++i < sorted.size()) sb.append(',');
                sb.append('\n');
            }
            sb.append(indent).append('}');
            return;
        }
        if (v instanceof List<?> l) {
            if (l.isEmpty()) { sb.append("[]"); return; }
            sb.append("[\n");
            for (int i = 0; i < l.size(); i++) {
                sb.append(indent).append("  ");
                write(sb, l.get(i), indent + "  ");
                if (i + 1 < l.size()) sb.append(',');
                sb.append('\n');
            }
            sb.append(indent).append(']');
            return;
        }
        if (v instanceof Boolean || v instanceof Number) { sb.append(v); return; }
        string(sb, v.toString());
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> sb.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        sb.append('"');
    }
}
