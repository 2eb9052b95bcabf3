package io.agentsh.policy.internal.load;

import io.agentsh.policy.ResourceLimits;
import io.agentsh.policy.internal.match.IpAddr;
import io.agentsh.policy.internal.signal.Signals;
import io.agentsh.policy.internal.yaml.MapReader;
import io.agentsh.policy.internal.yaml.Problems;
import io.agentsh.policy.internal.yaml.Yaml;
import io.agentsh.policy.model.AuditSettings;
import io.agentsh.policy.model.ConnectRedirectRule;
import io.agentsh.policy.model.DnsRedirectRule;
import io.agentsh.policy.model.EnvPolicy;
import io.agentsh.policy.model.SignalRule;
import io.agentsh.policy.model.TransparentCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;

/** Readers for the other sections: signals, redirects, limits, env, audit, transparent commands, opaque sections. */
final class OtherSections {
    private final Problems p;
    private final ValueChecks v;

    OtherSections(Problems p, ValueChecks v) {
        this.p = p;
        this.v = v;
    }

    SignalRule signalRule(MapReader r) {
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
        if (pattern != null) v.checkGlob(t.node("pattern"), r.path("target.pattern"), pattern, (char) 0);
        String decision = v.decision(r, ValueChecks.SIGNAL_DECISIONS);
        String fallback = null;
        Node fb = r.node("fallback");
        if (fb != null && !Yaml.isNull(fb)) {
            fallback = r.string("fallback");
            if (fallback != null && !ValueChecks.SIGNAL_DECISIONS.contains(fallback.toLowerCase(Locale.ROOT))) {
                p.error(fb, r.path("fallback") + ": invalid decision \"" + fallback + "\" (expected " + String.join(", ", new java.util.TreeSet<>(ValueChecks.SIGNAL_DECISIONS)) + ")");
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

    DnsRedirectRule dnsRedirect(MapReader r, int idx) {
        String name = r.string("name");
        String match = r.string("match");
        String resolveTo = r.string("resolve_to");
        String visibility = r.string("visibility", "audit_only");
        String onFailure = r.string("on_failure", "fail_closed");
        String w = "dns_redirects[" + idx + "]";
        checkRedirect(r, w, name, match, visibility, onFailure);
        if (resolveTo == null || resolveTo.isBlank()) p.error(r.mapNode(), w + ": resolve_to is required");
        else if (IpAddr.parse(resolveTo.trim()) == null || resolveTo.trim().indexOf('.') < 0 && resolveTo.indexOf(':') < 0) {
            p.error(r.node("resolve_to"), w + ": resolve_to must be valid IP");
        }
        r.finish(true);
        return new DnsRedirectRule(name, match, resolveTo == null ? null : resolveTo.trim(), visibility, onFailure, r.pos());
    }

    ConnectRedirectRule connectRedirect(MapReader r, int idx) {
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
        checkRedirect(r, w, name, match, visibility, onFailure);
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
        r.finish(true);
        return new ConnectRedirectRule(name, match, to, toUnix, mode, sni, visibility, message, onFailure, r.pos());
    }

    /** The checks DNS and connect redirects share: a name, a valid match regex, known visibility and on_failure. */
    private void checkRedirect(MapReader r, String where, String name, String match, String visibility, String onFailure) {
        if (name == null || name.isBlank()) p.error(r.mapNode(), where + ": name is required");
        if (match == null || match.isBlank()) p.error(r.mapNode(), where + ": match is required");
        else v.regex(r.node("match"), where + ".match", match);
        v.oneOf(r, "visibility", visibility, Set.of("silent", "audit_only", "warn"));
        v.oneOf(r, "on_failure", onFailure, Set.of("fail_closed", "fail_open", "retry_original"));
    }

    ResourceLimits resourceLimits(MapReader r) {
        long mem = nonNeg(r, "max_memory_mb"), swap = nonNeg(r, "memory_swap_max_mb");
        long cpu = nonNeg(r, "cpu_quota_percent");
        long dr = nonNeg(r, "disk_read_bps_max"), dw = nonNeg(r, "disk_write_bps_max"), net = nonNeg(r, "net_bandwidth_mbps");
        long pids = nonNeg(r, "pids_max");
        Duration cmd = r.duration("command_timeout", false), sess = r.duration("session_timeout", false),
                idle = r.duration("idle_timeout", false);
        r.finish(true);
        return new ResourceLimits(mem, swap, (int) cpu, dr, dw, net, (int) pids, cmd, sess, idle);
    }

    long nonNeg(MapReader r, String key) {
        Long v = r.integer(key);
        if (v == null) return 0;
        if (v < 0) { p.error(r.node(key), r.path(key) + ": must be >= 0"); return 0; }
        return v;
    }

    EnvPolicy envPolicy(MapReader r) {
        EnvPolicy e = v.envPolicy(r, "");
        r.finish(true);
        return e;
    }

    AuditSettings audit(MapReader r) {
        AuditSettings a = new AuditSettings(r.bool("log_allowed", false), r.bool("log_denied", false),
                r.bool("log_approved", false), r.bool("include_stdout", false), r.bool("include_stderr", false),
                r.bool("include_file_content", false), (int) nonNeg(r, "retention_days"));
        r.finish(true);
        return a;
    }

    TransparentCommands transparent(MapReader r) {
        TransparentCommands t = new TransparentCommands(r.strings("add"), r.strings("remove"));
        r.finish(true);
        return t;
    }

    void validateOpaque(String key, Node n) {
        switch (key) {
            case "metadata" -> {
                int i = 0;
                for (Node e : v.listOf(n, key)) {
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
                for (Node e : v.listOf(n, key)) {
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
}
