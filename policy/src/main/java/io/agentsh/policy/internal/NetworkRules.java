package io.agentsh.policy.internal;

import io.agentsh.policy.Decision;
import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.Verdict;
import io.agentsh.policy.internal.match.CidrSet;
import io.agentsh.policy.internal.match.Glob;
import io.agentsh.policy.internal.match.GlobSyntaxException;
import io.agentsh.policy.internal.match.IpAddr;
import io.agentsh.policy.internal.yaml.Problems;
import io.agentsh.policy.model.NetworkRule;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Compiled {@code network_rules} (reference §5). A rule matches when every non-empty selector
 * does: port listed; host matches a domain glob ('.' separator, lower-case; a lone {@code *} or
 * {@code **} matches every host); some candidate address lies in a CIDR. Candidates are the host
 * itself when it is an IP literal (any IPv4 spelling) plus the dialled addresses; the engine
 * never resolves names.
 */
final class NetworkRules {
    static final String DEFAULT_DENY_NETWORK = "default-deny-network";
    private static final Verdict DEFAULT = Verdict.simple(Decision.DENY, Decision.DENY, DEFAULT_DENY_NETWORK, "");

    private record Rule(Set<String> literalDomains, Glob[] domainGlobs, boolean anyHost, boolean hasDomains,
                        int[] ports, CidrSet cidrs, Verdict verdict) {}

    private final Rule[] rules;

    NetworkRules(List<NetworkRule> src, EngineOptions o, Vars vars, Problems problems) {
        List<Rule> out = new ArrayList<>();
        for (NetworkRule r : src) {
            Set<String> lits = new HashSet<>();
            List<Glob> globs = new ArrayList<>();
            boolean any = false;
            int usable = 0;
            for (String raw : r.domains()) {
                String d = vars.expand(raw, "network rule", r.name(), r.pos());
                if (d == null) continue;
                usable++;
                d = d.trim().toLowerCase(Locale.ROOT);
                if (d.equals("*") || d.equals("**")) { any = true; continue; }
                if (!Glob.hasMeta(d)) { lits.add(stripDot(d)); continue; }
                try {
                    globs.add(Glob.compile(d, '.'));
                } catch (GlobSyntaxException e) {
                    problems.add(r.pos().error("compile network rule \"" + r.name() + "\" domain \"" + d + "\": " + e.getMessage()));
                }
            }
            // All domain patterns skipped (undefined variables in the global engine): the rule cannot match by domain.
            boolean hasDomains = !r.domains().isEmpty();
            if (hasDomains && usable == 0) continue;
            int[] ports = r.ports().stream().mapToInt(Integer::intValue).toArray();
            CidrSet cidrs = CidrSet.of(r.cidrs());
            Verdict v = Verdicts.rule(r.decision(), r.name(), r.message(), null, r.timeout(), null, false, null, o);
            out.add(new Rule(Set.copyOf(lits), globs.toArray(new Glob[0]), any, hasDomains, ports, cidrs, v));
        }
        rules = out.toArray(new Rule[0]);
    }

    private static String stripDot(String d) { return d.endsWith(".") && d.length() > 1 ? d.substring(0, d.length() - 1) : d; }

    Verdict check(String host, int port, List<InetAddress> dialled) {
        String h = host == null ? null : host.trim();
        long v4 = -1;     // the host as an IPv4 literal (any spelling), or -1
        byte[] v6 = null; // the host as an IPv6 literal (IPv4-mapped folds into v4)
        if (h != null && !h.isEmpty()) {
            char c0 = h.charAt(0);
            if (c0 >= '0' && c0 <= '9') v4 = IpAddr.parse4(h);
            if (v4 < 0 && (c0 == '[' || h.indexOf(':') >= 0)) {
                byte[] b = IpAddr.parse(h);
                if (b != null && b.length == 4) v4 = CidrSet.toLong(b);
                else v6 = b;
            }
            h = h.toLowerCase(Locale.ROOT);
            if (h.length() > 1 && h.charAt(h.length() - 1) == '.') h = h.substring(0, h.length() - 1);
        }
        if (h != null && h.isEmpty()) h = null;
        for (Rule r : rules) {
            if (r.ports.length > 0 && !contains(r.ports, port)) continue;
            if (r.hasDomains) {
                if (h == null) continue;
                if (!r.anyHost && !r.literalDomains.contains(h) && !anyGlob(r.domainGlobs, h)) continue;
            }
            if (!r.cidrs.isEmpty()) {
                boolean in = (v4 >= 0 && r.cidrs.containsV4((int) v4)) || (v6 != null && r.cidrs.contains(v6));
                if (!in && dialled != null) {
                    for (int i = 0, n = dialled.size(); i < n && !in; i++) {
                        InetAddress a = dialled.get(i);
                        if (a != null) in = r.cidrs.contains(IpAddr.normalise(a));
                    }
                }
                if (!in) continue;
            }
            return r.verdict;
        }
        return DEFAULT;
    }

    private static boolean anyGlob(Glob[] globs, String h) {
        for (Glob g : globs) if (g.matches(h)) return true;
        return false;
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) if (x == v) return true;
        return false;
    }
}
