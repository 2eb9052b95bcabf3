package io.agentsh.policy.internal;

import io.agentsh.policy.Decision;
import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.UnixSocketOperation;
import io.agentsh.policy.Verdict;
import io.agentsh.policy.internal.match.Glob;
import io.agentsh.policy.internal.match.GlobSyntaxException;
import io.agentsh.policy.internal.yaml.Problems;
import io.agentsh.policy.model.UnixSocketRule;
import java.util.ArrayList;
import java.util.List;

/** Compiled {@code unix_socket_rules} (reference §7): first match wins, default {@code default-deny-unix}. */
final class UnixSocketRules {
    static final String DEFAULT_DENY_UNIX = "default-deny-unix";
    private static final Verdict DEFAULT = Verdict.simple(Decision.DENY, Decision.DENY, DEFAULT_DENY_UNIX, "");

    private record Rule(Glob[] paths, int opsMask, Verdict verdict) {}

    private final Rule[] rules;

    UnixSocketRules(List<UnixSocketRule> src, EngineOptions o, Problems problems) {
        List<Rule> out = new ArrayList<>();
        for (UnixSocketRule r : src) {
            List<Glob> globs = new ArrayList<>();
            for (String p : r.paths()) {
                try {
                    globs.add(Glob.compile(p, '/'));
                } catch (GlobSyntaxException e) {
                    try {
                        globs.add(Glob.compile(p, (char) 0));
                    } catch (GlobSyntaxException e2) {
                        problems.add(r.pos().error("compile unix socket rule \"" + r.name() + "\" glob \"" + p + "\": " + e.getMessage()));
                    }
                }
            }
            int mask = 0;
            if (r.operations().isEmpty() || r.operations().contains("*")) mask = -1;
            else for (String op : r.operations()) {
                UnixSocketOperation u = UnixSocketOperation.parse(op);
                if (u != null) mask |= 1 << u.ordinal();
            }
            out.add(new Rule(globs.toArray(new Glob[0]), mask,
                    Verdicts.rule(r.decision(), r.name(), r.message(), null, r.timeout(), null, false, null, o)));
        }
        rules = out.toArray(new Rule[0]);
    }

    Verdict check(String path, UnixSocketOperation op) {
        if (path == null) return DEFAULT;
        int bit = 1 << op.ordinal();
        for (Rule r : rules) {
            if ((r.opsMask & bit) == 0) continue;
            for (Glob g : r.paths) if (g.matches(path)) return r.verdict;
        }
        return DEFAULT;
    }
}
