package io.agentsh.policy;

import io.agentsh.policy.internal.config.ConfigSchema;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The server config after loading, env expansion, defaults (reference §16) and validation.
 * Immutable. Values are reached by dotted key path ({@code "server.http.addr"}); every path of
 * the schema has a typed value (its default when the file does not set it). Asking for a path
 * that is not in the schema is a programming error ({@link IllegalArgumentException}).
 * Sections whose keys are free-form (maps such as {@code sandbox.env_inject}) are returned whole.
 */
public final class ServerConfig {
    private final String source;
    private final Map<String, Object> values;
    private final java.util.Set<String> explicitlySet;
    private final List<String> acceptedNotActedOn;

    public ServerConfig(String source, Map<String, Object> values, java.util.Set<String> explicitlySet,
                        List<String> acceptedNotActedOn) {
        this.source = source;
        this.values = Map.copyOf(values);
        this.explicitlySet = java.util.Set.copyOf(explicitlySet);
        this.acceptedNotActedOn = List.copyOf(acceptedNotActedOn);
    }

    /** The file this came from, or null for {@link ServerConfigLoader#defaults()}. */
    public String source() { return source; }

    /** Whether the file set this key (as opposed to a default). */
    public boolean isSet(String path) { known(path); return explicitlySet.contains(path); }

    public Object raw(String path) { known(path); return values.get(path); }
    public String string(String path) { return (String) raw(path); }
    public boolean bool(String path) { return Boolean.TRUE.equals(raw(path)); }
    public long integer(String path) { Object v = raw(path); return v == null ? 0 : ((Number) v).longValue(); }
    public double number(String path) { Object v = raw(path); return v == null ? 0 : ((Number) v).doubleValue(); }
    public Duration duration(String path) { return (Duration) raw(path); }
    /** Byte sizes ({@code 10MB}, {@code 5GiB}) in bytes. */
    public long byteSize(String path) { return integer(path); }
    @SuppressWarnings("unchecked")
    public List<String> strings(String path) { Object v = raw(path); return v == null ? List.of() : (List<String>) v; }
    @SuppressWarnings("unchecked")
    public Map<String, String> stringMap(String path) { Object v = raw(path); return v == null ? Map.of() : (Map<String, String>) v; }

    /** Key paths this file sets that we accept but do not act on (for {@code agentsh server --check-config}). */
    public List<String> acceptedNotActedOn() { return acceptedNotActedOn; }

    // ---- conveniences for the daemon -------------------------------------------------------

    public String httpAddr() { return string("server.http.addr"); }
    public boolean unixSocketEnabled() { return bool("server.unix_socket.enabled"); }
    public String unixSocketPath() { return string("server.unix_socket.path"); }
    public String authType() { return string("auth.type"); }
    public String apiKeysFile() { return string("auth.api_key.keys_file"); }
    public String apiKeyHeader() { return string("auth.api_key.header_name"); }
    public Path policiesDir() { return Path.of(string("policies.dir")); }
    public String policiesDefault() { return string("policies.default"); }
    public boolean approvalsEnabled() { return bool("approvals.enabled"); }
    public String approvalsMode() { return string("approvals.mode"); }
    public Duration approvalsTimeout() { return duration("approvals.timeout"); }
    /** {@code approvals.when_disabled}: deny (default, fail closed) or allow. */
    public boolean approvalsWhenDisabledAllow() { return "allow".equals(string("approvals.when_disabled")); }
    public Path dataDir() { return Path.of(string("data_dir")); }
    /** {@code <data_dir>/operator.token}: the local operator credential the daemon writes at start. */
    public Path operatorTokenFile() { return dataDir().resolve(OPERATOR_TOKEN_NAME); }
    public static final String OPERATOR_TOKEN_NAME = "operator.token";

    /** Files no governed process may touch, whatever its policy says: the operator token and the API keys file. */
    public List<String> daemonSecrets() {
        List<String> s = new java.util.ArrayList<>();
        s.add(operatorTokenFile().toAbsolutePath().normalize().toString());
        String keys = apiKeysFile();
        if (keys != null && !keys.isEmpty()) s.add(Path.of(keys).toAbsolutePath().normalize().toString());
        return List.copyOf(s);
    }
    public Path sessionsBaseDir() { return Path.of(string("sessions.base_dir")); }
    public Path auditSqlitePath() { return Path.of(string("audit.storage.sqlite_path")); }

    /**
     * Engine options from this config: approvals, {@code strict_reads}, {@code sandbox.protected_paths},
     * {@code landlock.allow_read}, {@code shellc.opaque}, exec-time enforcement, {@code sandbox.env_inject},
     * {@code policies.env_shim_path}. Add the session's variables before building.
     */
    public EngineOptions.Builder engineOptions() {
        EngineOptions.Builder b = EngineOptions.builder()
                .approvalsEnabled(approvalsEnabled())
                .approvalsWhenDisabledAllow(approvalsWhenDisabledAllow())
                .strictReads(bool("sandbox.seccomp.file_monitor.strict_reads"))
                .readRoots(strings("landlock.allow_read"))
                .shellcOpaque(switch (string("sandbox.seccomp.shellc.opaque")) {
                    case "allow" -> ShellcOpaqueMode.ALLOW;
                    case "deny" -> ShellcOpaqueMode.DENY;
                    default -> ShellcOpaqueMode.ENFORCE;
                })
                .execveEnforcement(bool("sandbox.ptrace.enabled") && bool("sandbox.ptrace.trace.execve")
                        || bool("sandbox.seccomp.enabled") && bool("sandbox.seccomp.execve.enabled"))
                .envInject(stringMap("sandbox.env_inject"));
        List<String> prot = new java.util.ArrayList<>(isSet("sandbox.protected_paths")
                ? strings("sandbox.protected_paths") : EngineOptions.DEFAULT_PROTECTED_PATHS);
        // The data dir holds the daemon's state (audit db, trash, tokens): catch-all reads never reach it.
        // Session dirs (FUSE workspace mounts) may live beneath it; then only its top level is protected.
        Path data = dataDir().toAbsolutePath().normalize();
        if (data.getNameCount() > 0) {
            boolean sessionsInside = sessionsBaseDir().toAbsolutePath().normalize().startsWith(data);
            prot.add(data + (sessionsInside ? "/*" : "/**"));
        }
        b.protectedPaths(prot);
        b.alwaysDenied(daemonSecrets());
        String shim = string("policies.env_shim_path");
        if (shim != null && !shim.isEmpty()) b.envShimPath(shim);
        return b;
    }

    private static void known(String path) {
        if (!ConfigSchema.INSTANCE.isKnown(path)) throw new IllegalArgumentException("not a config key: " + path);
    }
}
