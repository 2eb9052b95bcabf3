package io.agentsh.core.config;

import io.agentsh.policy.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Logger;

/** Maps the policy module's loaded {@link ServerConfig} onto the daemon's {@link DaemonConfig}. */
public final class ConfigAdapter {
    private static final Logger LOG = Logger.getLogger(ConfigAdapter.class.getName());

    private ConfigAdapter() {}

    public static DaemonConfig from(ServerConfig c) {
        DaemonConfig.Builder b = DaemonConfig.builder();
        b.httpAddr = c.httpAddr();
        b.maxRequestSize = longOr(c, "server.http.max_request_size", b.maxRequestSize);
        b.readTimeout = durationOr(c, "server.http.read_timeout", b.readTimeout);
        // Our daemon serves the unix socket unless the config turns it off (docs/interfaces.md §2).
        b.unixSocketEnabled = !isSet(c, "server.unix_socket.enabled") || c.unixSocketEnabled();
        String sock = c.unixSocketPath();
        if (sock != null && !sock.isEmpty()) b.unixSocketPath = Path.of(sock);
        String perms = stringOr(c, "server.unix_socket.permissions", "");
        if (!perms.isEmpty()) b.unixSocketPermissions = perms;
        b.authType = boolOr(c, "development.disable_auth", false) ? "none" : c.authType();
        String keys = c.apiKeysFile();
        if (keys != null && !keys.isEmpty()) b.apiKeysFile = Path.of(keys);
        String header = c.apiKeyHeader();
        if (header != null && !header.isEmpty()) b.apiKeyHeader = header;
        b.dataDir = c.dataDir();
        b.sessionsBaseDir = c.sessionsBaseDir();
        b.maxSessions = (int) longOr(c, "sessions.max_sessions", b.maxSessions);
        b.sessionTimeout = durationOr(c, "sessions.default_timeout", null);
        b.idleTimeout = durationOr(c, "sessions.default_idle_timeout", null);
        b.cleanupInterval = durationOr(c, "sessions.cleanup_interval", b.cleanupInterval);
        b.auditStorageEnabled = boolOr(c, "audit.storage.enabled", true);
        b.sqlitePath = c.auditSqlitePath();
        String out = stringOr(c, "audit.output", "");
        if (!out.isEmpty()) b.auditOutput = Path.of(out);
        b.auditBatchSize = (int) longOr(c, "audit.storage.batch_size", b.auditBatchSize);
        b.auditFlushInterval = durationOr(c, "audit.storage.flush_interval", b.auditFlushInterval);
        b.auditChannelSize = (int) longOr(c, "audit.storage.channel_size", b.auditChannelSize);
        b.approvalsEnabled = c.approvalsEnabled();
        b.approvalsMode = c.approvalsMode();
        b.approvalsTimeout = c.approvalsTimeout() != null ? c.approvalsTimeout() : b.approvalsTimeout;
        b.approvalsWhenDisabledAllow = c.approvalsWhenDisabledAllow();
        b.metricsEnabled = !isSet(c, "metrics.enabled") || boolOr(c, "metrics.enabled", true);
        b.metricsPath = stringOr(c, "metrics.path", b.metricsPath);
        b.healthPath = stringOr(c, "health.path", b.healthPath);
        b.readinessPath = stringOr(c, "health.readiness_path", b.readinessPath);
        b.policiesDir = c.policiesDir();
        b.defaultPolicy = c.policiesDefault();
        b.detectProjectRoot = boolOr(c, "policies.detect_project_root", true);
        List<String> markers = stringsOr(c, "policies.project_markers");
        if (!markers.isEmpty()) b.projectMarkers = markers;
        b.envInject = c.stringMap("sandbox.env_inject");
        return b.build();
    }

    // Keys the schema may not know yet are read with their reference default (logged once each).

    /** One lookup of a key: the part that differs between the typed readers below. */
    @FunctionalInterface
    private interface Lookup<T> {
        T get(String key);
    }

    /** {@code lookup.get(key)}, or {@code unknown} when the schema does not know the key. */
    private static <T> T lookupOr(String key, Lookup<T> lookup, T unknown) {
        try {
            return lookup.get(key);
        } catch (IllegalArgumentException e) {
            LOG.fine(e.getMessage());
            return unknown;
        }
    }

    private static boolean isSet(ServerConfig c, String key) {
        return lookupOr(key, c::isSet, false);
    }

    private static String stringOr(ServerConfig c, String key, String dflt) {
        String v = lookupOr(key, c::string, null);
        return v == null || v.isEmpty() ? dflt : v;
    }

    private static long longOr(ServerConfig c, String key, long dflt) {
        return lookupOr(key, c::raw, null) instanceof Number n ? n.longValue() : dflt;
    }

    private static boolean boolOr(ServerConfig c, String key, boolean dflt) {
        return lookupOr(key, c::raw, null) instanceof Boolean bv ? bv : dflt;
    }

    private static Duration durationOr(ServerConfig c, String key, Duration dflt) {
        Duration d = lookupOr(key, c::duration, null);
        return d == null || d.isZero() ? dflt : d;
    }

    private static List<String> stringsOr(ServerConfig c, String key) {
        return lookupOr(key, c::strings, List.of());
    }
}
