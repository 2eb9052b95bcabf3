package io.agentsh.policy.internal;

import io.agentsh.policy.Decision;
import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.FileOperation;
import io.agentsh.policy.SourcePos;
import io.agentsh.policy.Verdict;
import io.agentsh.policy.internal.match.Glob;
import io.agentsh.policy.internal.match.GlobSyntaxException;
import io.agentsh.policy.internal.match.PathNorm;
import io.agentsh.policy.internal.yaml.Problems;
import io.agentsh.policy.model.FileRule;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiled {@code file_rules}. Besides the reference's first-match-wins evaluation it carries our
 * two hardening rules (CONTRACT §2, README "Policy semantics"):
 * <ul>
 * <li>Reads: only rules that name a path specifically decide reads; a read that would reach
 * only a catch-all ({@code **}, {@code /**}) is denied for protected paths, allowed inside the
 * read roots (landlock.allow_read + loader paths), else decided by the catch-all. With
 * {@code strict_reads} catch-alls decide reads too (protected paths still denied).</li>
 * <li>Persistence: writes, creates, deletes, renames, links and mode changes on shell start-up
 * files, authorized_keys, crontabs and systemd unit dirs are denied ({@code protect-persistence})
 * unless the deciding rule names the path with a non-broad pattern.</li>
 * </ul>
 */
final class FileRules {
    static final String DEFAULT_ALLOW_READS = "default-allow-reads";
    static final String DEFAULT_DENY_FILES = "default-deny-files";
    static final String PROTECTED_PATH = "protected-path";
    static final String PROTECT_PERSISTENCE = "protect-persistence";
    static final String ALLOW_READ_ROOTS = "allow-read-roots";
    static final String PROTECT_SECRETS = "protect-agentsh-secrets";

    private static final Verdict DEFAULT_READ = Verdict.simple(Decision.ALLOW, Decision.ALLOW, DEFAULT_ALLOW_READS, "");
    private static final Verdict DEFAULT_DENY = Verdict.simple(Decision.DENY, Decision.DENY, DEFAULT_DENY_FILES, "");
    private static final Verdict PROTECTED = Verdict.simple(Decision.DENY, Decision.DENY, PROTECTED_PATH,
            "read of protected path {{.Path}} denied (no rule names it)");
    private static final Verdict PERSISTENCE = Verdict.simple(Decision.DENY, Decision.DENY, PROTECT_PERSISTENCE,
            "change to persistence path {{.Path}} denied (no rule names it)");
    private static final Verdict SECRET = Verdict.simple(Decision.DENY, Decision.DENY, PROTECT_SECRETS,
            "access to agentsh secret {{.Path}} denied");
    private static final Verdict READ_ROOT = Verdict.simple(Decision.ALLOW, Decision.ALLOW, ALLOW_READ_ROOTS, "");

    /** Pattern of one rule: its glob, how general it is, and its literal first path segment (null = any). */
    record Pat(Glob glob, boolean catchAll, boolean broad, String firstSegment) {}

    record Rule(String name, Pat[] specific, Pat[] catchAlls, Verdict verdict) {}

    private final SegmentIndex[] byOp;
    private final List<io.agentsh.policy.FileRuleView> views;
    private final boolean strictReads;
    private final Glob[] protectedGlobs;
    private final String[] readRoots;
    private final Glob[] persistence;
    /** Normalised always-denied paths, and their common leading text: the only paths worth comparing. */
    private final String[] secrets;
    private final String secretsPrefix;

    FileRules(List<FileRule> rules, EngineOptions o, Vars vars, Problems problems) {
        FileOperation[] ops = FileOperation.values();
        List<io.agentsh.policy.FileRuleView> viewList = new ArrayList<>();
        List<List<Rule>> lists = new ArrayList<>();
        for (int i = 0; i < ops.length; i++) lists.add(new ArrayList<>());
        for (FileRule r : rules) {
            List<Pat> specific = new ArrayList<>(), catchAll = new ArrayList<>();
            for (String raw : r.paths()) {
                String p = vars.expand(raw, "file rule", r.name(), r.pos());
                if (p == null) continue;
                Glob g = glob(p, '/', "compile file rule \"" + r.name() + "\" glob \"" + p + "\"", r.pos(), problems);
                if (g == null) continue;
                boolean ca = isCatchAll(p);
                Pat pat = new Pat(g, ca, isBroad(p), firstSegment(p));
                (ca ? catchAll : specific).add(pat);
            }
            Verdict v = Verdicts.rule(r.decision(), r.name(), r.message(), null, r.timeout(), r.redirectTo(),
                    r.preserveTree(), null, o);
            Rule compiled = new Rule(r.name(), specific.toArray(new Pat[0]), catchAll.toArray(new Pat[0]), v);
            boolean all = r.operations().isEmpty() || r.operations().contains("*");
            java.util.EnumSet<FileOperation> opSet = java.util.EnumSet.noneOf(FileOperation.class);
            for (FileOperation op : ops) {
                if (all || r.operations().contains(op.wireName())) {
                    lists.get(op.ordinal()).add(compiled);
                    opSet.add(op);
                }
            }
            List<String> expanded = new ArrayList<>();
            for (Pat pt : specific) expanded.add(pt.glob().pattern());
            for (Pat pt : catchAll) expanded.add(pt.glob().pattern());
            viewList.add(new io.agentsh.policy.FileRuleView(r.name(), expanded, opSet, v.policyDecision(), v.effectiveDecision()));
        }
        views = List.copyOf(viewList);
        byOp = new SegmentIndex[ops.length];
        for (int i = 0; i < ops.length; i++) byOp[i] = new SegmentIndex(lists.get(i));
        strictReads = o.strictReads();
        List<Glob> prot = new ArrayList<>();
        for (String p : o.protectedPaths()) {
            String e = vars.expand(p, "protected path", "sandbox.protected_paths", new SourcePos("sandbox.protected_paths", 0, 0));
            if (e == null) continue;
            Glob g = glob(e, '/', "protected path \"" + e + "\"", new SourcePos("sandbox.protected_paths", 0, 0), problems);
            if (g != null) prot.add(g);
        }
        protectedGlobs = prot.toArray(new Glob[0]);
        List<String> roots = new ArrayList<>();
        for (String r : o.readRoots()) roots.add(PathNorm.normalise(r));
        roots.addAll(EngineOptions.DEFAULT_LOADER_PATHS);
        readRoots = roots.toArray(new String[0]);
        persistence = persistenceGlobs(o);
        List<String> sec = new ArrayList<>();
        for (String p : o.alwaysDenied()) {
            if (p != null && p.startsWith("/") && !p.equals("/")) sec.add(PathNorm.normalise(p));
        }
        secrets = sec.toArray(new String[0]);
        secretsPrefix = commonPrefix(secrets);
    }

    private static String commonPrefix(String[] paths) {
        if (paths.length == 0) return null;
        String prefix = paths[0];
        for (String p : paths) {
            int n = Math.min(prefix.length(), p.length()), i = 0;
            while (i < n && prefix.charAt(i) == p.charAt(i)) i++;
            prefix = prefix.substring(0, i);
        }
        return prefix;
    }

    /** One of the daemon's secrets, or beneath one; a single startsWith for every other path. */
    private boolean isSecret(String path) {
        if (secretsPrefix == null || !path.startsWith(secretsPrefix)) return false;
        for (String s : secrets) {
            if (path.startsWith(s) && (path.length() == s.length() || path.charAt(s.length()) == '/')) return true;
        }
        return false;
    }

    private static Glob glob(String p, char sep, String what, SourcePos pos, Problems problems) {
        try {
            return Glob.compile(p, sep);
        } catch (GlobSyntaxException e) {
            problems.add(pos.error(what + ": " + e.getMessage()));
            return null;
        }
    }

    /** The pattern's first path segment when it is plain text ("/usr/bin/*" -> "usr"), else null. */
    static String firstSegment(String p) {
        if (!p.startsWith("/")) return null;
        int end = p.indexOf('/', 1);
        String seg = end < 0 ? p.substring(1) : p.substring(1, end);
        if (seg.isEmpty() || Glob.hasMeta(seg)) return null;
        return seg;
    }

    /**
     * Rules per first path segment: a path can only match patterns whose first segment is its own
     * or not fixed, so each bucket keeps, in rule order, only the rules (and patterns) that can match.
     * The segment is looked up in place, without allocating.
     */
    static final class SegmentIndex {
        private final io.agentsh.policy.internal.match.RegionSet.Indexed segments;
        private final Rule[][] buckets;
        private final Rule[] other;

        SegmentIndex(List<Rule> rules) {
            java.util.LinkedHashSet<String> segs = new java.util.LinkedHashSet<>();
            for (Rule r : rules) {
                for (Pat p : r.specific) if (p.firstSegment != null) segs.add(p.firstSegment);
                for (Pat p : r.catchAlls) if (p.firstSegment != null) segs.add(p.firstSegment);
            }
            List<String> list = new ArrayList<>(segs);
            segments = new io.agentsh.policy.internal.match.RegionSet.Indexed(list);
            buckets = new Rule[list.size()][];
            for (int i = 0; i < list.size(); i++) buckets[i] = restrict(rules, list.get(i));
            other = restrict(rules, null);
        }

        private static Rule[] restrict(List<Rule> rules, String seg) {
            List<Rule> out = new ArrayList<>();
            for (Rule r : rules) {
                Pat[] sp = keep(r.specific, seg), ca = keep(r.catchAlls, seg);
                if (sp.length == 0 && ca.length == 0) continue;
                out.add(sp.length == r.specific.length && ca.length == r.catchAlls.length ? r : new Rule(r.name, sp, ca, r.verdict));
            }
            return out.toArray(new Rule[0]);
        }

        private static Pat[] keep(Pat[] pats, String seg) {
            List<Pat> out = new ArrayList<>();
            for (Pat p : pats) if (p.firstSegment == null || p.firstSegment.equals(seg)) out.add(p);
            return out.toArray(new Pat[0]);
        }

        Rule[] rulesFor(String path) {
            if (path.isEmpty() || path.charAt(0) != '/') return other;
            int end = path.indexOf('/', 1);
            int idx = segments.indexOf(path, 1, end < 0 ? path.length() : end);
            return idx < 0 ? other : buckets[idx];
        }
    }

    /** A bare catch-all: matches every absolute path. */
    static boolean isCatchAll(String p) {
        return p.equals("**") || p.equals("/**") || p.equals("**/*") || p.equals("/**/*");
    }

    /** Broad for the persistence rule: {@code **}, {@code /**}, {@code *} or anything ending in {@code /**}. */
    static boolean isBroad(String p) {
        return p.equals("**") || p.equals("/**") || p.equals("*") || p.endsWith("/**") || isCatchAll(p);
    }

    private static Glob[] persistenceGlobs(EngineOptions o) {
        List<String> homes = new ArrayList<>(List.of("/root", "/home/*"));
        String home = o.variables().get("HOME");
        if (home == null || home.isEmpty()) home = o.environment().apply("HOME");
        if (home != null && !home.isEmpty() && !home.equals("/")) homes.add(PathNorm.normalise(home));
        List<String> pats = new ArrayList<>(List.of("/etc/profile", "/etc/profile.d/*", "/etc/profile.d/**",
                "/etc/bash.bashrc", "/etc/zsh/zshrc", "/etc/zshrc", "/etc/environment", "/etc/cron*", "/etc/cron*/**",
                "/var/spool/cron/**", "/etc/systemd/**", "/lib/systemd/system/**", "/usr/lib/systemd/system/**"));
        for (String h : homes) {
            for (String f : new String[] {".bashrc", ".profile", ".bash_profile", ".bash_login", ".bash_logout", ".zshrc",
                ".zprofile", ".zshenv", ".zlogin", ".ssh/authorized_keys", ".ssh/authorized_keys2", ".config/systemd/**"}) {
                pats.add(h + "/" + f);
            }
        }
        List<Glob> out = new ArrayList<>();
        for (String p : pats) {
            try {
                out.add(Glob.compile(p.replace("{", "\\{").replace("[", "\\["), '/'));
            } catch (GlobSyntaxException e) {
                throw new IllegalStateException("built-in persistence pattern " + p, e);
            }
        }
        return out.toArray(new Glob[0]);
    }

    List<io.agentsh.policy.FileRuleView> views() { return views; }

    Verdict check(String rawPath, FileOperation op, long callerPid) {
        String path = PathNorm.normalise(rawPath);
        // Before any rule: no policy, however broad or specific, grants the daemon's own secrets.
        if (isSecret(path)) return SECRET;
        Rule[] rules = byOp[op.ordinal()].rulesFor(path);
        if (op.isReadLike()) return strictReads ? checkStrictRead(rules, path, callerPid) : checkRead(rules, path, callerPid);
        for (Rule r : rules) {
            for (Pat p : r.specific) {
                if (p.glob.matches(path)) return p.broad ? guardPersistence(r.verdict, path) : r.verdict;
            }
            for (Pat p : r.catchAlls) {
                if (p.glob.matches(path)) return guardPersistence(r.verdict, path);
            }
        }
        return DEFAULT_DENY;
    }

    private Verdict guardPersistence(Verdict v, String path) {
        if (v.effectiveDecision() == Decision.DENY) return v;
        for (Glob g : persistence) if (g.matches(path)) return PERSISTENCE;
        return v;
    }

    private Verdict checkRead(Rule[] rules, String path, long callerPid) {
        Rule firstCatchAll = null;
        for (Rule r : rules) {
            for (Pat p : r.specific) if (p.glob.matches(path)) return r.verdict;
            if (firstCatchAll == null) {
                for (Pat p : r.catchAlls) {
                    if (p.glob.matches(path)) { firstCatchAll = r; break; }
                }
            }
        }
        if (isProtected(path, callerPid)) return PROTECTED;
        if (firstCatchAll == null) return DEFAULT_READ;
        Verdict v = firstCatchAll.verdict;
        if (v.effectiveDecision() == Decision.ALLOW) return v;
        return inReadRoots(path) ? READ_ROOT : v;
    }

    private Verdict checkStrictRead(Rule[] rules, String path, long callerPid) {
        for (Rule r : rules) {
            for (Pat p : r.specific) if (p.glob.matches(path)) return r.verdict;
            for (Pat p : r.catchAlls) {
                if (p.glob.matches(path)) return isProtected(path, callerPid) ? PROTECTED : r.verdict;
            }
        }
        return isProtected(path, callerPid) ? PROTECTED : DEFAULT_READ;
    }

    boolean isProtected(String path, long callerPid) {
        if (isSecret(path)) return true;
        for (Glob g : protectedGlobs) if (g.matches(path)) return true;
        return isOtherProcessSecret(path, callerPid);
    }

    /** {@code /proc/PID/environ} and {@code /proc/PID/mem} of a process other than the caller. */
    static boolean isOtherProcessSecret(String path, long callerPid) {
        if (!path.startsWith("/proc/")) return false;
        int start = 6, end = path.indexOf('/', start);
        if (end < 0) return false;
        String leaf = path.substring(end + 1);
        int tail = leaf.lastIndexOf('/');
        String file = tail < 0 ? leaf : leaf.substring(tail + 1);
        // /proc/PID/environ, /proc/PID/mem and the per-thread /proc/PID/task/TID/{environ,mem}
        if (!(file.equals("environ") || file.equals("mem"))) return false;
        if (tail >= 0 && !leaf.startsWith("task/")) return false;
        if (path.regionMatches(start, "self", 0, 4) && end == start + 4) return false;
        if (path.regionMatches(start, "thread-self", 0, 11) && end == start + 11) return false;
        long pid = 0;
        for (int i = start; i < end; i++) {
            char c = path.charAt(i);
            if (c < '0' || c > '9') return false;
            pid = pid * 10 + (c - '0');
            if (pid > Integer.MAX_VALUE) return true;
        }
        return pid != callerPid;
    }

    private boolean inReadRoots(String path) {
        for (String root : readRoots) {
            if (root.equals("/")) return true;
            if (path.startsWith(root) && (path.length() == root.length() || path.charAt(root.length()) == '/')) return true;
        }
        return false;
    }
}
