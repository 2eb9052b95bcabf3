package io.agentsh.core.server;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/** auth.api_key.keys_file: a YAML list of {id, key, description, role}; empty keys ignored. */
public final class ApiKeys {
    public record Key(String id, byte[] key, Role role) {}

    private final List<Key> keys;

    private ApiKeys(List<Key> keys) {
        this.keys = List.copyOf(keys);
    }

    public static ApiKeys load(Path file) throws IOException {
        Object doc;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            doc = new Load(LoadSettings.builder().setLabel(file.toString()).build()).loadFromReader(r);
        } catch (YamlEngineException e) {
            throw new IOException("parse api keys " + file + ": " + e.getMessage(), e);
        }
        List<Key> keys = new ArrayList<>();
        if (doc instanceof List<?> list) {
            int i = 0;
            for (Object o : list) {
                i++;
                if (!(o instanceof Map<?, ?> m)) throw new IOException(file + ": entry " + i + " is not a mapping");
                Object key = m.get("key");
                if (key == null || key.toString().isEmpty()) continue;
                Role role;
                try {
                    role = Role.parse(m.get("role") == null ? null : m.get("role").toString());
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": entry " + i + ": " + e.getMessage(), e);
                }
                keys.add(new Key(String.valueOf(m.get("id")), key.toString().getBytes(StandardCharsets.UTF_8), role));
            }
        } else if (doc != null) {
            throw new IOException(file + ": expected a list of keys");
        }
        if (keys.isEmpty()) throw new IOException(file + ": no api keys loaded");
        return new ApiKeys(keys);
    }

    /** The key matching the presented value (constant-time per key), or null. */
    public Key find(String presented) {
        if (presented == null || presented.isEmpty()) return null;
        byte[] p = presented.getBytes(StandardCharsets.UTF_8);
        Key found = null;
        for (Key k : keys) if (MessageDigest.isEqual(k.key(), p)) found = k;
        return found;
    }
}
