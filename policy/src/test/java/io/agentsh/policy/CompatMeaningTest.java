package io.agentsh.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Runloop and Deno deployments' policies, evaluated with their own configs, mean what they say. */
class CompatMeaningTest {
    static Engine engine(String dir) throws Exception {
        ServerConfig cfg = ServerConfigLoader.load(Compat.file(dir + "/config.yaml"), k -> null).config();
        return Engine.compile(PolicyLoader.load(Compat.file(dir + "/default.yaml")), cfg.engineOptions()
                .variables(java.util.Map.of("HOME", "/home/user", "PROJECT_ROOT", "/workspace", "GIT_ROOT", "/workspace"))
                .environment(k -> null).build());
    }

    static void expect(Verdict v, Decision effective, Decision policy, String rule) {
        assertEquals(rule, v.rule());
        assertEquals(policy, v.policyDecision(), "policy decision of " + rule);
        assertEquals(effective, v.effectiveDecision(), "effective decision of " + rule);
    }

    @Test void runloop() throws Exception {
        Engine e = engine("runloop");
        expect(e.checkFile("/workspace/src/a.ts", FileOperation.WRITE), Decision.ALLOW, Decision.ALLOW, "allow-workspace-write");
        expect(e.checkFile("/workspace/src/a.ts", FileOperation.DELETE), Decision.ALLOW, Decision.SOFT_DELETE, "soft-delete-workspace");
        expect(e.checkFile("/home/user/.ssh/id_ed25519", FileOperation.READ), Decision.DENY, Decision.APPROVE, "approve-ssh-access");
        expect(e.checkCommand("sudo", List.of("-i")), Decision.DENY, Decision.DENY, "block-container-escape");
        expect(e.checkCommand("docker", List.of("run", "x")), Decision.DENY, Decision.DENY, "block-container-escape");
        expect(e.checkCommand("make", List.of("test")), Decision.ALLOW, Decision.ALLOW, "allow-dev-tools");
        expect(e.checkNetwork("metadata.google.internal", 80, List.of(InetAddress.getByAddress(new byte[] {(byte) 169, (byte) 254, (byte) 169, (byte) 254}))),
                Decision.DENY, Decision.DENY, "block-cloud-metadata");
        expect(e.checkNetwork("169.254.169.254", 80, List.of()), Decision.DENY, Decision.DENY, "block-private-networks");
        expect(e.checkNetwork("kubernetes.svc.cluster.local", 443, List.of()), Decision.DENY, Decision.DENY, "block-kubernetes");
        expect(e.checkNetwork("unknown.example", 443, List.of()), Decision.DENY, Decision.APPROVE, "approve-unknown-https");
        expect(e.checkNetwork("unknown.example", 8443, List.of()), Decision.DENY, Decision.DENY, "default-deny-network");
        // env_inject from the config reaches every command
        assertEquals("/usr/lib/agentsh/bash_startup.sh", e.envFilter().inject().get("BASH_ENV"));
    }

    @Test void deno() throws Exception {
        Engine e = engine("deno");
        expect(e.checkFile("/workspace/a", FileOperation.DELETE), Decision.DENY, Decision.APPROVE, "approve-workspace-delete");
        expect(e.checkFile("/home/user/.ssh/id_rsa", FileOperation.READ), Decision.DENY, Decision.DENY, "deny-ssh-access");
        expect(e.checkFile("/usr/bin/python3", FileOperation.READ), Decision.ALLOW, Decision.ALLOW, "allow-system-read");
        expect(e.checkCommand("env", List.of("-i", "PATH=/bin", "sudo", "id")), Decision.DENY, Decision.DENY, "block-shell-escape");
        expect(e.checkCommand("rm", List.of("-r", "dir")), Decision.DENY, Decision.DENY, "block-rm-recursive");
        expect(e.checkNetwork("evil.com", 443, List.of()), Decision.DENY, Decision.DENY, "block-evil-domains");
    }
}
