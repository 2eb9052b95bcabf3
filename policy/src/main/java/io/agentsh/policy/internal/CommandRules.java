package io.agentsh.policy.internal;

import com.google.re2j.Pattern;
import io.agentsh.policy.Decision;
import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.EnvFilter;
import io.agentsh.policy.ShellcOpaqueMode;
import io.agentsh.policy.Verdict;
import io.agentsh.policy.internal.env.EnvRules;
import io.agentsh.policy.internal.match.Glob;
import io.agentsh.policy.internal.match.GlobSyntaxException;
import io.agentsh.policy.internal.match.RegionSet;
import io.agentsh.policy.internal.yaml.Problems;
import io.agentsh.policy.model.CommandRule;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Compiled {@code command_rules} (reference §6): pattern classification (full path, path glob,
 * basename, basename glob), args regexes (RE2, unanchored find on the space-joined args), depth
 * context; plus the pre-check's wrapper unwrapping and {@code sh -c} look-through.
 */
final class CommandRules {
    static final String DEFAULT_DENY_COMMANDS = "default-deny-commands";
    static final String DEFAULT_DENY_EXECVE = "default-deny-execve";
    private static final int MAX_WRAPPER_LEVELS = 8;
    /** Fail closed: a wrapper chain longer than we unwrap could hide its payload. */
    private static final Verdict WRAPPER_DEPTH = Verdict.simple(Decision.DENY, Decision.DENY, "wrapper-depth-exceeded",
            "wrapper chain too deep to inspect");
    private static final int MAX_SHELL_LEVELS = 4;
    private static final RegionSet SHELLS = new RegionSet(List.of("sh", "bash", "dash", "ash", "mksh", "ksh", "zsh"));

    private record Rule(String name, boolean anyCommand, RegionSet fullPaths, Glob[] pathGlobs, RegionSet basenames,
                        Glob[] baseGlobs, boolean trivialBaseGlob, Pattern[] args, int minDepth, int maxDepth,
                        Verdict verdict) {}

    private final Rule[] rules;
    private final Verdict defaultCommands, defaultExecve;
    private final Wrappers wrappers;
    private final boolean hasRestrictiveRules;
    private final ShellcOpaqueMode opaqueMode;
    private final boolean execveEnforcement;
    private final EnvFilter globalEnv;

    CommandRules(List<CommandRule> src, Wrappers wrappers, EnvRules globalEnvRules, Map<String, String> inject,
                 EngineOptions o, Problems problems) {
        this.wrappers = wrappers;
        this.globalEnv = new EnvFilter(globalEnvRules, inject);
        List<Rule> out = new ArrayList<>();
        boolean restrictive = false;
        for (CommandRule r : src) {
            List<String> full = new ArrayList<>(), bases = new ArrayList<>();
            List<Glob> pathGlobs = new ArrayList<>(), baseGlobs = new ArrayList<>();
            boolean trivial = false;
            for (String c : r.commands()) {
                boolean path = c.indexOf('/') >= 0;
                boolean meta = c.indexOf('*') >= 0 || c.indexOf('?') >= 0 || c.indexOf('[') >= 0;
                if (meta) {
                    try {
                        Glob g = Glob.compile(c, path ? '/' : (char) 0);
                        if (path) pathGlobs.add(g);
                        else {
                            baseGlobs.add(g);
                            if (c.equals("*") || c.equals("**")) trivial = true;
                        }
                        continue;
                    } catch (GlobSyntaxException e) {
                        // reference: a command glob that does not compile is matched literally
                    }
                }
                if (path) full.add(c.toLowerCase(Locale.ROOT));
                else bases.add(c.toLowerCase(Locale.ROOT));
            }
            Pattern[] args = new Pattern[r.argsPatterns().size()];
            for (int i = 0; i < args.length; i++) args[i] = Pattern.compile(r.argsPatterns().get(i));
            EnvFilter env = globalEnv;
            if (!r.envAllow().isEmpty() || !r.envDeny().isEmpty() || r.envMaxBytes() != null || r.envMaxKeys() != null
                    || r.envBlockIteration() != null) {
                try {
                    env = new EnvFilter(globalEnvRules.merge(r.envAllow(), r.envDeny(), r.envMaxBytes(), r.envMaxKeys(),
                            r.envBlockIteration()), inject);
                } catch (GlobSyntaxException e) {
                    problems.add(r.pos().error("compile command rule \"" + r.name() + "\" env pattern: " + e.getMessage()));
                }
            }
            Verdict v = Verdicts.rule(r.decision(), r.name(), r.message(), r.redirectTo(), null, null, false, env, o);
            if (v.policyDecision() == Decision.REDIRECT && r.redirectTo() == null) {
                // nothing to redirect to: fail closed
                v = new Verdict(Decision.REDIRECT, Decision.DENY, r.name(), r.message(), null, null, null, false, env, null);
            }
            if (v.policyDecision() != Decision.ALLOW) restrictive = true;
            boolean any = r.commands().isEmpty();
            out.add(new Rule(r.name(), any, new RegionSet(full), pathGlobs.toArray(new Glob[0]), new RegionSet(bases),
                    baseGlobs.toArray(new Glob[0]), trivial, args, r.minDepth(), r.maxDepth(), v));
        }
        rules = out.toArray(new Rule[0]);
        hasRestrictiveRules = restrictive;
        opaqueMode = o.shellcOpaque();
        execveEnforcement = o.execveEnforcement();
        defaultCommands = new Verdict(Decision.DENY, Decision.DENY, DEFAULT_DENY_COMMANDS, "", null, null, null, false, globalEnv, null);
        defaultExecve = new Verdict(Decision.DENY, Decision.DENY, DEFAULT_DENY_EXECVE, "", null, null, null, false, globalEnv, null);
    }

    EnvFilter globalEnv() { return globalEnv; }

    // ---- matching --------------------------------------------------------------------------

    /**
     * First matching rule or null. {@code args} are joined with single spaces for the regexes;
     * {@code argsFrom} skips leading elements (1 for an argv whose argv[0] must not count).
     */
    private Verdict match(String cmd, List<String> args, int argsFrom, int depth, boolean precheck) {
        int slash = cmd.lastIndexOf('/');
        int bFrom = slash + 1, bTo = cmd.length();
        boolean real = precheck && bTo - bFrom > 5 && cmd.regionMatches(true, bTo - 5, ".real", 0, 5);
        // hashes of the basename (and of it without ".real") are computed once for all rules
        int baseHash = RegionSet.hashOf(cmd, bFrom, bTo);
        int realHash = real ? RegionSet.hashOf(cmd, bFrom, bTo - 5) : 0;
        int fullHash = 0;
        boolean fullHashed = false;
        String lowerCmd = null, base = null, lowerBase = null, joined = null;
        for (Rule r : rules) {
            if (depth < r.minDepth || (r.maxDepth >= 0 && depth > r.maxDepth)) continue;
            boolean m = r.anyCommand || r.trivialBaseGlob;
            if (!m && slash >= 0 && !r.fullPaths.isEmpty()) {
                if (!fullHashed) { fullHash = RegionSet.hashOf(cmd, 0, cmd.length()); fullHashed = true; }
                m = r.fullPaths.contains(cmd, 0, cmd.length(), fullHash);
            }
            if (!m && slash >= 0 && r.pathGlobs.length > 0) {
                if (lowerCmd == null) lowerCmd = cmd.toLowerCase(Locale.ROOT);
                for (Glob g : r.pathGlobs) if (g.matches(lowerCmd) || g.matches(cmd)) { m = true; break; }
            }
            if (!m) m = r.basenames.contains(cmd, bFrom, bTo, baseHash) || (real && r.basenames.contains(cmd, bFrom, bTo - 5, realHash));
            if (!m && r.baseGlobs.length > 0) {
                if (base == null) {
                    base = slash < 0 ? cmd : cmd.substring(bFrom);
                    lowerBase = base.toLowerCase(Locale.ROOT);
                }
                for (Glob g : r.baseGlobs) {
                    if (g.matches(lowerBase) || g.matches(base)) { m = true; break; }
                    if (real && g.matches(lowerBase.substring(0, lowerBase.length() - 5))) { m = true; break; }
                }
            }
            if (!m) continue;
            if (r.args.length > 0) {
                if (joined == null) joined = join(args, argsFrom);
                boolean am = false;
                for (Pattern p : r.args) if (p.matcher(joined).find()) { am = true; break; }
                if (!am) continue;
            }
            return r.verdict;
        }
        return null;
    }

    private static String join(List<String> args, int from) {
        if (args == null || args.size() <= from) return "";
        if (args.size() == from + 1) return args.get(from);
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < args.size(); i++) {
            if (i > from) sb.append(' ');
            sb.append(args.get(i));
        }
        return sb.toString();
    }

    // ---- exec-time -------------------------------------------------------------------------

    Verdict checkExecve(String filename, List<String> argv, int depth) {
        if (filename == null || filename.isEmpty()) return defaultExecve;
        List<String> av = argv == null || argv.isEmpty() ? List.of(filename) : argv;
        Verdict v = match(filename, av, 0, depth, false);
        if (v == null) v = defaultExecve;
        if (!wrappers.isWrapper(filename)) return v;
        List<String> cur = new ArrayList<>(av);
        cur.set(0, filename);
        String wrapper = filename;
        for (int level = 0; level < MAX_WRAPPER_LEVELS; level++) {
            List<String> payload = wrappers.unwrap(cur);
            if (payload == null) break;
            Verdict pv = match(payload.get(0), payload, 0, depth, false);
            if (pv == null) pv = defaultExecve;
            String from = baseName(wrapper);
            if (pv.effectiveDecision() == Decision.DENY) return pv.withUnwrappedFrom(from);
            if (v.effectiveDecision() == Decision.DENY) return v;
            if (Verdicts.rank(pv) > Verdicts.rank(v)) v = pv.withUnwrappedFrom(from);
            if (!wrappers.isWrapper(payload.get(0))) return v;
            wrapper = payload.get(0);
            cur = payload;
        }
        return wrappers.unwrap(cur) == null ? v : WRAPPER_DEPTH;
    }

    // ---- pre-check -------------------------------------------------------------------------

    Verdict checkCommand(String command, List<String> args) {
        if (command == null || command.isEmpty()) return defaultCommands;
        return precheck(command, args == null ? List.of() : args, 0, 0);
    }

    private Verdict precheck(String cmd, List<String> args, int shellLevel, int wrapperLevel) {
        Verdict v = match(cmd, args, 0, 0, true);
        if (v == null) v = defaultCommands;
        boolean wrapper = wrappers.isWrapper(cmd);
        boolean shell = isShell(cmd);
        if (!wrapper && !shell) return v;
        if (wrapper) {
            List<String> argv = new ArrayList<>(args.size() + 1);
            argv.add(cmd);
            argv.addAll(args);
            List<String> payload = wrappers.unwrap(argv);
            if (payload != null) {
                if (wrapperLevel >= MAX_WRAPPER_LEVELS) return WRAPPER_DEPTH;
                // recursion handles wrapper chains and shells under wrappers
                Verdict pv = precheck(payload.get(0), payload.subList(1, payload.size()), shellLevel, wrapperLevel + 1);
                String from = baseName(cmd);
                if (pv.effectiveDecision() == Decision.DENY) return pv.unwrappedFrom() == null ? pv.withUnwrappedFrom(from) : pv;
                if (v.effectiveDecision() == Decision.DENY) return v;
                if (Verdicts.rank(pv) > Verdicts.rank(v)) v = pv.unwrappedFrom() == null ? pv.withUnwrappedFrom(from) : pv;
            }
        }
        if (shell) {
            String script = scriptOf(args);
            if (script == null) return v;
            if (shellLevel >= MAX_SHELL_LEVELS) {
                return Verdict.simple(Decision.DENY, Decision.DENY, "shellc-depth-exceeded",
                        "nested shell-c chain exceeded max derivation depth");
            }
            ShellScript.Parsed parsed = ShellScript.parse(script);
            if (parsed.bypass() != null) {
                return Verdict.simple(Decision.DENY, Decision.DENY, "shellc-wrapper-bypass", "bypass attempt: " + parsed.bypass());
            }
            if (parsed.opaque() != null) {
                if (hasRestrictiveRules && (opaqueMode == ShellcOpaqueMode.DENY
                        || opaqueMode == ShellcOpaqueMode.ENFORCE && !execveEnforcement)) {
                    return Verdict.simple(Decision.DENY, Decision.DENY, "shellc-opaque-script",
                            "opaque shell script: contains " + parsed.opaque()
                                    + "; set sandbox.seccomp.shellc.opaque=allow or enable exec-time enforcement to run it");
                }
                return v;
            }
            for (List<String> inner : parsed.commands()) {
                Verdict iv = precheck(inner.get(0), inner.subList(1, inner.size()), shellLevel + 1, wrapperLevel);
                if (isDefault(iv)) continue; // only explicit inner matches count (reference §6.4)
                if (Verdicts.rank(iv) > Verdicts.rank(v)) v = iv;
            }
        }
        return v;
    }

    private boolean isDefault(Verdict v) { return v == defaultCommands; }

    private static boolean isShell(String cmd) {
        int from = cmd.lastIndexOf('/') + 1;
        int to = cmd.length();
        if (to - from > 5 && cmd.regionMatches(true, to - 5, ".real", 0, 5)) to -= 5;
        return SHELLS.contains(cmd, from, to);
    }

    /** The script of {@code sh [opts] -c SCRIPT ...} ({@code -c} may be clustered: {@code -lc}, {@code -ec}); null when none. */
    static String scriptOf(List<String> args) {
        boolean c = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) return null;
            if (a.startsWith("-") && !a.startsWith("--") && a.length() > 1) {
                if (a.indexOf('c') > 0) c = true;
                if (a.equals("-o") || a.equals("+o")) i++;
                continue;
            }
            if (a.startsWith("--")) continue;
            return c ? a : null;
        }
        return null;
    }

    private static String baseName(String cmd) { return cmd.substring(cmd.lastIndexOf('/') + 1); }
}
