package io.agentsh.policy.internal.config;

/** Placeholder (API commit). */
public final class ConfigSchema {
    public static final ConfigSchema INSTANCE = new ConfigSchema();
    public boolean isKnown(String path) { return true; }
}
