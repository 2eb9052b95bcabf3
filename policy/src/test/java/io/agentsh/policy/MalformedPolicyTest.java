package io.agentsh.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every kind of bad input gives FILE:LINE:COL: message naming what is wrong; all problems are collected. */
class MalformedPolicyTest {

    static List<String> problems(String yaml) {
        PolicyException e = assertThrows(PolicyException.class, () -> PolicyLoader.parse("p.yaml", yaml));
        return e.problems().stream().map(Problem::toString).toList();
    }

    @Test void badIndentation() {
        List<String> p = problems("""
                version: 1
                name: x
                file_rules:
                  - name: a
                    paths: ["/tmp/**"]
                   decision: allow
                """);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("p.yaml:6:4: invalid YAML: "), p.get(0));
    }

    @Test void unknownKeyTopLevelAndInsideCommandRule() {
        List<String> p = problems("""
                version: 1
                name: x
                command_rules:
                  - name: a
                    commands: [ls]
                    decison: allow
                colour: red
                """);
        assertEquals(3, p.size(), p.toString());
        assertTrue(p.contains("p.yaml:4:5: command_rules[0]: decision is required (expected one of allow, approve, audit, deny, redirect, soft_delete)"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("p.yaml:6:5: unknown key \"decison\" in command_rules[0]")), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("p.yaml:7:1: unknown key \"colour\"")), p.toString());
    }

    @Test void wrongType() {
        List<String> p = problems("""
                version: 1
                name: x
                network_rules:
                  - name: a
                    ports: "443"
                    decision: allow
                """);
        assertEquals(List.of("p.yaml:5:12: network_rules[0].ports: expected a list of integers, got a string"), p);
    }

    @Test void badRegex() {
        List<String> p = problems("""
                version: 1
                name: x
                command_rules:
                  - name: a
                    commands: [git]
                    args_patterns: ["push (--force"]
                    decision: deny
                """);
        assertEquals(1, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("p.yaml:6:21: command_rules[0].args_patterns: invalid regular expression \"push (--force\""), p.get(0));
    }

    @Test void badCidrGlobDurationDecision() {
        List<String> p = problems("""
                version: 1
                name: x
                network_rules:
                  - name: a
                    cidrs: ["10.0.0.0/33", "10.0.0.1"]
                    decision: allow
                file_rules:
                  - name: b
                    paths: ["/tmp/[abc"]
                    decision: alow
                    timeout: 5
                """);
        assertEquals(List.of(
                "p.yaml:5:13: network_rules[0].cidrs: invalid CIDR address: 10.0.0.0/33 (prefix length must be 0..32)",
                "p.yaml:5:28: network_rules[0].cidrs: invalid CIDR address: 10.0.0.1 (expected address/prefix-length, e.g. 10.0.0.0/8)",
                "p.yaml:9:13: file_rules[0].paths: invalid glob \"/tmp/[abc\": unterminated character class '[' at offset 5",
                "p.yaml:10:15: file_rules[0].decision: invalid decision \"alow\" (expected one of allow, approve, audit, deny, redirect, soft_delete)",
                "p.yaml:11:14: file_rules[0].timeout: time: missing unit in duration \"5\" (expected a duration such as 30s, 5m, 1h30m)"),
                p);
    }

    @Test void notAMappingAndTabs() {
        assertEquals(List.of("p.yaml:1:1: expected a mapping, got a list", "p.yaml:1:1: version is required (expected version: 1)",
                "p.yaml:1:1: name is required"), problems("- a\n- b\n"));
        List<String> tab = problems("version: 1\nname: x\nfile_rules:\n\t- name: a\n");
        assertTrue(tab.get(0).startsWith("p.yaml:4:1: invalid YAML: found character '\\t(TAB)'"), tab.toString());
    }

    @Test void missingVersionAndName() {
        List<String> p = problems("description: nothing\n");
        assertEquals(List.of("p.yaml:1:1: version is required (expected version: 1)", "p.yaml:1:1: name is required"), p);
    }

    @Test void undefinedVariableIsACompileError() throws Exception {
        Policy pol = PolicyLoader.parse("p.yaml", """
                version: 1
                name: x
                file_rules:
                  - name: ws
                    paths: ["${NOPE_ROOT}/**"]
                    decision: allow
                """);
        PolicyException e = assertThrows(PolicyException.class,
                () -> Engine.compile(pol, EngineOptions.builder().environment(k -> null).build()));
        assertEquals("p.yaml:4:5: expand policy variables: file rule \"ws\" path \"${NOPE_ROOT}/**\": undefined variable: NOPE_ROOT",
                e.problems().get(0).toString());
        Engine g = Engine.compile(pol, EngineOptions.global().toBuilder().environment(k -> null).build());
        assertEquals(1, g.warnings().size());
        assertEquals("default-deny-files", g.checkFile("/x/y", FileOperation.WRITE).rule());
        Engine fb = Engine.compile(PolicyLoader.parse("q.yaml", """
                version: 1
                name: x
                file_rules:
                  - name: ws
                    paths: ["${NOPE_ROOT:-/srv}/**"]
                    decision: allow
                """), EngineOptions.builder().environment(k -> null).build());
        assertEquals("ws", fb.checkFile("/srv/a", FileOperation.WRITE).rule());
    }
}
