package io.agentsh.cli.shim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@code /etc/agentsh/shim.conf}: {@code key=value} lines, {@code #} comments. The known keys are
 * validated the way the shim validates them; unknown keys are kept so a rewrite never loses
 * what an operator (or a newer version) put there.
 */
final class ShimConf {
    static final String HEADER = "# Written by: agentsh shim install-shell";
    private static final Set<String> BOOLEAN_KEYS = Set.of("force", "ready_gate");

    private final Map<String, String> values;

    private ShimConf(Map<String, String> values) {
        this.values = values;
    }

    static ShimConf empty() {
        return new ShimConf(new TreeMap<>());
    }

    /** A missing file is an empty config; an invalid value is an error naming key and value. */
    static ShimConf read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return empty();
        }
        return parse(text);
    }

    static ShimConf parse(String text) throws IOException {
        Map<String, String> values = new TreeMap<>();
        for (String raw : text.split("\n", -1)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                throw new IOException("shim.conf: invalid line " + quote(line) + " (expected key=value)");
            }
            String key = line.substring(0, eq).strip();
            String value = line.substring(eq + 1).strip();
            validate(key, value);
            values.put(key, value);
        }
        return new ShimConf(values);
    }

    private static void validate(String key, String value) throws IOException {
        if (BOOLEAN_KEYS.contains(key) && !Set.of("true", "1", "false", "0").contains(value)) {
            throw new IOException("shim.conf: invalid " + key + " value " + quote(value) + " (expected true, 1, false, or 0)");
        }
        if (key.equals("shim_install") && !Set.of("auto", "on", "off").contains(value)) {
            throw new IOException("shim.conf: invalid shim_install value " + quote(value) + " (expected auto, on, or off)");
        }
    }

    boolean force() {
        String v = values.get("force");
        return "true".equals(v) || "1".equals(v);
    }

    String get(String key) {
        return values.get(key);
    }

    ShimConf with(String key, String value) {
        Map<String, String> copy = new TreeMap<>(values);
        copy.put(key, value);
        return new ShimConf(copy);
    }

    ShimConf without(String key) {
        Map<String, String> copy = new TreeMap<>(values);
        copy.remove(key);
        return new ShimConf(copy);
    }

    String render() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        values.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
