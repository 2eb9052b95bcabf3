package io.agentsh.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {
    @Test void defaults() {
        ServerConfig c = ServerConfigLoader.defaults();
        assertEquals("127.0.0.1:18080", c.httpAddr());
        assertEquals("/run/agentsh/agentsh.sock", c.unixSocketPath());
        assertEquals("/etc/agentsh/policies", c.policiesDir().toString());
        assertEquals("default", c.policiesDefault());
        assertEquals(Duration.ofMinutes(5), c.approvalsTimeout());
        assertEquals(Duration.ofDays(7), c.duration("sandbox.fuse.audit.ttl"));
        assertEquals(5_000_000_000L, c.byteSize("sandbox.fuse.audit.quota"));
        assertEquals(10_000_000L, c.byteSize("server.http.max_request_size"));
        assertEquals("/var/lib/agentsh/events.db", c.auditSqlitePath().toString());
        assertTrue(c.bool("dlp.patterns.email"));
        assertEquals(List.of(), c.acceptedNotActedOn());
        assertThrows(IllegalArgumentException.class, () -> c.string("no.such.key"));
    }

    @Test void envExpansionWarningsAndNotActedOn() throws Exception {
        LoadedConfig lc = ServerConfigLoader.parse("/srv/agentsh/config.yaml", """
                server:
                  http:
                    addr: "${BIND}:$PORT"
                    max_request_size: 5MiB
                  grpc:
                    enabled: true
                policies:
                  default_policy: strict
                tor:
                  enabled: true
                approvals:
                  when_disabled: allow
                sandbox:
                  env_inject:
                    BASH_ENV: /usr/lib/agentsh/bash_startup.sh
                  seccomp:
                    file_monitor:
                      strict_reads: true
                """, Map.of("BIND", "127.0.0.1", "PORT", "9999")::get);
        ServerConfig c = lc.config();
        assertEquals("127.0.0.1:9999", c.httpAddr());
        assertEquals(5L * 1024 * 1024, c.byteSize("server.http.max_request_size"));
        assertEquals("/srv/agentsh/policies", c.policiesDir().toString(), "source-aware default");
        assertEquals("/srv/agentsh/events.db", c.auditSqlitePath().toString());
        assertEquals(List.of("server.grpc.enabled", "tor"), c.acceptedNotActedOn());
        assertEquals(List.of(
                "/srv/agentsh/config.yaml:5:3: warning: server.grpc is accepted and ignored (gRPC is not supported; use the HTTP API)",
                "/srv/agentsh/config.yaml:8:3: warning: unknown key \"default_policy\" in policies (expected one of: dir, default, allowed, manifest_path, signing, env_policy, env_shim_path, reload_interval, detect_project_root, project_markers, symlink_escape)"),
                lc.warnings().stream().map(Problem::toString).toList());
        EngineOptions o = c.engineOptions().build();
        assertTrue(o.strictReads());
        assertTrue(o.approvalsWhenDisabledAllow());
        assertEquals(Map.of("BASH_ENV", "/usr/lib/agentsh/bash_startup.sh"), o.envInject());
    }

    @Test void validationErrorsHavePositions() {
        PolicyException e = assertThrows(PolicyException.class, () -> ServerConfigLoader.parse("c.yaml", """
                server:
                  http:
                    read_timeout: 30
                sandbox:
                  network:
                    intercept_mode: sometimes
                  seccomp:
                    shellc:
                      opaque: maybe
                    execve:
                      enabled: true
                  ptrace:
                    enabled: yes please
                """, k -> null));
        assertEquals(List.of(
                "c.yaml:3:19: server.http.read_timeout: time: missing unit in duration \"30\" (expected a duration such as 30s, 5m, 1h30m)",
                "c.yaml:6:21: invalid sandbox.network.intercept_mode \"sometimes\" (expected one of all, tcp_only, monitor)",
                "c.yaml:9:15: seccomp.shellc.opaque: invalid value \"maybe\" (want deny, enforce, or allow)",
                "c.yaml:13:14: sandbox.ptrace.enabled: expected true or false, got a string \"yes please\""),
                e.problems().stream().map(Problem::toString).toList());
    }

    @Test void hybridPtraceSeccompExecveIsRejected() {
        PolicyException e = assertThrows(PolicyException.class, () -> ServerConfigLoader.parse("c.yaml", """
                sandbox:
                  seccomp: {enabled: true, execve: {enabled: true}}
                  ptrace: {enabled: true}
                """, k -> null));
        assertTrue(e.getMessage().contains("sandbox.ptrace and sandbox.seccomp.execve are mutually exclusive"), e.getMessage());
    }

    @Test void environmentOverrides() throws Exception {
        ServerConfig c = ServerConfigLoader.parse("/etc/agentsh/config.yaml", "server: {http: {addr: 127.0.0.1:1}}\n",
                Map.of("AGENTSH_HTTP_ADDR", "127.0.0.1:2", "AGENTSH_DATA_DIR", "/data")::get).config();
        assertEquals("127.0.0.1:2", c.httpAddr());
        assertEquals("/data/events.db", c.auditSqlitePath().toString());
        assertEquals("/data/sessions", c.sessionsBaseDir().toString());
    }

    @Test void emptyFileIsValid() throws Exception {
        assertEquals("127.0.0.1:18080", ServerConfigLoader.parse("/etc/agentsh/config.yaml", "", k -> null).config().httpAddr());
    }
}
