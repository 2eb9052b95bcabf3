package io.agentsh.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Command pattern classes, case rules, .real, context depth, execve argv[0], wrappers, sh -c. */
class CommandSemanticsTest {
    static final String POLICY = """
            version: 1
            name: c
            transparent_commands:
              add: [firejail]
              remove: [nohup]
            command_rules:
              - name: git-force
                commands: [git]
                args_patterns: ["push.*(-f|--force)"]
                decision: deny
              - name: nested-curl
                commands: [curl]
                context: [nested]
                decision: deny
              - name: deep-only
                commands: [make]
                context: {min_depth: 2}
                decision: deny
              - name: full-path
                commands: [/opt/tools/Thing]
                decision: audit
              - name: path-glob
                commands: ["/usr/local/bin/py*"]
                decision: approve
              - name: base-glob
                commands: ["node*"]
                decision: allow
              - name: fetch
                commands: [wget]
                decision: redirect
                redirect_to: {command: agentsh-fetch, args: ["--safe"]}
              - name: shells
                commands: [bash, sh, nohup, firejail]
                decision: allow
              - name: sudo
                commands: [sudo]
                decision: deny
              - name: rest
                commands: ["*"]
                decision: allow
            """;

    static Engine e() throws PolicyException {
        return Engine.compile(PolicyLoader.parse("c.yaml", POLICY), EngineOptions.builder().environment(k -> null).build());
    }

    @Test void classesAndCase() throws Exception {
        Engine e = e();
        assertEquals("full-path", e.checkCommand("/OPT/tools/thing", List.of()).rule(), "full paths are case-insensitive");
        assertEquals("rest", e.checkCommand("Thing", List.of()).rule(), "a full-path rule needs the path");
        assertEquals("path-glob", e.checkCommand("/usr/local/bin/python3", List.of()).rule());
        assertEquals("base-glob", e.checkCommand("/usr/bin/nodejs", List.of()).rule());
        assertEquals("shells", e.checkCommand("/bin/BASH", List.of()).rule());
        assertEquals("shells", e.checkCommand("bash.real", List.of()).rule(), ".real stripped in the pre-check");
        assertEquals("rest", e.checkExecve("/bin/bash.real", List.of("bash"), 0).rule(), "but not at exec time");
        assertEquals("sudo", e.checkCommand("/tmp/sudo", List.of()).rule(), "basename rules match any directory");
    }

    @Test void argsAndArgv0() throws Exception {
        Engine e = e();
        assertEquals("git-force", e.checkCommand("git", List.of("push", "-f", "origin")).rule());
        assertEquals("rest", e.checkCommand("git", List.of("pull")).rule());
        assertEquals("git-force", e.checkExecve("/usr/bin/git", List.of("git", "push", "--force"), 0).rule());
    }

    @Test void contextDepth() throws Exception {
        Engine e = e();
        assertEquals("rest", e.checkExecve("/usr/bin/curl", List.of("curl", "x"), 0).rule());
        assertEquals("nested-curl", e.checkExecve("/usr/bin/curl", List.of("curl", "x"), 1).rule());
        assertEquals("rest", e.checkExecve("/usr/bin/make", List.of("make"), 1).rule());
        assertEquals("deep-only", e.checkExecve("/usr/bin/make", List.of("make"), 5).rule());
        assertEquals("rest", e.checkCommand("curl", List.of("x")).rule(), "pre-check is depth 0");
    }

    @Test void redirect() throws Exception {
        Verdict v = e().checkCommand("wget", List.of("http://x"));
        assertEquals(Decision.REDIRECT, v.effectiveDecision());
        assertEquals("agentsh-fetch", v.redirect().command());
        assertEquals(List.of("--safe"), v.redirect().args());
    }

    @Test void transparentCommandsAddAndRemove() throws Exception {
        Engine e = e();
        Verdict v = e.checkCommand("firejail", List.of("--net=none", "sudo", "id"));
        assertEquals("sudo", v.rule());
        assertEquals("firejail", v.unwrappedFrom());
        assertEquals("shells", e.checkCommand("nohup", List.of("sudo", "id")).rule(), "nohup removed from the wrappers");
        assertEquals("sudo", e.checkExecve("/usr/bin/env", List.of("env", "-i", "A=1", "sudo", "id"), 1).rule());
        assertNull(e.checkCommand("ls", List.of()).unwrappedFrom());
    }

    @Test void overlongWrapperChainsFailClosed() throws Exception {
        Engine e = e();
        java.util.List<String> argv = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) argv.add("env");
        argv.add("ls");
        assertEquals("wrapper-depth-exceeded", e.checkCommand("env", argv).rule());
        java.util.List<String> exec = new java.util.ArrayList<>(List.of("env"));
        exec.addAll(argv);
        assertEquals("wrapper-depth-exceeded", e.checkExecve("/usr/bin/env", exec, 1).rule());
        assertEquals("rest", e.checkCommand("env", List.of("env", "env", "ls")).rule());
    }

    @Test void shellScripts() throws Exception {
        Engine e = e();
        assertEquals("sudo", e.checkCommand("bash", List.of("-c", "cd /tmp && ls > out.txt 2>&1; sudo id")).rule());
        assertEquals("git-force", e.checkCommand("sh", List.of("-c", "FOO=1 git push -f")).rule());
        assertEquals("sudo", e.checkCommand("sh", List.of("-c", "bash -c 'sh -c \"sudo id\"'")).rule(), "nested");
        assertEquals("shellc-opaque-script", e.checkCommand("bash", List.of("-c", "eval \"$X\"")).rule());
        assertEquals("shellc-opaque-script", e.checkCommand("bash", List.of("-c", "for i in 1 2; do sudo id; done")).rule());
        assertEquals("shellc-wrapper-bypass", e.checkCommand("bash", List.of("-c", "exec -a ls sudo id")).rule());
        assertEquals("shells", e.checkCommand("bash", List.of("-c", "ls | grep x")).rule(), "inner allows never loosen");
        assertEquals("shellc-depth-exceeded",
                e.checkCommand("sh", List.of("-c", "sh -c 'sh -c \"sh -c \\\"sh -c ls\\\"\"'")).rule());
        Engine allowOpaque = Engine.compile(PolicyLoader.parse("c.yaml", POLICY),
                EngineOptions.builder().environment(k -> null).shellcOpaque(ShellcOpaqueMode.ALLOW).build());
        assertEquals("shells", allowOpaque.checkCommand("bash", List.of("-c", "echo $HOME")).rule());
        Engine withExecve = Engine.compile(PolicyLoader.parse("c.yaml", POLICY),
                EngineOptions.builder().environment(k -> null).execveEnforcement(true).build());
        assertEquals("shells", withExecve.checkCommand("bash", List.of("-c", "echo $HOME")).rule());
    }
}
