package io.agentsh.policy;

import io.agentsh.policy.internal.yaml.MapReader;
import io.agentsh.policy.internal.yaml.Problems;
import io.agentsh.policy.internal.yaml.Yaml;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads the API keys file: a YAML list of {@code {id, key, description?, role?}}. Missing id or key,
 * duplicate ids or keys, and unknown fields are errors with line and column.
 */
public final class ApiKeysLoader {
    private ApiKeysLoader() {}

    public static List<ApiKey> load(Path file) throws PolicyException {
        try {
            return parse(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new PolicyException(new Problem(file.toString(), 0, 0, Problem.Severity.ERROR,
                    "cannot read API keys file: " + PolicyLoader.describe(e)));
        }
    }

    public static List<ApiKey> parse(String source, String yaml) throws PolicyException {
        Problems p = new Problems(source);
        Node root = Yaml.compose(yaml, p);
        List<ApiKey> out = new ArrayList<>();
        if (root != null && !(root instanceof SequenceNode)) {
            p.error(root, "expected a list of keys ({id, key, description, role}), got " + Yaml.kind(root));
        } else if (root != null) {
            Set<String> ids = new HashSet<>(), keys = new HashSet<>();
            int i = 0;
            for (Node n : ((SequenceNode) root).getValue()) {
                MapReader r = MapReader.of(p, "[" + i + "]", n);
                String id = r.string("id"), key = r.string("key"), desc = r.string("description", ""), role = r.string("role", "");
                r.finish(true);
                if (id == null || id.isBlank()) p.error(n, "[" + i + "]: id is required");
                else if (!ids.add(id)) p.error(r.node("id"), "[" + i + "]: duplicate id \"" + id + "\"");
                if (key == null || key.isBlank()) p.error(n, "[" + i + "]: key is required");
                else if (!keys.add(key)) p.error(r.node("key"), "[" + i + "]: duplicate key (same secret as an earlier entry)");
                out.add(new ApiKey(id, key, desc, role, p.pos(n)));
                i++;
            }
        }
        p.throwIfErrors();
        return List.copyOf(out);
    }
}
