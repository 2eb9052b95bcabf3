package io.agentsh.cli;

import static io.agentsh.cli.CliTestSupport.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code agentsh policy validate|show}: ok, or FILE:LINE:COL: message lines and exit 2. */
class PolicyValidateCliTest {
    @TempDir Path dir;

    Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test void okForCompatPolicy() {
        CliTestSupport.Result r = run("policy", "validate", CliTestSupport.compat("exe.dev/default.yaml").toString());
        assertEquals(0, r.code(), r.err());
        assertEquals("ok\n", r.out());
    }

    @Test void badIndentation() throws Exception {
        Path p = write("indent.yaml", "version: 1\nname: x\nfile_rules:\n  - name: a\n    paths: [\"/tmp/**\"]\n   decision: allow\n");
        CliTestSupport.Result r = run("policy", "validate", p.toString());
        assertEquals(2, r.code());
        assertTrue(r.err().startsWith(p + ":6:4: invalid YAML: "), r.err());
        assertEquals("", r.out());
    }

    @Test void unknownKeyWrongTypeBadRegexBadCidr() throws Exception {
        Path p = write("bad.yaml", """
                version: 1
                name: bad
                network_rules:
                  - name: n
                    cidrs: ["10.0.0.0/40"]
                    ports: "443"
                    decision: deny
                command_rules:
                  - name: c
                    commands: [git]
                    args_patterns: ["(unclosed"]
                    colour: blue
                    decision: deny
                """);
        CliTestSupport.Result r = run("policy", "validate", p.toString());
        assertEquals(2, r.code());
        assertEquals(p + ":5:13: network_rules[0].cidrs: invalid CIDR address: 10.0.0.0/40 (prefix length must be 0..32)\n"
                + p + ":6:12: network_rules[0].ports: expected a list of integers, got a string\n"
                + p + ":11:21: command_rules[0].args_patterns: invalid regular expression \"(unclosed\": missing closing )\n"
                + p + ":12:5: unknown key \"colour\" in command_rules[0] (expected one of: name, description, commands, args_patterns, decision, message, redirect_to, context, env_allow, env_deny, env_max_bytes, env_max_keys, env_block_iteration)\n",
                r.err());
    }

    @Test void byNameFromConfigPoliciesDir() throws Exception {
        Files.createDirectories(dir.resolve("policies"));
        Files.copy(CliTestSupport.compat("exe.dev/default.yaml"), dir.resolve("policies/mine.yaml"));
        Path cfg = write("config.yaml", "policies:\n  dir: " + dir.resolve("policies") + "\n");
        assertEquals("ok\n", run("policy", "validate", "--config", cfg.toString(), "mine").out());
        CliTestSupport.Result r = run("policy", "validate", "--config", cfg.toString(), "missing");
        assertEquals(2, r.code());
        assertEquals("agentsh: policy \"missing\" not found in \"" + dir.resolve("policies") + "\"\n", r.err());
        // policy-test without --policy uses the config's policies.default
        Path cfg2 = write("config2.yaml", "policies:\n  dir: " + dir.resolve("policies") + "\n  default: mine\n");
        CliTestSupport.Result pt = run("policy-test", "--config", cfg2.toString(), "--op", "exec", "--path", "sudo", "--json");
        assertEquals(0, pt.code(), pt.err());
        assertTrue(pt.out().contains("\"rule\": \"block-shell-escape\""), pt.out());
        CliTestSupport.Result none = run("policy-test", "--config", cfg.toString(), "--op", "exec", "--path", "sudo");
        assertEquals(2, none.code());
        assertEquals("agentsh: policy \"default\" not found in \"" + dir.resolve("policies") + "\"\n", none.err());
        CliTestSupport.Result show = run("policy", "show", "--config", cfg.toString(), "mine");
        assertEquals(0, show.code());
        assertTrue(show.out().startsWith("version: 1\nname: default\n"), show.out());
        CliTestSupport.Result json = run("policy", "show", "--json", "--config", cfg.toString(), "mine");
        assertTrue(json.out().contains("\"name\": \"default\""), json.out());
    }
}
