package io.agentsh.policy.internal.load;

import io.agentsh.policy.Policy;
import io.agentsh.policy.PolicyException;
import io.agentsh.policy.ResourceLimits;
import io.agentsh.policy.internal.yaml.MapReader;
import io.agentsh.policy.internal.yaml.Problems;
import io.agentsh.policy.internal.yaml.Yaml;
import io.agentsh.policy.model.AuditSettings;
import io.agentsh.policy.model.CommandRule;
import io.agentsh.policy.model.ConnectRedirectRule;
import io.agentsh.policy.model.DnsRedirectRule;
import io.agentsh.policy.model.EnvPolicy;
import io.agentsh.policy.model.FileRule;
import io.agentsh.policy.model.NetworkRule;
import io.agentsh.policy.model.RegistryRule;
import io.agentsh.policy.model.SignalRule;
import io.agentsh.policy.model.TransparentCommands;
import io.agentsh.policy.model.UnixSocketRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Policy YAML to {@link Policy}. Strict: unknown keys anywhere we model are errors (including
 * inside command_rules entries, where the reference is lax). Decisions, operations, globs, CIDRs,
 * regexes, durations, signals and redirects are all validated here so that every problem carries
 * the line and column of the offending value.
 */
public final class PolicyParser {
    private static final Set<String> OPAQUE_SECTIONS = Set.of("mcp_rules", "process_contexts", "process_identities",
            "providers", "http_services", "db_services", "database_rules", "database_connection_rules", "policies",
            "package_rules", "metadata");

    /** Stands for "no operation" in a rule whose operations were all ignored. */
    public static final String NO_OPERATION = ValueChecks.NO_OPERATION;

    private final Problems p;
    private final RuleSections rules;
    private final OtherSections others;

    private PolicyParser(Problems p) {
        this.p = p;
        ValueChecks v = new ValueChecks(p);
        this.rules = new RuleSections(p, v);
        this.others = new OtherSections(p, v);
    }

    public static Policy parse(String source, String yaml) throws PolicyException {
        Problems problems = new Problems(source);
        Node root = Yaml.compose(yaml, problems);
        problems.throwIfErrors();
        if (root == null) {
            problems.error((Node) null, "empty policy (expected a mapping with version, name and rules)");
            problems.throwIfErrors();
        }
        Policy pol = new PolicyParser(problems).policy(source, root);
        problems.throwIfErrors();
        return pol;
    }

    private Policy policy(String source, Node root) {
        MapReader m = MapReader.of(p, "", root);
        Long version = m.integer("version");
        if (version == null || version <= 0) {
            Node vn = m.node("version");
            p.error(vn == null ? root : vn, version == null && vn == null ? "version is required (expected version: 1)" : "version must be > 0");
        }
        String name = m.string("name");
        if (name == null || name.isBlank()) p.error(m.keyNode("name") == null ? root : m.node("name"), "name is required");
        String description = m.string("description");

        List<FileRule> files = entries(m, "file_rules", (r, i) -> rules.fileRule(r));
        List<NetworkRule> nets = entries(m, "network_rules", (r, i) -> rules.networkRule(r));
        List<CommandRule> cmds = entries(m, "command_rules", (r, i) -> rules.commandRule(r));
        List<UnixSocketRule> unix = entries(m, "unix_socket_rules", (r, i) -> rules.unixRule(r));
        List<RegistryRule> reg = entries(m, "registry_rules", (r, i) -> rules.registryRule(r));
        List<SignalRule> sig = entries(m, "signal_rules", (r, i) -> others.signalRule(r));
        List<DnsRedirectRule> dns = entries(m, "dns_redirects", others::dnsRedirect);
        List<ConnectRedirectRule> conn = entries(m, "connect_redirects", others::connectRedirect);

        ResourceLimits limits = others.resourceLimits(m.map("resource_limits"));
        EnvPolicy env = others.envPolicy(m.map("env_policy"));
        AuditSettings audit = others.audit(m.map("audit"));
        Map<String, String> inject = m.stringMap("env_inject");
        TransparentCommands transparent = others.transparent(m.map("transparent_commands"));

        if (m.keyNode("services") != null) {
            p.error(m.keyNode("services"), "the 'services:' key has been replaced by 'http_services:' (rename the section)");
            m.accept("services");
        }
        Map<String, Object> opaque = new LinkedHashMap<>();
        for (String key : OPAQUE_SECTIONS) {
            Node n = m.node(key);
            if (n != null) {
                others.validateOpaque(key, n);
                opaque.put(key, Yaml.toPlain(n));
            }
        }
        m.finish(true);
        @SuppressWarnings("unchecked")
        Map<String, Object> document = root instanceof org.snakeyaml.engine.v2.nodes.MappingNode
                ? (Map<String, Object>) Yaml.toPlain(root) : Map.of();
        return new Policy(source, version == null ? 0 : version.intValue(), name == null ? "" : name,
                description == null ? "" : description, files, nets, cmds, unix, reg, sig, dns, conn, limits, env, audit,
                inject, transparent, opaque, document, p.warnings());
    }

    // ---- rule sections ----------------------------------------------------------------------

    /** Reads every entry of list section {@code key} with {@code reader} (given the entry and its index). */
    private <T> List<T> entries(MapReader m, String key, java.util.function.BiFunction<MapReader, Integer, T> reader) {
        List<T> out = new ArrayList<>();
        int i = 0;
        for (Node n : m.list(key)) {
            out.add(reader.apply(MapReader.of(p, key + "[" + i + "]", n), i));
            i++;
        }
        return out;
    }

    /** The variable reference syntax shared with the compiler. */
    public static Pattern variablePattern() { return ValueChecks.VAR; }
}
