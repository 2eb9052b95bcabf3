package io.agentsh.policy.internal.load;

import com.google.re2j.PatternSyntaxException;
import io.agentsh.policy.CommandRedirect;
import io.agentsh.policy.Decision;
import io.agentsh.policy.FileOperation;
import io.agentsh.policy.Policy;
import io.agentsh.policy.PolicyException;
import io.agentsh.policy.ResourceLimits;
import io.agentsh.policy.UnixSocketOperation;
import io.agentsh.policy.internal.match.CidrSet;
import io.agentsh.policy.internal.match.Glob;
import io.agentsh.policy.internal.match.GlobSyntaxException;
import io.agentsh.policy.internal.match.IpAddr;
import io.agentsh.policy.internal.signal.Signals;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/**
 * Policy YAML to {@link Policy}. Strict: unknown keys anywhere we model are errors (including
 * inside command_rules entries, where the reference is lax). Decisions, operations, globs, CIDRs,
 * regexes, durations, signals and redirects are all validated here so that every problem carries
 * the line and column of the offending value.
 */
public final class PolicyParser {
    private static final Pattern VAR = Pattern.compile("\\$\\{([a-zA-Z_][a-zA-Z0-9_]*)(?::-([^}]*))?\\}");
    private static final Set<String> RULE_DECISIONS = Set.of("allow", "deny", "approve", "redirect", "audit", "soft_delete");
    private static final Set<String> SIGNAL_DECISIONS = Set.of("allow", "deny", "approve", "redirect", "audit", "absorb");
    private static final Set<String> OPAQUE_SECTIONS = Set.of("mcp_rules", "process_contexts", "process_identities",
            "providers", "http_services", "db_services", "database_rules", "database_connection_rules", "policies",
            "package_rules", "metadata");

    /** Stands for "no operation" in a rule whose operations were all ignored. */
    public static final String NO_OPERATION = "!none";

    private final Problems p;

    private PolicyParser(Problems p) { this.p = p; }

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

        List<FileRule> files = entries(m, "file_rules", (r, i) -> fileRule(r));
        List<NetworkRule> nets = entries(m, "network_rules", (r, i) -> networkRule(r));
        List<CommandRule> cmds = entries(m, "command_rules", (r, i) -> commandRule(r));
        List<UnixSocketRule> unix = entries(m, "unix_socket_rules", (r, i) -> unixRule(r));
        List<RegistryRule> reg = entries(m, "registry_rules", (r, i) -> registryRule(r));
        List<SignalRule> sig = entries(m, "signal_rules", (r, i) -> signalRule(r));
        List<DnsRedirectRule> dns = entries(m, "dns_redirects", this::dnsRedirect);
        List<ConnectRedirectRule> conn = entries(m, "connect_redirects", this::connectRedirect);

        ResourceLimits limits = resourceLimits(m.map("resource_limits"));
        EnvPolicy env = envPolicy(m.map("env_policy"));
        AuditSettings audit = audit(m.map("audit"));
        Map<String, String> inject = m.stringMap("env_inject");
        TransparentCommands transparent = transparent(m.map("transparent_commands"));

        if (m.keyNode("services") != null) {
            p.error(m.keyNode("services"), "the 'services:' key has been replaced by 'http_services:' (rename the section)");
            m.accept("services");
        }
        Map<String, Object> opaque = new LinkedHashMap<>();
        for (String key : OPAQUE_SECTIONS) {
            Node n = m.node(key);
            if (n != null) {
                validateOpaque(key, n);
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

    private FileRule fileRule(MapReader r) {
        String name = r.string("name", "");
        String desc = r.string("description", "");
        List<String> paths = pathGlobs(r, "paths", '/');
        List<String> ops = operations(r, "operations", op -> FileOperation.parse(op) != null,
                "a file operation (read, open, stat, list, readlink, access, write, create, delete, rmdir, mkdir, rename, link, symlink, chmod, chown, mknod) or \"*\"");
        String decision = decision(r, RULE_DECISIONS);
        String message = r.string("message", "");
        Duration timeout = r.duration("timeout", false);
        String redirectTo = r.string("redirect_to");
        boolean preserve = r.bool("preserve_tree", false);
        if ("redirect".equals(decision) && (redirectTo == null || redirectTo.isBlank())) {
            p.warning(r.mapNode(), r.where() + ": decision redirect without redirect_to: the operation is not redirected anywhere");
        }
        r.finish(true);
        return new FileRule(name, desc, paths, ops, decision, message, timeout, redirectTo, preserve, r.pos());
    }

    private NetworkRule networkRule(MapReader r) {
        String name = r.string("name", "");
        String desc = r.string("description", "");
        List<String> domains = new ArrayList<>();
        for (ScalarNode s : r.stringNodes("domains")) {
            domains.add(s.getValue());
            checkGlob(s, r.path("domains"), s.getValue().toLowerCase(Locale.ROOT), '.');
        }
        List<Integer> ports = new ArrayList<>();
        Node portsNode = r.node("ports");
        r.accept("ports");
        List<Long> rawPorts = r.integers("ports");
        for (Long v : rawPorts) {
            if (v < 0 || v > 65535) p.error(portsNode, r.path("ports") + ": port " + v + " out of range (expected 0..65535)");
            else ports.add(v.intValue());
        }
        List<String> cidrs = new ArrayList<>();
        for (ScalarNode s : r.stringNodes("cidrs")) {
            String err = CidrSet.check(s.getValue());
            if (err != null) p.error(s, r.path("cidrs") + ": " + err);
            else cidrs.add(s.getValue().trim());
        }
        String decision = decision(r, RULE_DECISIONS);
        String message = r.string("message", "");
        Duration timeout = r.duration("timeout", false);
        r.finish(true);
        return new NetworkRule(name, desc, domains, ports, cidrs, decision, message, timeout, r.pos());
    }

    private CommandRule commandRule(MapReader r) {
        String name = r.string("name", "");
        String desc = r.string("description", "");
        List<String> commands = new ArrayList<>();
        for (ScalarNode s : r.stringNodes("commands")) {
            String c = s.getValue().trim();
            if (c.isEmpty()) continue;
            commands.add(c); // a command glob that does not compile is matched literally (e.g. "[")
        }
        List<String> args = new ArrayList<>();
        for (ScalarNode s : r.stringNodes("args_patterns")) {
            try {
                com.google.re2j.Pattern.compile(s.getValue());
                args.add(s.getValue());
            } catch (PatternSyntaxException e) {
                String glob = globStyleArgs(s.getValue());
                if (glob != null) {
                    // Older shipped policies write args patterns glob-style ("*-rf*"); keep their meaning.
                    p.warning(s, r.path("args_patterns") + ": \"" + s.getValue() + "\" is not a regular expression; read glob-style as \"" + glob + "\"");
                    args.add(glob);
                } else {
                    p.error(s, r.path("args_patterns") + ": invalid regular expression \"" + s.getValue() + "\": " + e.getDescription());
                }
            }
        }
        String decision = decision(r, RULE_DECISIONS);
        String message = r.string("message", "");
        CommandRedirect redirect = null;
        Node rn = r.node("redirect_to");
        if (rn != null && !Yaml.isNull(rn)) {
            MapReader rr = MapReader.of(p, r.path("redirect_to"), rn);
            String cmd = rr.string("command");
            List<String> a = rr.strings("args");
            List<String> aa = rr.strings("args_append");
            Map<String, String> env = rr.stringMap("environment");
            rr.finish(true);
            if (cmd == null || cmd.isBlank()) {
                if ("redirect".equals(decision)) p.error(rn, r.path("redirect_to") + ": command is required for decision redirect");
            } else {
                redirect = new CommandRedirect(cmd, a, aa, env);
            }
        } else if ("redirect".equals(decision)) {
            p.warning(r.mapNode(), r.where() + ": decision redirect without redirect_to.command: treated as deny by the command pre-check");
        }
        int minDepth = 0, maxDepth = -1;
        Node cn = r.node("context");
        if (cn != null && !Yaml.isNull(cn)) {
            if (cn instanceof org.snakeyaml.engine.v2.nodes.SequenceNode seq) {
                boolean direct = false, nested = false;
                for (Node c : seq.getValue()) {
                    String v = c instanceof ScalarNode s ? s.getValue().trim().toLowerCase(Locale.ROOT) : "";
                    if (v.equals("direct")) direct = true;
                    else if (v.equals("nested")) nested = true;
                    else p.error(c, r.path("context") + ": unknown context value: " + (c instanceof ScalarNode s ? s.getValue() : Yaml.kind(c)) + " (expected direct or nested)");
                }
                if (direct && !nested) { minDepth = 0; maxDepth = 0; }
                else if (nested && !direct) { minDepth = 1; maxDepth = -1; }
            } else {
                MapReader cr = MapReader.of(p, r.path("context"), cn);
                Long mn = cr.integer("min_depth");
                Long mx = cr.integer("max_depth");
                cr.finish(true);
                if (mn != null) minDepth = mn.intValue();
                if (mx != null) maxDepth = mx.intValue();
                if (minDepth < 0) p.error(cn, r.path("context") + ": min_depth must be >= 0");
                if (maxDepth >= 0 && maxDepth < minDepth) p.error(cn, r.path("context") + ": max_depth must be >= min_depth (or -1 for unlimited)");
            }
        }
        List<String> envAllow = envGlobs(r, "env_allow");
        List<String> envDeny = envGlobs(r, "env_deny");
        Long envMaxBytes = r.integer("env_max_bytes");
        Long envMaxKeys = r.integer("env_max_keys");
        Boolean envBlock = r.bool("env_block_iteration");
        r.finish(true);
        return new CommandRule(name, desc, commands, args, decision, message, redirect, minDepth, maxDepth,
                envAllow, envDeny, envMaxBytes == null ? null : envMaxBytes.intValue(),
                envMaxKeys == null ? null : envMaxKeys.intValue(), envBlock, r.pos());
    }

    private UnixSocketRule unixRule(MapReader r) {
        String name = r.string("name", "");
        String desc = r.string("description", "");
        List<String> paths = pathGlobs(r, "paths", '/');
        List<String> ops = operations(r, "operations", op -> UnixSocketOperation.parse(op) != null,
                "connect, bind, listen, sendto or \"*\"");
        String decision = decision(r, RULE_DECISIONS);
        String message = r.string("message", "");
        Duration timeout = r.duration("timeout", false);
        r.finish(true);
        return new UnixSocketRule(name, desc, paths, ops, decision, message, timeout, r.pos());
    }

    private RegistryRule registryRule(MapReader r) {
        String name = r.string("name", "");
        String desc = r.string("description", "");
        List<String> paths = new ArrayList<>();
        for (ScalarNode s : r.stringNodes("paths")) {
            paths.add(s.getValue());
            checkGlob(s, r.path("paths"), s.getValue().replace("\\", "\\\\"), (char) 0);
        }
        List<String> ops = operations(r, "operations",
                op -> Set.of("read", "write", "delete", "create", "rename").contains(op), "read, write, delete, create, rename or \"*\"");
        String decision = decision(r, RULE_DECISIONS);
        String message = r.string("message", "");
        Duration timeout = r.duration("timeout", false);
        Long priority = r.integer("priority");
        Duration cacheTtl = r.duration("cache_ttl", false);
        boolean notify = r.bool("notify", false);
        r.finish(true);
        return new RegistryRule(name, desc, paths, ops, decision, message, timeout, priority == null ? 0 : priority.intValue(),
                cacheTtl, notify, r.pos());
    }

    private SignalRule signalRule(MapReader r) {
        String name = r.string("name", "");
        String desc = r.string("description", "");
        List<String> signals = new ArrayList<>();
        for (ScalarNode s : r.stringNodes("signals")) {
            if (!Signals.addTo(s.getValue(), new BitSet())) {
                p.error(s, r.path("signals") + ": unknown signal: " + s.getValue()
                        + " (expected a name such as TERM or SIGKILL, a number 1..64, or @fatal, @job, @reload, @ignore, @all)");
            } else {
                signals.add(s.getValue());
            }
        }
        MapReader t = r.map("target");
        String type = t.string("type");
        String pattern = t.string("pattern");
        Long min = t.integer("min");
        Long max = t.integer("max");
        t.finish(true);
        Set<String> types = Set.of("self", "children", "descendants", "siblings", "session", "parent", "external",
                "system", "user", "process", "pid_range");
        if (type == null) {
            p.error(r.keyNode("target") == null ? r.mapNode() : r.node("target"), r.path("target") + ": type is required");
        } else if (!types.contains(type.toLowerCase(Locale.ROOT))) {
            p.error(t.node("type"), r.path("target.type") + ": invalid target type: " + type + " (expected one of " + String.join(", ", new java.util.TreeSet<>(types)) + ")");
        } else if (type.equalsIgnoreCase("process") && (pattern == null || pattern.isEmpty())) {
            p.error(t.node("type"), r.path("target") + ": type process needs a pattern");
        } else if (type.equalsIgnoreCase("pid_range")) {
            if (min == null || max == null || min <= 0 || max <= 0 || min > max) {
                p.error(t.node("type"), r.path("target") + ": pid_range needs min and max > 0 with min <= max");
            }
        }
        if (pattern != null) checkGlob(t.node("pattern"), r.path("target.pattern"), pattern, (char) 0);
        String decision = decision(r, SIGNAL_DECISIONS);
        String fallback = null;
        Node fb = r.node("fallback");
        if (fb != null && !Yaml.isNull(fb)) {
            fallback = r.string("fallback");
            if (fallback != null && !SIGNAL_DECISIONS.contains(fallback.toLowerCase(Locale.ROOT))) {
                p.error(fb, r.path("fallback") + ": invalid decision \"" + fallback + "\" (expected " + String.join(", ", new java.util.TreeSet<>(SIGNAL_DECISIONS)) + ")");
            }
        }
        String redirectTo = r.string("redirect_to");
        if (redirectTo != null && Signals.number(redirectTo) < 0) {
            p.error(r.node("redirect_to"), r.path("redirect_to") + ": unknown signal: " + redirectTo);
        }
        if ("redirect".equals(decision) && redirectTo == null) {
            p.error(r.mapNode(), r.where() + ": decision redirect needs redirect_to (a signal)");
        }
        String message = r.string("message", "");
        Duration timeout = r.duration("timeout", false);
        r.finish(true);
        return new SignalRule(name, desc, signals, type == null ? "" : type.toLowerCase(Locale.ROOT), pattern,
                min == null ? 0 : min.intValue(), max == null ? 0 : max.intValue(), decision,
                fallback == null ? null : fallback.toLowerCase(Locale.ROOT), redirectTo, message, timeout, r.pos());
    }

    private DnsRedirectRule dnsRedirect(MapReader r, int idx) {
        String name = r.string("name");
        String match = r.string("match");
        String resolveTo = r.string("resolve_to");
        String visibility = r.string("visibility", "audit_only");
        String onFailure = r.string("on_failure", "fail_closed");
        String w = "dns_redirects[" + idx + "]";
        if (name == null || name.isBlank()) p.error(r.mapNode(), w + ": name is required");
        if (match == null || match.isBlank()) p.error(r.mapNode(), w + ": match is required");
        else regex(r.node("match"), w + ".match", match);
        if (resolveTo == null || resolveTo.isBlank()) p.error(r.mapNode(), w + ": resolve_to is required");
        else if (IpAddr.parse(resolveTo.trim()) == null || resolveTo.trim().indexOf('.') < 0 && resolveTo.indexOf(':') < 0) {
            p.error(r.node("resolve_to"), w + ": resolve_to must be valid IP");
        }
        oneOf(r, "visibility", visibility, Set.of("silent", "audit_only", "warn"));
        oneOf(r, "on_failure", onFailure, Set.of("fail_closed", "fail_open", "retry_original"));
        r.finish(true);
        return new DnsRedirectRule(name, match, resolveTo == null ? null : resolveTo.trim(), visibility, onFailure, r.pos());
    }

    private ConnectRedirectRule connectRedirect(MapReader r, int idx) {
        String w = "connect_redirects[" + idx + "]";
        String name = r.string("name");
        String match = r.string("match");
        String to = r.string("redirect_to");
        String toUnix = r.string("redirect_to_unix");
        MapReader tls = r.map("tls");
        String mode = tls.string("mode", "passthrough");
        String sni = tls.string("sni");
        tls.finish(true);
        String visibility = r.string("visibility", "audit_only");
        String message = r.string("message", "");
        String onFailure = r.string("on_failure", "fail_closed");
        if (name == null || name.isBlank()) p.error(r.mapNode(), w + ": name is required");
        if (match == null || match.isBlank()) p.error(r.mapNode(), w + ": match is required");
        else regex(r.node("match"), w + ".match", match);
        boolean hasTo = to != null && !to.isBlank(), hasUnix = toUnix != null && !toUnix.isBlank();
        if (hasTo == hasUnix) p.error(r.mapNode(), w + ": exactly one of redirect_to or redirect_to_unix is required");
        if (hasTo) {
            int colon = to.lastIndexOf(':');
            boolean ok = colon > 0 && colon < to.length() - 1;
            if (ok) {
                try { int port = Integer.parseInt(to.substring(colon + 1)); ok = port > 0 && port <= 65535; } catch (NumberFormatException e) { ok = false; }
            }
            if (!ok) p.error(r.node("redirect_to"), w + ": redirect_to must be host:port");
        }
        if (!Set.of("passthrough", "rewrite_sni").contains(mode)) {
            p.error(tls.node("mode"), w + ".tls.mode: invalid value \"" + mode + "\" (expected passthrough or rewrite_sni)");
        } else if (mode.equals("rewrite_sni") && (sni == null || sni.isBlank())) {
            p.error(r.node("tls"), w + ".tls: sni is required for mode rewrite_sni");
        }
        oneOf(r, "visibility", visibility, Set.of("silent", "audit_only", "warn"));
        oneOf(r, "on_failure", onFailure, Set.of("fail_closed", "fail_open", "retry_original"));
        r.finish(true);
        return new ConnectRedirectRule(name, match, to, toUnix, mode, sni, visibility, message, onFailure, r.pos());
    }

    private ResourceLimits resourceLimits(MapReader r) {
        long mem = nonNeg(r, "max_memory_mb"), swap = nonNeg(r, "memory_swap_max_mb");
        long cpu = nonNeg(r, "cpu_quota_percent");
        long dr = nonNeg(r, "disk_read_bps_max"), dw = nonNeg(r, "disk_write_bps_max"), net = nonNeg(r, "net_bandwidth_mbps");
        long pids = nonNeg(r, "pids_max");
        Duration cmd = r.duration("command_timeout", false), sess = r.duration("session_timeout", false),
                idle = r.duration("idle_timeout", false);
        r.finish(true);
        return new ResourceLimits(mem, swap, (int) cpu, dr, dw, net, (int) pids, cmd, sess, idle);
    }

    private long nonNeg(MapReader r, String key) {
        Long v = r.integer(key);
        if (v == null) return 0;
        if (v < 0) { p.error(r.node(key), r.path(key) + ": must be >= 0"); return 0; }
        return v;
    }

    private EnvPolicy envPolicy(MapReader r) {
        List<String> allow = envGlobs(r, "allow");
        List<String> deny = envGlobs(r, "deny");
        Long maxBytes = r.integer("max_bytes");
        Long maxKeys = r.integer("max_keys");
        Boolean block = r.bool("block_iteration");
        r.finish(true);
        return new EnvPolicy(allow, deny, maxBytes == null ? null : maxBytes.intValue(),
                maxKeys == null ? null : maxKeys.intValue(), block);
    }

    private AuditSettings audit(MapReader r) {
        AuditSettings a = new AuditSettings(r.bool("log_allowed", false), r.bool("log_denied", false),
                r.bool("log_approved", false), r.bool("include_stdout", false), r.bool("include_stderr", false),
                r.bool("include_file_content", false), (int) nonNeg(r, "retention_days"));
        r.finish(true);
        return a;
    }

    private TransparentCommands transparent(MapReader r) {
        TransparentCommands t = new TransparentCommands(r.strings("add"), r.strings("remove"));
        r.finish(true);
        return t;
    }

    private void validateOpaque(String key, Node n) {
        switch (key) {
            case "metadata" -> {
                int i = 0;
                for (Node e : listOf(n, key)) {
                    MapReader r = MapReader.of(p, "metadata[" + i + "]", e);
                    String rn = r.string("rule_name"), src = r.string("source");
                    r.accept("db_service", "bypass_mode", "destination");
                    if (rn == null || rn.isBlank()) p.error(e, "metadata[" + i + "]: rule_name is required");
                    if (src == null || src.isBlank()) p.error(e, "metadata[" + i + "]: source is required");
                    r.finish(true);
                    i++;
                }
            }
            case "package_rules" -> {
                int i = 0;
                for (Node e : listOf(n, key)) {
                    MapReader r = MapReader.of(p, "package_rules[" + i + "]", e);
                    MapReader match = r.map("match");
                    Node opts = match.node("options");
                    if (opts != null && !Yaml.isNull(opts) && !(Yaml.toPlain(opts) instanceof Map<?, ?> mm && mm.isEmpty())) {
                        p.error(opts, "package rule " + i + ": match.options is not yet supported (remove it)");
                    }
                    match.strings("packages");
                    match.strings("name_patterns");
                    match.accept("finding_type", "severity", "reasons", "license_spdx", "ecosystem");
                    match.finish(true);
                    String action = r.string("action");
                    if (action == null || !Set.of("allow", "warn", "approve", "block", "deny").contains(action.toLowerCase(Locale.ROOT))) {
                        p.error(r.keyNode("action") == null ? e : r.node("action"),
                                "package_rules[" + i + "].action: expected allow, warn, approve or block, got " + (action == null ? "nothing" : "\"" + action + "\""));
                    }
                    r.string("reason");
                    r.finish(true);
                    i++;
                }
            }
            case "providers" -> {
                MapReader r = MapReader.of(p, "providers", n);
                for (String name : r.keys()) {
                    MapReader pr = r.map(name);
                    String type = pr.string("type");
                    Set<String> types = Set.of("keyring", "vault", "aws-sm", "gcp-sm", "azure-kv", "op");
                    if (type == null || !types.contains(type)) {
                        p.error(pr.keyNode("type") == null ? r.node(name) : pr.node("type"),
                                "providers." + name + ".type: expected one of keyring, vault, aws-sm, gcp-sm, azure-kv, op");
                    }
                }
            }
            default -> { }
        }
    }

    private List<Node> listOf(Node n, String key) {
        if (n instanceof org.snakeyaml.engine.v2.nodes.SequenceNode s) return s.getValue();
        if (!Yaml.isNull(n)) p.error(n, key + ": expected a list, got " + Yaml.kind(n));
        return List.of();
    }

    /** "*-rf*" -> ".*-rf.*" when the pattern is clearly a glob (leading '*') and the translation compiles. */
    private static String globStyleArgs(String pattern) {
        if (!pattern.startsWith("*")) return null;
        StringBuilder sb = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            if (c == '*') sb.append(".*");
            else if (c == '?') sb.append('.');
            else if ("\\.+()[]{}|^$".indexOf(c) >= 0) sb.append('\\').append(c);
            else sb.append(c);
        }
        try {
            com.google.re2j.Pattern.compile(sb.toString());
            return sb.toString();
        } catch (PatternSyntaxException e) {
            return null;
        }
    }

    // ---- value checks -----------------------------------------------------------------------

    private String decision(MapReader r, Set<String> allowed) {
        Node n = r.node("decision");
        if (n == null || Yaml.isNull(n)) {
            p.error(r.mapNode(), r.where() + ": decision is required (expected one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            return null;
        }
        String d = r.string("decision");
        if (d == null) return null;
        String lower = d.trim().toLowerCase(Locale.ROOT);
        if (!allowed.contains(lower)) {
            p.error(n, r.path("decision") + ": invalid decision \"" + d + "\" (expected one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
            return null;
        }
        return lower;
    }

    private List<String> operations(MapReader r, String key, java.util.function.Predicate<String> valid, String expected) {
        List<String> out = new ArrayList<>();
        for (ScalarNode s : r.stringNodes(key)) {
            String op = s.getValue().trim().toLowerCase(Locale.ROOT);
            if (op.equals("*") || valid.test(op)) out.add(op);
            else if (op.equals("execute") || op.equals("exec")) {
                // Seen in shipped policies: exec is governed by command_rules, no file operation is called that.
                p.warning(s, r.path(key) + ": \"" + s.getValue() + "\" is not a file operation (executing is governed by command_rules); ignored");
            } else p.error(s, r.path(key) + ": unknown operation \"" + s.getValue() + "\" (expected " + expected + ")");
        }
        // operations given but none usable: the rule must match nothing, not everything
        if (out.isEmpty() && r.has(key)) out.add(NO_OPERATION);
        return out;
    }

    private List<String> pathGlobs(MapReader r, String key, char sep) {
        List<String> out = new ArrayList<>();
        for (ScalarNode s : r.stringNodes(key)) {
            out.add(s.getValue());
            checkGlob(s, r.path(key), s.getValue(), sep);
        }
        return out;
    }

    private List<String> envGlobs(MapReader r, String key) {
        List<String> out = new ArrayList<>();
        for (ScalarNode s : r.stringNodes(key)) {
            out.add(s.getValue());
            checkGlob(s, r.path(key), s.getValue(), (char) 0);
        }
        return out;
    }

    /** Checks glob syntax with ${VAR} references blanked out (they are expanded at compile time). */
    private void checkGlob(Node at, String where, String pattern, char sep) {
        Matcher m = VAR.matcher(pattern);
        String probe = m.replaceAll("v");
        try {
            Glob.compile(probe, sep);
        } catch (GlobSyntaxException e) {
            p.error(at, where + ": invalid glob \"" + pattern + "\": " + e.getMessage());
        }
    }

    private void regex(Node at, String where, String re) {
        try {
            com.google.re2j.Pattern.compile(re);
        } catch (PatternSyntaxException e) {
            p.error(at, where + ": invalid regular expression \"" + re + "\": " + e.getDescription());
        }
    }

    private void oneOf(MapReader r, String key, String value, Set<String> allowed) {
        if (value != null && !allowed.contains(value)) {
            p.error(r.node(key), r.path(key) + ": invalid value \"" + value + "\" (expected one of " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
        }
    }

    /** The variable reference syntax shared with the compiler. */
    public static Pattern variablePattern() { return VAR; }
}
