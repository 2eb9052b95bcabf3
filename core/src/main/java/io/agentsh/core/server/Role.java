package io.agentsh.core.server;

import java.util.Locale;

/** API key roles (reference internal/auth/apikey.go). */
public enum Role {
    AGENT, APPROVER, ADMIN;

    public static Role parse(String s) {
        if (s == null || s.isBlank()) return ADMIN;
        return switch (s.trim().toLowerCase(Locale.ROOT)) {
            case "agent" -> AGENT;
            case "approver" -> APPROVER;
            case "admin" -> ADMIN;
            default -> throw new IllegalArgumentException("unknown role \"" + s + "\" (agent|approver|admin)");
        };
    }
}
