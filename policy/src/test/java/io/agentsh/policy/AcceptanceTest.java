package io.agentsh.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The acceptance list against compat/exe.dev/default.yaml with HOME=/root PROJECT_ROOT=/root. */
class AcceptanceTest {
    static Engine engine;

    @BeforeAll
    static void load() throws Exception {
        Policy p = PolicyLoader.load(Compat.file("exe.dev/default.yaml"));
        engine = Engine.compile(p, EngineOptions.builder().variable("HOME", "/root").variable("PROJECT_ROOT", "/root")
                .environment(k -> null).build());
    }

    static void expect(Verdict v, String decision, String policyDecision, String rule) {
        assertEquals(rule, v.rule(), "rule");
        assertEquals(policyDecision, v.policyDecision().wireName(), "policy decision");
        assertEquals(decision, v.effectiveDecision().wireName(), "decision");
    }

    @Test void execSudo() { expect(engine.checkCommand("sudo", List.of()), "deny", "deny", "block-shell-escape"); }
    @Test void execEcho() { expect(engine.checkCommand("echo", List.of()), "allow", "allow", "allow-safe-commands"); }
    @Test void writeWorkspace() { expect(engine.checkFile("/workspace/test.txt", FileOperation.WRITE), "allow", "allow", "allow-workspace-write"); }
    @Test void readWorkspace() { expect(engine.checkFile("/workspace/test.txt", FileOperation.READ), "allow", "allow", "allow-workspace-read"); }
    @Test void writeTmp() { expect(engine.checkFile("/tmp/test.txt", FileOperation.WRITE), "allow", "allow", "allow-tmp"); }
    @Test void deleteWorkspace() {
        expect(engine.checkFile("/workspace/test.txt", FileOperation.DELETE), "allow", "soft_delete", "soft-delete-workspace");
    }
    @Test void readSshKey() { expect(engine.checkFile("/root/.ssh/id_rsa", FileOperation.READ), "deny", "approve", "approve-ssh-access"); }
    @Test void readAws() { expect(engine.checkFile("/root/.aws/credentials", FileOperation.READ), "deny", "approve", "approve-aws-credentials"); }
    @Test void writeUsrBin() { assertEquals(Decision.DENY, engine.checkFile("/usr/bin/evil", FileOperation.WRITE).effectiveDecision()); }
    @Test void writeEtc() { assertEquals(Decision.DENY, engine.checkFile("/etc/test.txt", FileOperation.WRITE).effectiveDecision()); }
    @Test void rmRecursive() { expect(engine.checkCommand("rm", List.of("-rf", "/tmp/x")), "deny", "deny", "block-rm-recursive"); }
    @Test void ssh() { expect(engine.checkCommand("ssh", List.of()), "deny", "deny", "block-network-tools"); }
    @Test void metadata() {
        assertEquals(Decision.DENY, engine.checkNetwork("169.254.169.254", 80, List.of()).effectiveDecision());
    }
    @Test void evil() { expect(engine.checkNetwork("evil.com", 443, List.of()), "deny", "deny", "block-evil-domains"); }
    @Test void npm() { expect(engine.checkNetwork("registry.npm.example", 443, List.of()), "allow", "allow", "allow-npm"); }

    @Test void wrappersFindSudo() {
        for (String line : new String[] {"env -i FOO=1 sudo x", "timeout 5 sudo x", "nice -n 5 sudo x", "nohup sudo x",
            "timeout -s KILL 5 sudo x", "env -S 'sudo x'", "stdbuf -oL sudo x", "xargs -n 1 sudo", "time -p sudo x"}) {
            List<String> argv = split(line);
            Verdict v = engine.checkCommand(argv.get(0), argv.subList(1, argv.size()));
            assertEquals("block-shell-escape", v.rule(), line);
            assertEquals(Decision.DENY, v.effectiveDecision(), line);
        }
    }

    @Test void shellCLooksInside() {
        expect(engine.checkCommand("bash", List.of("-c", "sudo id")), "deny", "deny", "block-shell-escape");
        expect(engine.checkCommand("sh", List.of("-c", "echo hi && sudo id")), "deny", "deny", "block-shell-escape");
        expect(engine.checkCommand("bash", List.of("-lc", "ls | grep x; echo ok")), "allow", "allow", "allow-safe-commands");
        expect(engine.checkCommand("/bin/bash.real", List.of("-c", "echo $(id)")), "deny", "deny", "shellc-opaque-script");
    }

    @Test void execveIncludesArgv0() {
        expect(engine.checkExecve("/usr/bin/rm", List.of("rm", "-r", "x"), 1), "deny", "deny", "block-rm-recursive");
        expect(engine.checkExecve("/usr/bin/env", List.of("env", "sudo", "id"), 1), "deny", "deny", "block-shell-escape");
    }

    @Test void dialledAddressesDecideCidrRules() throws Exception {
        InetAddress meta = InetAddress.getByAddress(new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254});
        expect(engine.checkNetwork("innocent.example", 80, List.of(meta)), "deny", "deny", "block-private-networks");
        for (String lit : new String[] {"2852039166", "0251.0376.0251.0376", "0xA9FEA9FE", "::ffff:169.254.169.254", "[::ffff:a9fe:a9fe]"}) {
            expect(engine.checkNetwork(lit, 80, List.of()), "deny", "deny", "block-private-networks");
        }
        expect(engine.checkNetwork("127.1", 8080, List.of()), "allow", "allow", "allow-localhost");
    }

    @Test void persistenceIsProtected() {
        expect(engine.checkFile("/root/.bashrc", FileOperation.WRITE), "deny", "deny", "protect-persistence");
        expect(engine.checkFile("/root/.ssh/authorized_keys", FileOperation.WRITE), "deny", "approve", "approve-ssh-access");
        expect(engine.checkFile("/root/.bashrc", FileOperation.READ), "allow", "allow", "allow-workspace-read");
    }

    static List<String> split(String line) {
        if (line.contains("'")) {
            int a = line.indexOf('\''), b = line.lastIndexOf('\'');
            List<String> out = new java.util.ArrayList<>(Arrays.asList(line.substring(0, a).trim().split(" ")));
            out.add(line.substring(a + 1, b));
            return out;
        }
        return Arrays.asList(line.split(" "));
    }
}
