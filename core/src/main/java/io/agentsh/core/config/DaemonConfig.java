package io.agentsh.core.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The part of the server config the daemon core acts on, with the reference's defaults
 * (policy-config.md §16.2). Built from the policy module's loaded config by {@link ConfigAdapter}
 * or directly (tests). Immutable.
 */
public record DaemonConfig(
        String httpAddr, long maxRequestSize, Duration readTimeout,
        boolean unixSocketEnabled, Path unixSocketPath, String unixSocketPermissions,
        String authType, Path apiKeysFile, String apiKeyHeader,
        Path dataDir, Path sessionsBaseDir, int maxSessions, Duration sessionTimeout, Duration idleTimeout,
        Duration cleanupInterval,
        boolean auditStorageEnabled, Path sqlitePath, Path auditOutput, int auditBatchSize,
        Duration auditFlushInterval, int auditChannelSize,
        boolean approvalsEnabled, String approvalsMode, Duration approvalsTimeout, boolean approvalsWhenDisabledAllow,
        boolean metricsEnabled, String metricsPath, String healthPath, String readinessPath,
        Path policiesDir, String defaultPolicy, boolean detectProjectRoot, List<String> projectMarkers,
        Map<String, String> envInject) {

    public static final List<String> DEFAULT_PROJECT_MARKERS =
            List.of(".git", "go.mod", "package.json", "Cargo.toml", "pyproject.toml");

    public DaemonConfig {
        projectMarkers = projectMarkers == null || projectMarkers.isEmpty() ? DEFAULT_PROJECT_MARKERS
                : List.copyOf(projectMarkers);
        envInject = envInject == null ? Map.of() : Map.copyOf(envInject);
    }

    /** auth.type none (or development.disable_auth): no auth, loopback only. */
    public boolean authDisabled() {
        return authType == null || authType.isEmpty() || authType.equals("none");
    }

    public Path operatorTokenFile() {
        return dataDir.resolve("operator.token");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults as the reference's, except paths, which the caller sets. */
    public static final class Builder {
        public String httpAddr = "127.0.0.1:18080";
        public long maxRequestSize = 10_000_000L;
        public Duration readTimeout = Duration.ofSeconds(30);
        public boolean unixSocketEnabled = true;
        public Path unixSocketPath = Path.of("/run/agentsh/agentsh.sock");
        public String unixSocketPermissions = "0666";
        public String authType = "none";
        public Path apiKeysFile;
        public String apiKeyHeader = "X-API-Key";
        public Path dataDir = Path.of("/var/lib/agentsh");
        public Path sessionsBaseDir;
        public int maxSessions = 100;
        public Duration sessionTimeout;
        public Duration idleTimeout;
        public Duration cleanupInterval = Duration.ofMinutes(1);
        public boolean auditStorageEnabled = true;
        public Path sqlitePath;
        public Path auditOutput;
        public int auditBatchSize = 64;
        public Duration auditFlushInterval = Duration.ofMillis(50);
        public int auditChannelSize = 4096;
        public boolean approvalsEnabled = false;
        public String approvalsMode = "local_tty";
        public Duration approvalsTimeout = Duration.ofMinutes(5);
        public boolean approvalsWhenDisabledAllow = false;
        public boolean metricsEnabled = true;
        public String metricsPath = "/metrics";
        public String healthPath = "/health";
        public String readinessPath = "/ready";
        public Path policiesDir = Path.of("/etc/agentsh/policies");
        public String defaultPolicy = "default";
        public boolean detectProjectRoot = true;
        public List<String> projectMarkers = DEFAULT_PROJECT_MARKERS;
        public Map<String, String> envInject = Map.of();

        public DaemonConfig build() {
            Path sessions = sessionsBaseDir != null ? sessionsBaseDir : dataDir.resolve("sessions");
            Path sqlite = sqlitePath != null ? sqlitePath : dataDir.resolve("events.db");
            return new DaemonConfig(httpAddr, maxRequestSize, readTimeout, unixSocketEnabled, unixSocketPath,
                    unixSocketPermissions, authType, apiKeysFile, apiKeyHeader, dataDir, sessions, maxSessions,
                    sessionTimeout, idleTimeout, cleanupInterval, auditStorageEnabled, sqlite, auditOutput,
                    auditBatchSize, auditFlushInterval, auditChannelSize, approvalsEnabled, approvalsMode,
                    approvalsTimeout, approvalsWhenDisabledAllow, metricsEnabled, metricsPath, healthPath,
                    readinessPath, policiesDir, defaultPolicy, detectProjectRoot, projectMarkers, envInject);
        }
    }
}
