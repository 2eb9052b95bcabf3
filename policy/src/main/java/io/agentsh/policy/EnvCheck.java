package io.agentsh.policy;

/**
 * Whether one environment variable may pass into a child ({@code CheckEnv}, reference §12).
 * {@code matchedBy}: deny | default-secret-deny | allow | default-allow | default-deny.
 */
public record EnvCheck(boolean allowed, String matchedBy, String pattern) {}
