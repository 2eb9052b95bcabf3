package io.agentsh.policy.internal.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every server-config key we know (reference §16.2), its type, default and whether anything in
 * agentsh-java acts on it. This table is the registry behind {@code agentsh server --check-config}:
 * a key marked {@code nop} is accepted (so existing configs load) but changes nothing; flip the
 * flag when a feature lands. Types: str, bool, int, float, dur (Go duration), durd (with days),
 * bytes, strs (list of strings), map (string to string), any (free-form, kept as plain values),
 * enum:a,b,c (string from a fixed set, error otherwise).
 */
public final class ConfigSchema {
    public static final ConfigSchema INSTANCE = new ConfigSchema();

    public record Key(String path, String type, Object dflt, boolean actedOn, List<String> allowed) {}

    private static final String TABLE = """
            platform.mode|enum:auto,linux,darwin,darwin-lima,windows,windows-wsl2|auto|nop
            platform.fallback.enabled|bool|false|nop
            platform.fallback.order|strs||nop
            platform.mount_points|any||nop
            server.http.addr|str|127.0.0.1:18080|
            server.http.read_timeout|dur|30s|
            server.http.write_timeout|dur|5m|
            server.http.max_request_size|bytes|10MB|
            server.grpc.enabled|bool|false|nop
            server.grpc.addr|str|127.0.0.1:9090|nop
            server.unix_socket.enabled|bool|true|
            server.unix_socket.path|str|/run/agentsh/agentsh.sock|
            server.unix_socket.permissions|str|0666|
            server.tls.enabled|bool|false|nop
            server.tls.cert_file|str||nop
            server.tls.key_file|str||nop
            server.tls.ca_file|str||nop
            server.tls.client_auth|any||nop
            auth.type|enum:none,api_key,oidc,hybrid|none|
            auth.api_key.keys_file|str||
            auth.api_key.header_name|str|X-API-Key|
            auth.oidc|any||nop
            logging.level|str|info|
            logging.format|str|text|
            logging.output|str|stderr|
            logging.rotation|any||nop
            audit.enabled|bool|true|
            audit.output|str||
            audit.rotation|any||nop
            audit.storage.enabled|bool|true|
            audit.storage.sqlite_path|str|@DATA@/events.db|
            audit.storage.batch_size|int|64|
            audit.storage.flush_interval|dur|50ms|
            audit.storage.channel_size|int|4096|
            audit.webhook|any||nop
            audit.integrity|any||nop
            audit.encryption|any||nop
            audit.otel|any||nop
            audit.watchtower|any||nop
            audit.include|any||nop
            sessions.base_dir|str|@DATA@/sessions|
            sessions.max_sessions|int|100|
            sessions.default_timeout|dur||
            sessions.default_idle_timeout|dur||
            sessions.cleanup_interval|dur|1m|
            sessions.real_paths|bool|false|nop
            sessions.checkpoints|any||nop
            sessions.metadata_retention|any||nop
            sandbox.enabled|bool|true|
            sandbox.allow_degraded|bool|false|
            sandbox.limits.max_memory_mb|int|2048|
            sandbox.limits.max_cpu_percent|int|50|
            sandbox.limits.max_processes|int|100|
            sandbox.limits.max_disk_io_mbps|int|100|
            sandbox.limits.max_network_mbps|int|50|nop
            sandbox.env_inject|map||
            sandbox.wrap_env_policy.enabled|bool|false|nop
            sandbox.protected_paths|strs||
            sandbox.namespaces.pid|bool|false|
            sandbox.fuse.enabled|bool|false|
            sandbox.fuse.deferred|bool|false|
            sandbox.fuse.mount_base_dir|str||
            sandbox.fuse.deferred_marker_file|str||
            sandbox.fuse.deferred_enable_command|strs||
            sandbox.fuse.max_background|int|0|nop
            sandbox.fuse.entry_timeout|any||nop
            sandbox.fuse.attr_timeout|any||nop
            sandbox.fuse.audit.enabled|bool|true|
            sandbox.fuse.audit.mode|enum:monitor,soft_block,soft_delete,strict|monitor|
            sandbox.fuse.audit.trash_path|str|.agentsh_trash|
            sandbox.fuse.audit.ttl|durd|7d|
            sandbox.fuse.audit.quota|bytes|5GB|
            sandbox.fuse.audit.strict_on_audit_failure|bool|false|
            sandbox.fuse.audit.max_event_queue|int|1024|
            sandbox.fuse.audit.hash_small_files_under|bytes|1MB|
            sandbox.network.enabled|bool|false|
            sandbox.network.proxy_port|int|9080|
            sandbox.network.dns_port|int|9053|
            sandbox.network.intercept_mode|enum:all,tcp_only,monitor|all|
            sandbox.network.proxy_listen_addr|str|127.0.0.1:0|
            sandbox.network.proxy_port_range|any||nop
            sandbox.network.dns_upstream|any||nop
            sandbox.network.tls_inspection.enabled|bool|false|
            sandbox.network.tls_inspection.ca_cert|str||
            sandbox.network.tls_inspection.ca_key|str||
            sandbox.network.transparent.enabled|bool|false|
            sandbox.network.transparent.subnet_base|str|10.250.0.0/16|
            sandbox.network.ebpf|any||nop
            sandbox.network.rate_limits|any||nop
            sandbox.cgroups.enabled|bool|false|
            sandbox.cgroups.base_path|str||
            sandbox.cgroups.best_effort|bool|false|
            sandbox.unix_sockets.enabled|bool|true|
            sandbox.unix_sockets.wrapper_bin|str||nop
            sandbox.seccomp.enabled|bool|false|
            sandbox.seccomp.mode|enum:enforce,audit,disabled|enforce|
            sandbox.seccomp.unix_socket.enabled|bool|true|
            sandbox.seccomp.unix_socket.action|str|enforce|
            sandbox.seccomp.syscalls.default_action|str|allow|
            sandbox.seccomp.syscalls.block|strs||
            sandbox.seccomp.syscalls.allow|strs||
            sandbox.seccomp.syscalls.on_block|enum:errno,kill,log,log_and_kill|errno|
            sandbox.seccomp.execve.enabled|bool|false|
            sandbox.seccomp.execve.max_argc|int|1000|
            sandbox.seccomp.execve.max_argv_bytes|int|65536|
            sandbox.seccomp.execve.on_truncated|enum:deny,allow,approval|deny|
            sandbox.seccomp.execve.approval_timeout|dur|10s|
            sandbox.seccomp.execve.approval_timeout_action|str|deny|
            sandbox.seccomp.execve.internal_bypass|strs|/usr/local/bin/agentsh,/usr/local/bin/agentsh-unixwrap|
            sandbox.seccomp.shellc.opaque|str|enforce|
            sandbox.seccomp.file_monitor.enabled|bool|false|
            sandbox.seccomp.file_monitor.enforce_without_fuse|bool|false|
            sandbox.seccomp.file_monitor.intercept_metadata|bool|false|
            sandbox.seccomp.file_monitor.write_only_opens|bool|false|
            sandbox.seccomp.file_monitor.openat_emulation|bool|false|
            sandbox.seccomp.file_monitor.block_io_uring|bool|false|
            sandbox.seccomp.file_monitor.strict_reads|bool|false|
            sandbox.seccomp.blocked_socket_families|any||
            sandbox.seccomp.socket_rules|any||nop
            sandbox.seccomp.mitigation_sets|strs||nop
            sandbox.seccomp.mitigation_dirs|strs||nop
            sandbox.seccomp.wait_killable|bool||nop
            sandbox.ptrace.enabled|bool|false|
            sandbox.ptrace.attach_mode|enum:children,pid|children|
            sandbox.ptrace.target_pid|int|0|
            sandbox.ptrace.target_pid_file|str||
            sandbox.ptrace.trace.execve|bool|true|
            sandbox.ptrace.trace.file|bool|true|
            sandbox.ptrace.trace.network|bool|true|
            sandbox.ptrace.trace.signal|bool|true|
            sandbox.ptrace.performance.seccomp_prefilter|bool|true|
            sandbox.ptrace.performance.max_tracees|int|500|
            sandbox.ptrace.performance.max_hold_ms|int|5000|
            sandbox.ptrace.performance.static_allow_file|any||nop
            sandbox.ptrace.performance.static_allow_network|any||nop
            sandbox.ptrace.performance.arg_level_filter|any||nop
            sandbox.ptrace.mask_tracer_pid|enum:off|off|nop
            sandbox.ptrace.on_attach_failure|enum:fail_open,fail_closed|fail_open|
            sandbox.xpc|any||nop
            sandbox.mcp|any||nop
            policies.dir|str|@POLICIES@|
            policies.default|str|default|
            policies.allowed|strs||
            policies.manifest_path|str||nop
            policies.signing.mode|enum:off,warn,enforce|off|nop
            policies.signing.trust_store|str||nop
            policies.env_policy|any||nop
            policies.env_shim_path|str||
            policies.reload_interval|dur||nop
            policies.detect_project_root|bool|true|
            policies.project_markers|strs|.git,go.mod,package.json,Cargo.toml,pyproject.toml|
            policies.symlink_escape|enum:,evaluate,deny|evaluate|
            mount_profiles|any||nop
            approvals.enabled|bool|false|
            approvals.mode|str|local_tty|
            approvals.timeout|dur|5m|
            approvals.when_disabled|enum:deny,allow|deny|
            approvals.webauthn|any||nop
            approvals.notification|any||nop
            approvals.storage|any||nop
            metrics.enabled|bool|true|
            metrics.path|str|/metrics|
            metrics.include_go_metrics|any||nop
            metrics.include_process_metrics|any||nop
            health.path|str|/health|
            health.readiness_path|str|/ready|
            development.debug|bool|false|
            development.disable_auth|bool|false|
            development.disable_policy|bool|false|nop
            development.pprof|any||nop
            proxy.mode|str|embedded|
            proxy.port|int|0|
            proxy.providers.anthropic|str|https://api.anthropic.com|
            proxy.providers.openai|str|https://api.openai.com|
            proxy.rate_limits|any||
            dlp.mode|enum:redact,tokenize,block,disabled|redact|
            dlp.scan_command_output|bool||
            dlp.patterns.email|bool|false|
            dlp.patterns.phone|bool|false|
            dlp.patterns.credit_card|bool|false|
            dlp.patterns.ssn|bool|false|
            dlp.patterns.api_keys|bool|false|
            dlp.custom_patterns|any||
            llm_storage.store_bodies|bool|false|
            llm_storage.retention.max_age_days|int|30|
            llm_storage.retention.max_size_mb|int|500|
            llm_storage.retention.eviction|enum:oldest_first,largest_first|oldest_first|
            security.mode|enum:,auto,full,ptrace,landlock,landlock-only,minimal|auto|
            security.strict|bool|false|
            security.minimum_mode|enum:,full,ptrace,landlock,landlock-only,minimal||
            security.warn_degraded|bool|true|nop
            landlock.enabled|bool|false|
            landlock.allow_execute|strs||
            landlock.allow_read|strs||
            landlock.allow_write|strs||
            landlock.deny_paths|strs||
            landlock.network.allow_connect_tcp|bool|true|
            landlock.network.allow_bind_tcp|bool|false|
            landlock.network.bind_ports|any||nop
            capabilities.allow|strs||
            threat_feeds|any||nop
            tor|any||nop
            package_checks|any||nop
            skillcheck|any||nop
            policy_socket|any||nop
            data_dir|str|@DATA@|
            """;

    private final Map<String, Key> keys = new LinkedHashMap<>();
    private final Set<String> sections = new LinkedHashSet<>();

    private ConfigSchema() {
        for (String line : TABLE.split("\n")) {
            if (line.isBlank()) continue;
            String[] f = line.split("\\|", -1);
            String type = f[1];
            List<String> allowed = List.of();
            if (type.startsWith("enum:")) {
                allowed = List.of(type.substring(5).split(",", -1));
                type = "enum";
            }
            keys.put(f[0], new Key(f[0], type, f[2].isEmpty() ? null : f[2], !f[3].equals("nop"), allowed));
            String p = f[0];
            int dot;
            while ((dot = p.lastIndexOf('.')) > 0) {
                p = p.substring(0, dot);
                sections.add(p);
            }
        }
    }

    public boolean isKnown(String path) { return keys.containsKey(path); }
    public boolean isSection(String path) { return sections.contains(path); }
    public Key key(String path) { return keys.get(path); }
    public Map<String, Key> keys() { return Collections.unmodifiableMap(keys); }

    /** Child names of a section ("" = top level): keys and sub-sections. */
    public List<String> children(String section) {
        String prefix = section.isEmpty() ? "" : section + ".";
        Set<String> out = new LinkedHashSet<>();
        for (String k : keys.keySet()) {
            if (!k.startsWith(prefix)) continue;
            String rest = k.substring(prefix.length());
            int dot = rest.indexOf('.');
            out.add(dot < 0 ? rest : rest.substring(0, dot));
        }
        return new ArrayList<>(out);
    }
}
