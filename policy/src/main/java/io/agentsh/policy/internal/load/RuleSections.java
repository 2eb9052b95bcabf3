package io.agentsh.policy.internal.load;

import com.google.re2j.PatternSyntaxException;
import io.agentsh.policy.CommandRedirect;
import io.agentsh.policy.FileOperation;
import io.agentsh.policy.UnixSocketOperation;
import io.agentsh.policy.internal.match.CidrSet;
import io.agentsh.policy.internal.yaml.MapReader;
import io.agentsh.policy.internal.yaml.Problems;
import io.agentsh.policy.internal.yaml.Yaml;
import io.agentsh.policy.model.CommandRule;
import io.agentsh.policy.model.EnvPolicy;
import io.agentsh.policy.model.FileRule;
import io.agentsh.policy.model.NetworkRule;
import io.agentsh.policy.model.RegistryRule;
import io.agentsh.policy.model.UnixSocketRule;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/** Readers for the rule lists: file, network, command, unix socket and registry rules. */
final class RuleSections {
    private final Problems p;
    private final ValueChecks v;

    RuleSections(Problems p, ValueChecks v) {
        this.p = p;
        this.v = v;
    }

    /** What file and unix-socket rules both hold: path globs and operations with a decision. */
    private record PathRule(String name, String desc, List<String> paths, List<String> ops, String decision,
                            String message, Duration timeout) {
    }

    private PathRule pathRule(MapReader r, Predicate<String> isOperation, String expectedOperations) {
        String name = r.string("name", "");
        String desc = r.string("description", "");
        List<String> paths = v.pathGlobs(r, "paths", '/');
        List<String> ops = v.operations(r, "operations", isOperation, expectedOperations);
        String decision = v.decision(r, ValueChecks.RULE_DECISIONS);
        String message = r.string("message", "");
        Duration timeout = r.duration("timeout", false);
        return new PathRule(name, desc, paths, ops, decision, message, timeout);
    }

    FileRule fileRule(MapReader r) {
        PathRule c = pathRule(r, op -> FileOperation.parse(op) != null,
                "a file operation (read, open, stat, list, readlink, access, write, create, delete, rmdir, mkdir, rename, link, symlink, chmod, chown, mknod) or \"*\"");
        String redirectTo = r.string("redirect_to");
        boolean preserve = r.bool("preserve_tree", false);
        if ("redirect".equals(c.decision()) && (redirectTo == null || redirectTo.isBlank())) {
            p.warning(r.mapNode(), r.where() + ": decision redirect without redirect_to: the operation is not redirected anywhere");
        }
        r.finish(true);
        return new FileRule(c.name(), c.desc(), c.paths(), c.ops(), c.decision(), c.message(), c.timeout(), redirectTo,
                preserve, r.pos());
    }

    NetworkRule networkRule(MapReader r) {
        String name = r.string("name", "");
        String desc = r.string("description", "");
        List<String> domains = new ArrayList<>();
        for (ScalarNode s : r.stringNodes("domains")) {
            domains.add(s.getValue());
            v.checkGlob(s, r.path("domains"), s.getValue().toLowerCase(Locale.ROOT), '.');
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
        String decision = v.decision(r, ValueChecks.RULE_DECISIONS);
        String message = r.string("message", "");
        Duration timeout = r.duration("timeout", false);
        r.finish(true);
        return new NetworkRule(name, desc, domains, ports, cidrs, decision, message, timeout, r.pos());
    }

    CommandRule commandRule(MapReader r) {
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
                String glob = ValueChecks.globStyleArgs(s.getValue());
                if (glob != null) {
                    // Older shipped policies write args patterns glob-style ("*-rf*"); keep their meaning.
                    p.warning(s, r.path("args_patterns") + ": \"" + s.getValue() + "\" is not a regular expression; read glob-style as \"" + glob + "\"");
                    args.add(glob);
                } else {
                    p.error(s, r.path("args_patterns") + ": invalid regular expression \"" + s.getValue() + "\": " + e.getDescription());
                }
            }
        }
        String decision = v.decision(r, ValueChecks.RULE_DECISIONS);
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
        EnvPolicy env = v.envPolicy(r, "env_");
        r.finish(true);
        return new CommandRule(name, desc, commands, args, decision, message, redirect, minDepth, maxDepth,
                env.allow(), env.deny(), env.maxBytes(), env.maxKeys(), env.blockIteration(), r.pos());
    }

    UnixSocketRule unixRule(MapReader r) {
        PathRule c = pathRule(r, op -> UnixSocketOperation.parse(op) != null, "connect, bind, listen, sendto or \"*\"");
        r.finish(true);
        return new UnixSocketRule(c.name(), c.desc(), c.paths(), c.ops(), c.decision(), c.message(), c.timeout(), r.pos());
    }

    RegistryRule registryRule(MapReader r) {
        String name = r.string("name", "");
        String desc = r.string("description", "");
        List<String> paths = new ArrayList<>();
        for (ScalarNode s : r.stringNodes("paths")) {
            paths.add(s.getValue());
            v.checkGlob(s, r.path("paths"), s.getValue().replace("\\", "\\\\"), (char) 0);
        }
        List<String> ops = v.operations(r, "operations",
                op -> Set.of("read", "write", "delete", "create", "rename").contains(op), "read, write, delete, create, rename or \"*\"");
        String decision = v.decision(r, ValueChecks.RULE_DECISIONS);
        String message = r.string("message", "");
        Duration timeout = r.duration("timeout", false);
        Long priority = r.integer("priority");
        Duration cacheTtl = r.duration("cache_ttl", false);
        boolean notify = r.bool("notify", false);
        r.finish(true);
        return new RegistryRule(name, desc, paths, ops, decision, message, timeout, priority == null ? 0 : priority.intValue(),
                cacheTtl, notify, r.pos());
    }
}
