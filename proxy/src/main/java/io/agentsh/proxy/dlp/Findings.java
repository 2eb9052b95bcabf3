package io.agentsh.proxy.dlp;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** Distinct secrets seen per detector type; only sizes ever leave this class. */
final class Findings {
    private final Map<String, Set<String>> seen = new LinkedHashMap<>();

    void add(String type, String secret) {
        seen.computeIfAbsent(type, k -> new HashSet<>()).add(secret);
    }

    boolean isEmpty() {
        return seen.isEmpty();
    }

    Map<String, Integer> counts() {
        Map<String, Integer> m = new LinkedHashMap<>();
        seen.forEach((k, v) -> m.put(k, v.size()));
        return m;
    }

    void clear() {
        seen.clear();
    }
}
