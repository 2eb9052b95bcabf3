package io.agentsh.core.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * Readiness checks: /ready answers "ready" only when every registered check passes (the policy
 * engine and each enabled enforcement layer register one).
 */
public final class Readiness {
    private final Map<String, BooleanSupplier> checks = new ConcurrentHashMap<>();

    public void register(String name, BooleanSupplier check) {
        checks.put(name, check);
    }

    /** Names of failing checks, empty when ready. */
    public java.util.List<String> failing() {
        return checks.entrySet().stream().filter(e -> !safe(e.getValue())).map(Map.Entry::getKey).sorted().toList();
    }

    private static boolean safe(BooleanSupplier s) {
        try {
            return s.getAsBoolean();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
