package io.agentsh.policy.internal;

import io.agentsh.policy.Decision;
import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.SignalTarget;
import io.agentsh.policy.SignalVerdict;
import io.agentsh.policy.internal.match.Glob;
import io.agentsh.policy.internal.match.GlobSyntaxException;
import io.agentsh.policy.internal.signal.Signals;
import io.agentsh.policy.internal.yaml.Problems;
import io.agentsh.policy.model.SignalRule;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/** Compiled {@code signal_rules} (reference §9): signal set and target relation; first match wins; default deny. */
final class SignalRules {
    private static final SignalVerdict DEFAULT = new SignalVerdict(Decision.DENY, "", "no matching rule", 0, null);

    private record Rule(BitSet signals, String type, Glob pattern, int min, int max, SignalVerdict verdict) {}

    private final Rule[] rules;

    SignalRules(List<SignalRule> src, EngineOptions o, Problems problems) {
        List<Rule> out = new ArrayList<>();
        for (SignalRule r : src) {
            BitSet set = new BitSet();
            for (String s : r.signals()) Signals.addTo(s, set);
            Glob pattern = null;
            if (r.targetPattern() != null) {
                try {
                    pattern = Glob.compile(r.targetPattern(), (char) 0);
                } catch (GlobSyntaxException e) {
                    problems.add(r.pos().error("compile signal rules: pattern \"" + r.targetPattern() + "\": " + e.getMessage()));
                }
            }
            Decision d = Decision.parse(r.decision());
            if (d == null) d = Decision.DENY;
            Decision eff = d == Decision.APPROVE ? Verdicts.effective(d, o) : d;
            Decision fb = r.fallback() == null ? null : Decision.parse(r.fallback());
            int redirect = r.redirectTo() == null ? 0 : Signals.number(r.redirectTo());
            out.add(new Rule(set, r.targetType(), pattern, r.targetMin(), r.targetMax(),
                    new SignalVerdict(eff, r.name(), r.message(), redirect, fb)));
        }
        rules = out.toArray(new Rule[0]);
    }

    SignalVerdict check(int signal, SignalTarget t) {
        for (Rule r : rules) {
            if (signal < 0 || !r.signals.get(signal)) continue;
            if (!targetMatches(r, t)) continue;
            return r.verdict;
        }
        return DEFAULT;
    }

    private static boolean targetMatches(Rule r, SignalTarget t) {
        return switch (r.type) {
            case "self" -> t.self();
            case "children" -> t.child();
            case "descendants" -> t.descendant() || t.child();
            case "siblings" -> t.sibling();
            case "session" -> t.inSession();
            case "parent" -> t.parent();
            case "external" -> !t.inSession();
            case "system" -> t.system();
            case "user" -> t.sameUser() && !t.inSession();
            case "process" -> r.pattern != null && t.comm() != null && r.pattern.matches(t.comm());
            case "pid_range" -> t.pid() >= r.min && t.pid() <= r.max;
            default -> false;
        };
    }
}
