package io.agentsh.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Read governance, persistence, approvals, templates, env, signals, unix sockets, redirects. */
class SemanticsTest {
    static final String CATCH_ALL = """
            version: 1
            name: t
            file_rules:
              - name: home-read
                paths: ["/home/dev/**"]
                operations: [read, open, stat]
                decision: allow
              - name: shadow-ok
                paths: ["/etc/shadow-test"]
                operations: [read]
                decision: allow
              - name: workspace
                paths: ["/work/**"]
                decision: allow
              - name: bashrc-by-name
                paths: ["/home/dev/.bashrc"]
                operations: [write]
                decision: allow
              - name: deny-rest
                paths: ["**"]
                decision: deny
            """;

    static Engine engine(String yaml, EngineOptions o) throws PolicyException {
        return Engine.compile(PolicyLoader.parse("t.yaml", yaml), o);
    }

    static EngineOptions.Builder opts() { return EngineOptions.builder().environment(k -> null).variable("HOME", "/home/dev"); }

    @Test void readsFallingToCatchAllFollowReadRoots() throws Exception {
        Engine e = engine(CATCH_ALL, opts().readRoots(List.of("/usr", "/etc")).build());
        assertEquals("home-read", e.checkFile("/home/dev/x", FileOperation.READ).rule());
        assertEquals("allow-read-roots", e.checkFile("/usr/share/doc/x", FileOperation.READ).rule());
        assertEquals("allow-read-roots", e.checkFile("/lib/x86_64-linux-gnu/libc.so.6", FileOperation.OPEN).rule(), "loader path");
        assertEquals("deny-rest", e.checkFile("/srv/secret", FileOperation.READ).rule());
        assertEquals(Decision.DENY, e.checkFile("/srv/secret", FileOperation.READ).effectiveDecision());
        // protected paths: denied even inside read roots, unless a rule names them
        for (String p : List.of("/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/sudoers.d/90-cloud", "/etc/ssh/ssh_host_ed25519_key",
                "/proc/kcore", "/proc/1/environ", "/proc/1234/mem", "/proc/1/task/2/environ")) {
            assertEquals("protected-path", e.checkFile(p, FileOperation.READ).rule(), p);
        }
        assertEquals("shadow-ok", e.checkFile("/etc/shadow-test", FileOperation.READ).rule());
        // writes always follow the policy in full
        assertEquals("deny-rest", e.checkFile("/usr/share/doc/x", FileOperation.WRITE).rule());
    }

    @Test void ownProcFilesAreNotProtected() throws Exception {
        Engine e = engine(CATCH_ALL, opts().readRoots(List.of("/proc")).build());
        assertEquals("allow-read-roots", e.checkFile("/proc/self/environ", FileOperation.READ).rule());
        assertEquals("allow-read-roots", e.checkFile("/proc/77/environ", FileOperation.READ, 77).rule());
        assertEquals("protected-path", e.checkFile("/proc/78/environ", FileOperation.READ, 77).rule());
    }

    @Test void strictReadsApplyTheCatchAll() throws Exception {
        Engine e = engine(CATCH_ALL, opts().readRoots(List.of("/usr")).strictReads(true).build());
        assertEquals("deny-rest", e.checkFile("/usr/share/doc/x", FileOperation.READ).rule());
        assertEquals("home-read", e.checkFile("/home/dev/x", FileOperation.READ).rule());
    }

    @Test void noCatchAllMeansDefaultAllowReadsButNotProtected() throws Exception {
        Engine e = engine("version: 1\nname: t\nfile_rules:\n  - name: w\n    paths: [\"/work/**\"]\n    decision: allow\n", opts().build());
        assertEquals("default-allow-reads", e.checkFile("/srv/x", FileOperation.READ).rule());
        assertEquals("protected-path", e.checkFile("/etc/shadow", FileOperation.READ).rule());
        assertEquals("default-deny-files", e.checkFile("/srv/x", FileOperation.WRITE).rule());
        assertEquals("protected-path", e.checkFile("/etc/../etc//shadow", FileOperation.READ).rule(), "normalised");
    }

    @Test void persistenceNeedsARuleThatNamesThePath() throws Exception {
        Engine e = engine(CATCH_ALL + """
                  - name: never-reached
                    paths: ["/never"]
                    decision: allow
                """, opts().build());
        assertEquals("bashrc-by-name", e.checkFile("/home/dev/.bashrc", FileOperation.WRITE).rule());
        // /work/** is broad: it does not name a start-up file below it
        Engine w = engine("""
                version: 1
                name: t
                file_rules:
                  - name: all-root
                    paths: ["/root/**", "/etc/**", "/var/spool/cron/**"]
                    decision: allow
                """, opts().variable("HOME", "/root").build());
        for (String p : List.of("/root/.bashrc", "/root/.profile", "/root/.ssh/authorized_keys", "/etc/profile", "/etc/profile.d/x.sh",
                "/etc/bash.bashrc", "/etc/crontab", "/etc/cron.d/job", "/var/spool/cron/crontabs/root", "/etc/systemd/system/x.service",
                "/root/.config/systemd/user/x.service")) {
            for (FileOperation op : List.of(FileOperation.WRITE, FileOperation.CREATE, FileOperation.DELETE, FileOperation.RENAME, FileOperation.CHMOD)) {
                assertEquals("protect-persistence", w.checkFile(p, op).rule(), p + " " + op);
            }
            assertEquals("all-root", w.checkFile(p, FileOperation.READ).rule(), p);
        }
        assertEquals("all-root", w.checkFile("/root/project/x", FileOperation.WRITE).rule());
    }

    @Test void approvalsFailClosed() throws Exception {
        String y = "version: 1\nname: t\nfile_rules:\n  - name: ask\n    paths: [\"/x\"]\n    decision: approve\n    timeout: 90s\n";
        Verdict off = engine(y, opts().build()).checkFile("/x", FileOperation.WRITE);
        assertEquals(Decision.APPROVE, off.policyDecision());
        assertEquals(Decision.DENY, off.effectiveDecision());
        assertEquals(java.time.Duration.ofSeconds(90), off.approvalTimeout());
        assertEquals(Decision.ALLOW, engine(y, opts().approvalsWhenDisabledAllow(true).build()).checkFile("/x", FileOperation.WRITE).effectiveDecision());
        assertEquals(Decision.APPROVE, engine(y, opts().approvalsEnabled(true).build()).checkFile("/x", FileOperation.WRITE).effectiveDecision());
    }

    @Test void templatesRenderKnownPlaceholdersOnly() {
        TemplateContext f = TemplateContext.forFile("/a b", FileOperation.DELETE);
        assertEquals("del /a b ({{.Nope}}) delete {{ .Args }}", f.render("del {{.Path}} ({{.Nope}}) {{ .Operation }} {{ .Args }}"));
        assertEquals("rm -r x", TemplateContext.forCommand("rm", List.of("-r", "x")).render("{{.Command}} {{.Args}}"));
        assertEquals("evil.com:443 evil.com", TemplateContext.forNetwork("evil.com", null, 443).render("{{.RemoteAddr}}:{{.RemotePort}} {{.Domain}}"));
    }

    @Test void envFilterBuildsTheChildEnvironment() throws Exception {
        Engine e = Engine.compile(PolicyLoader.load(Compat.file("exe.dev/default.yaml")),
                opts().variable("PROJECT_ROOT", "/root").envInject(Map.of("BASH_ENV", "/usr/lib/agentsh/bash_startup.sh")).build());
        EnvFilter f = e.envFilter();
        assertEquals(new EnvCheck(false, "deny", "AWS_*"), f.check("AWS_SECRET_ACCESS_KEY"));
        assertEquals(new EnvCheck(true, "allow", "LC_*"), f.check("LC_ALL"));
        assertEquals(new EnvCheck(false, "default-deny", ""), f.check("RANDOM_THING"));
        Map<String, String> req = new LinkedHashMap<>();
        req.put("LANG", "C.UTF-8");
        req.put("OPENAI_API_KEY", "sk-x");
        req.put("EMPTY", "");
        req.put("NPM_TOKEN_X", "1");
        List<String> env = f.build(Map.of("PATH", "/usr/bin:/bin", "HOME", "/root"), req);
        assertEquals(List.of("AGENTSH_IN_SESSION=1", "BASH_ENV=/usr/lib/agentsh/bash_startup.sh", "HOME=/root", "LANG=C.UTF-8",
                "NPM_TOKEN_X=1", "PATH=/usr/bin:/bin"), env);
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 120; i++) many.put("LC_X" + i, "v");
        EnvLimitException ex = assertThrows(EnvLimitException.class, () -> f.build(Map.of(), many));
        assertEquals("env exceeds max_keys (100)", ex.getMessage());
        // with no allow list the built-in secret list applies
        Engine d = engine("version: 1\nname: t\n", opts().build());
        assertEquals("default-secret-deny", d.envFilter().check("LD_PRELOAD").matchedBy());
        assertEquals("default-secret-deny", d.envFilter().check("AWS_PROFILE").matchedBy());
        assertTrue(d.envFilter().check("HOME").allowed());
    }

    @Test void commandRuleEnvOverridesTravelWithTheVerdict() throws Exception {
        Engine e = engine("""
                version: 1
                name: t
                env_policy: {deny: ["SECRET*"]}
                command_rules:
                  - name: node
                    commands: [node]
                    decision: allow
                    env_allow: ["NODE_*"]
                    env_max_keys: 3
                  - name: rest
                    commands: ["*"]
                    decision: allow
                """, opts().build());
        Verdict v = e.checkCommand("node", List.of("app.js"));
        assertEquals(3, v.env().maxKeys());
        assertTrue(v.env().allows("NODE_ENV"));
        assertTrue(!v.env().allows("HOME"));
        assertTrue(!v.env().allows("SECRET_X"));
        assertTrue(e.checkCommand("ls", List.of()).env().allows("HOME"));
    }

    @Test void signals() throws Exception {
        Engine e = Engine.compile(PolicyLoader.load(Compat.file("reference-policies/signal-strict.yaml")), opts().build());
        SignalTarget self = new SignalTarget(100, "bash", true, false, false, false, true, false, true);
        SignalTarget child = new SignalTarget(101, "sleep", false, true, true, false, true, false, true);
        SignalTarget parent = new SignalTarget(50, "agentsh", false, false, false, false, false, true, true);
        SignalTarget init = new SignalTarget(1, "systemd", false, false, false, false, false, false, false);
        assertEquals("allow-self", e.checkSignal(9, self).rule());
        assertEquals(Decision.ALLOW, e.checkSignal(15, child).decision());
        SignalVerdict kill = e.checkSignal(9, child);
        assertEquals(Decision.REDIRECT, kill.decision());
        assertEquals(15, kill.redirectSignal());
        assertEquals(Decision.DENY, e.checkSignal(19, child).decision(), "approve with approvals off denies");
        SignalVerdict p = e.checkSignal(15, parent);
        assertEquals("deny-parent", p.rule());
        assertEquals(Decision.AUDIT, p.fallback());
        assertEquals(Decision.DENY, e.checkSignal(15, init).decision());
    }

    @Test void unixSockets() throws Exception {
        Engine e = Engine.compile(PolicyLoader.load(Compat.file("reference-policies/agent-default.yaml")), opts().variable("PROJECT_ROOT", "/w").variable("GIT_ROOT", "/w").build());
        assertEquals("allow-docker-socket", e.checkUnixSocket("/var/run/docker.sock", UnixSocketOperation.CONNECT).rule());
        assertEquals("deny-system-sockets", e.checkUnixSocket("/var/run/docker.sock", UnixSocketOperation.BIND).rule());
        assertEquals("default-deny-unix", e.checkUnixSocket("@abstract", UnixSocketOperation.CONNECT).rule());
    }

    @Test void redirects() throws Exception {
        Engine e = engine("""
                version: 1
                name: t
                dns_redirects:
                  - name: npm
                    match: "(^|\\\\.)npmjs\\\\.org$"
                    resolve_to: 10.0.0.5
                connect_redirects:
                  - name: api
                    match: "^api\\\\.example\\\\.com:443$"
                    redirect_to: "127.0.0.1:8443"
                    tls: {mode: rewrite_sni, sni: internal.example}
                """, opts().build());
        assertEquals("10.0.0.5", e.dnsRedirect("Registry.NPMJS.org.").orElseThrow().resolveTo());
        assertTrue(e.dnsRedirect("npmjs.org.evil").isEmpty());
        ConnectRedirect c = e.connectRedirect("API.example.com", 443).orElseThrow();
        assertEquals("127.0.0.1:8443", c.redirectTo());
        assertEquals("rewrite_sni", c.tlsMode());
        assertTrue(e.connectRedirect("api.example.com", 80).isEmpty());
        PolicyException bad = assertThrows(PolicyException.class, () -> PolicyLoader.parse("r.yaml", """
                version: 1
                name: t
                dns_redirects:
                  - name: x
                    match: "a"
                    resolve_to: not-an-ip
                connect_redirects:
                  - name: y
                    match: "b"
                """));
        assertEquals(List.of("r.yaml:6:17: dns_redirects[0]: resolve_to must be valid IP",
                "r.yaml:8:5: connect_redirects[0]: exactly one of redirect_to or redirect_to_unix is required"),
                bad.problems().stream().map(Problem::toString).toList());
    }

    @Test void lonelyStarDomainMatchesEveryHost() throws Exception {
        Engine e = engine("""
                version: 1
                name: t
                network_rules:
                  - name: one-label
                    domains: ["*.example.com"]
                    decision: allow
                  - name: any
                    domains: ["*"]
                    ports: [443]
                    decision: audit
                  - name: v6
                    cidrs: ["2001:db8::/32"]
                    decision: deny
                """, opts().build());
        assertEquals("one-label", e.checkNetwork("API.Example.com", 80, List.of()).rule());
        assertEquals("default-deny-network", e.checkNetwork("a.b.example.com", 80, List.of()).rule());
        assertEquals("any", e.checkNetwork("a.b.example.com", 443, List.of()).rule());
        assertEquals("v6", e.checkNetwork("[2001:db8::1]", 80, List.of()).rule());
        assertEquals("default-deny-network", e.checkNetwork("host.example.org", 80, List.of()).rule(), "no DNS: CIDR rules need addresses");
    }

    @Test void fileRuleViews() throws Exception {
        Engine e = Engine.compile(PolicyLoader.load(Compat.file("exe.dev/default.yaml")), opts().variable("HOME", "/root").variable("PROJECT_ROOT", "/root").build());
        FileRuleView ssh = e.fileRules().get(0);
        assertEquals("approve-ssh-access", ssh.name());
        assertEquals(List.of("/root/.ssh/**", "/root/.ssh/**"), ssh.patterns());
        assertEquals(java.util.EnumSet.allOf(FileOperation.class), ssh.operations());
        assertEquals(Decision.DENY, ssh.effectiveDecision());
        assertTrue(e.isProtectedPath("/etc/./shadow", -1));
    }

    @Test void resourceLimits() throws Exception {
        Engine e = Engine.compile(PolicyLoader.load(Compat.file("exe.dev/default.yaml")), opts().variable("PROJECT_ROOT", "/root").build());
        ResourceLimits l = e.limits();
        assertEquals(2048, l.maxMemoryMb());
        assertEquals(100, l.pidsMax());
        assertEquals(java.time.Duration.ofMinutes(5), l.commandTimeout());
        assertEquals(java.time.Duration.ofMinutes(5), l.effectiveCommandTimeout(java.time.Duration.ofHours(1)));
        assertEquals(java.time.Duration.ofSeconds(10), l.effectiveCommandTimeout(java.time.Duration.ofSeconds(10)));
    }
}
