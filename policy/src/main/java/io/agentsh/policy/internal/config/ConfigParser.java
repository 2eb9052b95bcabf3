package io.agentsh.policy.internal.config;

import io.agentsh.policy.LoadedConfig;
import io.agentsh.policy.PolicyException;
import io.agentsh.policy.ServerConfig;
import io.agentsh.policy.internal.yaml.ByteSize;
import io.agentsh.policy.internal.yaml.GoDuration;
import io.agentsh.policy.internal.yaml.MapReader;
import io.agentsh.policy.internal.yaml.Problems;
import io.agentsh.policy.internal.yaml.Yaml;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Server config YAML to {@link ServerConfig}: env expansion (Go os.ExpandEnv), then a walk of
 * the node tree against {@link ConfigSchema}. Unknown keys are warnings; wrong types and invalid
 * values are errors; then source-aware defaults and the reference's cross-field validation.
 */
public final class ConfigParser {
    private ConfigParser() {}

    public static ServerConfig defaults() {
        Map<String, Object> values = new HashMap<>();
        applyDefaults(values, null, null);
        return new ServerConfig(null, values, Set.of(), List.of());
    }

    public static LoadedConfig parse(String source, String yaml, Function<String, String> env) throws PolicyException {
        Problems problems = new Problems(source);
        Node root = Yaml.compose(EnvExpand.expand(yaml, env), problems);
        problems.throwIfErrors();
        Map<String, Object> values = new HashMap<>();
        Set<String> set = new HashSet<>();
        walk("", MapReader.of(problems, "", root), values, set, problems);
        Node hp = find(root, "sandbox", "seccomp", "hardening_profiles");
        if (hp != null) problems.error(hp, "sandbox.seccomp.hardening_profiles has been replaced by sandbox.seccomp.mitigation_sets");
        applyDefaults(values, source, set);
        applyEnvOverrides(values, env, problems);
        validate(values, set, root, problems);
        problems.throwIfErrors();
        List<String> nop = new ArrayList<>();
        for (String k : set) {
            ConfigSchema.Key key = ConfigSchema.INSTANCE.key(k);
            if (key != null && !key.actedOn()) nop.add(k);
        }
        java.util.Collections.sort(nop);
        return new LoadedConfig(new ServerConfig(source, values, set, nop), problems.warnings());
    }

    private static void walk(String section, MapReader m, Map<String, Object> values, Set<String> set, Problems problems) {
        ConfigSchema schema = ConfigSchema.INSTANCE;
        for (String child : schema.children(section)) {
            String path = section.isEmpty() ? child : section + "." + child;
            if (schema.isKnown(path)) {
                if (m.keyNode(child) == null) { m.accept(child); continue; }
                Object v = read(m, child, schema.key(path), problems);
                if (v != null || Yaml.isNull(m.node(child))) {
                    if (v != null) values.put(path, v);
                    set.add(path);
                }
            } else if (schema.isSection(path)) {
                if (m.keyNode(child) == null) { m.accept(child); continue; }
                walk(path, m.map(child), values, set, problems);
            }
        }
        if (section.equals("server") && m.keyNode("grpc") != null) {
            Node n = m.keyNode("grpc");
            problems.warning(n, "server.grpc is accepted and ignored (gRPC is not supported; use the HTTP API)");
        }
        m.finish(false);
    }

    private static Object read(MapReader m, String key, ConfigSchema.Key k, Problems problems) {
        switch (k.type()) {
            case "str" -> { return m.string(key); }
            case "enum" -> {
                String v = m.string(key);
                if (v != null && !k.allowed().contains(v)) {
                    problems.error(m.node(key), "invalid " + k.path() + " \"" + v + "\" (expected one of "
                            + String.join(", ", k.allowed().stream().filter(s -> !s.isEmpty()).toList()) + ")");
                    return null;
                }
                return v;
            }
            case "bool" -> { return m.bool(key); }
            case "int" -> { return m.integer(key); }
            case "float" -> { return m.number(key); }
            case "dur" -> { return m.duration(key, false); }
            case "durd" -> { return m.duration(key, true); }
            case "bytes" -> { return m.byteSize(key); }
            case "strs" -> { return List.copyOf(m.strings(key)); }
            case "map" -> { return Map.copyOf(m.stringMap(key)); }
            case "any" -> { return Yaml.toPlain(m.node(key)); }
            default -> throw new IllegalStateException("schema type " + k.type());
        }
    }

    /** Fills every unset key with its default; {@code @DATA@} / {@code @POLICIES@} are source-aware. */
    private static void applyDefaults(Map<String, Object> values, String source, Set<String> set) {
        String dataDir, policiesDir;
        Path dir = source == null ? null : Path.of(source).toAbsolutePath().getParent();
        boolean system = dir == null || dir.toString().equals("/etc/agentsh");
        dataDir = system ? "/var/lib/agentsh" : dir.toString();
        policiesDir = system ? "/etc/agentsh/policies" : dir.resolve("policies").toString();
        if (values.get("data_dir") instanceof String d && !d.isEmpty()) dataDir = d;
        for (ConfigSchema.Key k : ConfigSchema.INSTANCE.keys().values()) {
            if (values.containsKey(k.path()) || k.dflt() == null) {
                if (!values.containsKey(k.path())) {
                    switch (k.type()) {
                        case "strs" -> values.put(k.path(), List.of());
                        case "map" -> values.put(k.path(), Map.of());
                        default -> { }
                    }
                }
                continue;
            }
            String d = ((String) k.dflt()).replace("@DATA@", dataDir).replace("@POLICIES@", policiesDir);
            Object v = switch (k.type()) {
                case "str", "enum" -> d;
                case "bool" -> Boolean.parseBoolean(d);
                case "int" -> Long.parseLong(d);
                case "float" -> Double.parseDouble(d);
                case "dur" -> GoDuration.parse(d, false);
                case "durd" -> GoDuration.parse(d, true);
                case "bytes" -> ByteSize.parse(d);
                case "strs" -> List.of(d.split(","));
                default -> null;
            };
            if (v != null) values.put(k.path(), v);
        }
        // The reference's derived defaults.
        if (values.get("sandbox.fuse.mount_base_dir") == null) values.put("sandbox.fuse.mount_base_dir", values.get("sessions.base_dir"));
        if (set != null && Boolean.TRUE.equals(values.get("sandbox.seccomp.enabled"))
                && !set.contains("sandbox.seccomp.file_monitor.enabled") && values.get("sandbox.seccomp.socket_rules") == null) {
            values.put("sandbox.seccomp.file_monitor.enabled", Boolean.TRUE);
        }
        if (set != null && Boolean.TRUE.equals(values.get("sandbox.seccomp.file_monitor.enabled"))
                && !set.contains("sandbox.seccomp.file_monitor.enforce_without_fuse")) {
            values.put("sandbox.seccomp.file_monitor.enforce_without_fuse", Boolean.TRUE);
        }
        boolean anyPattern = false;
        for (String p : List.of("email", "phone", "credit_card", "ssn", "api_keys")) {
            anyPattern |= Boolean.TRUE.equals(values.get("dlp.patterns." + p));
        }
        if (!anyPattern) for (String p : List.of("email", "phone", "credit_card", "ssn", "api_keys")) values.put("dlp.patterns." + p, Boolean.TRUE);
    }

    /** The reference's environment overrides, applied after defaults (reference §16.1). */
    private static void applyEnvOverrides(Map<String, Object> values, Function<String, String> env, Problems problems) {
        String[][] plain = {{"AGENTSH_HTTP_ADDR", "server.http.addr"}, {"AGENTSH_LOG_LEVEL", "logging.level"},
            {"AGENTSH_PROXY_MODE", "proxy.mode"}, {"AGENTSH_DLP_MODE", "dlp.mode"}, {"AGENTSH_PLATFORM_MODE", "platform.mode"}};
        for (String[] o : plain) {
            String v = env.apply(o[0]);
            if (v != null && !v.isEmpty()) values.put(o[1], v);
        }
        String port = env.apply("AGENTSH_PROXY_PORT");
        if (port != null && !port.isEmpty()) {
            try {
                values.put("proxy.port", Long.parseLong(port.trim()));
            } catch (NumberFormatException e) {
                problems.error((Node) null, "AGENTSH_PROXY_PORT: expected a port number, got \"" + port + "\"");
            }
        }
        String data = env.apply("AGENTSH_DATA_DIR");
        if (data != null && !data.isEmpty()) {
            values.put("data_dir", data);
            values.put("sessions.base_dir", Path.of(data, "sessions").toString());
            values.put("audit.storage.sqlite_path", Path.of(data, "events.db").toString());
        }
    }

    private static void validate(Map<String, Object> v, Set<String> set, Node root, Problems problems) {
        String opaque = (String) v.get("sandbox.seccomp.shellc.opaque");
        if (opaque != null && !List.of("deny", "enforce", "allow").contains(opaque)) {
            problems.error(at(root, "sandbox.seccomp.shellc.opaque"), "seccomp.shellc.opaque: invalid value \"" + opaque + "\" (want deny, enforce, or allow)");
        }
        if (Boolean.TRUE.equals(v.get("sandbox.ptrace.enabled")) && Boolean.TRUE.equals(v.get("sandbox.seccomp.execve.enabled"))) {
            problems.error(at(root, "sandbox.ptrace.enabled"),
                    "sandbox config: sandbox.ptrace and sandbox.seccomp.execve are mutually exclusive (hybrid mode not yet implemented)");
        }
        if ("pid".equals(v.get("sandbox.ptrace.attach_mode")) && ((Long) v.get("sandbox.ptrace.target_pid")) == 0
                && (v.get("sandbox.ptrace.target_pid_file") == null || ((String) v.get("sandbox.ptrace.target_pid_file")).isEmpty())) {
            problems.error(at(root, "sandbox.ptrace.attach_mode"), "sandbox.ptrace.attach_mode=pid requires target_pid or target_pid_file");
        }
        Object hold = v.get("sandbox.ptrace.performance.max_hold_ms");
        if (hold instanceof Long h && h <= 0) problems.error(at(root, "sandbox.ptrace.performance.max_hold_ms"), "sandbox.ptrace.performance.max_hold_ms must be > 0");
        Object q = v.get("sandbox.fuse.audit.max_event_queue");
        if (q instanceof Long l && l < 0) problems.error(at(root, "sandbox.fuse.audit.max_event_queue"), "sandbox.fuse.audit.max_event_queue must be >= 0");
        String signing = (String) v.get("policies.signing.mode");
        String trust = (String) v.get("policies.signing.trust_store");
        if (("warn".equals(signing) || "enforce".equals(signing)) && (trust == null || trust.isEmpty())) {
            problems.error(at(root, "policies.signing.mode"), "signing config: signing.trust_store is required when signing.mode is \"" + signing + "\"");
        }
        if (Boolean.TRUE.equals(v.get("landlock.enabled")) && !Boolean.TRUE.equals(v.get("landlock.network.allow_connect_tcp"))
                && Boolean.TRUE.equals(v.get("sandbox.network.enabled"))) {
            problems.error(at(root, "landlock.network.allow_connect_tcp"),
                    "landlock.network.allow_connect_tcp=false would block the network proxy (sandbox.network.enabled is true)");
        }
        String mode = (String) v.get("approvals.mode");
        if (set.contains("approvals.mode") && !List.of("local_tty", "api", "totp", "webauthn").contains(mode)) {
            problems.warning(at(root, "approvals.mode"), "approvals.mode \"" + mode + "\" is not one of local_tty, api, totp, webauthn");
        }
        boolean authOff = "none".equals(v.get("auth.type")) || Boolean.TRUE.equals(v.get("development.disable_auth"));
        if (Boolean.TRUE.equals(v.get("approvals.enabled")) && "api".equals(mode) && authOff) {
            problems.error(at(root, "approvals.mode"), "approvals.mode=api requires auth.type=api_key (auth is disabled)");
        }
        if ("api_key".equals(v.get("auth.type")) && (v.get("auth.api_key.keys_file") == null || ((String) v.get("auth.api_key.keys_file")).isEmpty())) {
            problems.error(at(root, "auth.type"), "auth.type=api_key requires auth.api_key.keys_file");
        }
    }

    private static Node at(Node root, String dotted) {
        Node n = find(root, dotted.split("\\."));
        return n == null ? root : n;
    }

    private static Node find(Node root, String... path) {
        Node cur = root;
        for (String p : path) {
            if (!(cur instanceof org.snakeyaml.engine.v2.nodes.MappingNode m)) return null;
            Node next = null;
            for (var t : m.getValue()) {
                if (t.getKeyNode() instanceof org.snakeyaml.engine.v2.nodes.ScalarNode k && k.getValue().equals(p)) {
                    next = t.getValueNode();
                    break;
                }
            }
            if (next == null) return null;
            cur = next;
        }
        return cur;
    }
}
