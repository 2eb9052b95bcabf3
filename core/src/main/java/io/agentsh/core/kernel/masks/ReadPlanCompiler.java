package io.agentsh.core.kernel.masks;

import io.agentsh.core.kernel.landlock.PolicyLandlockPaths;
import io.agentsh.policy.Decision;
import io.agentsh.policy.Engine;
import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.FileOperation;
import io.agentsh.policy.FileRuleView;
import io.agentsh.policy.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compiles a session engine's read decisions into a {@link ReadPlan}: masks for the session's
 * mount namespace and the Landlock read roots. The argument that a complete plan never lets the
 * kernel allow a read the engine denies is in docs/race-freedom.md ("Reads decided in the kernel").
 *
 * <p>Method. When every pattern of every rule that decides reads is a literal path or
 * {@code DIR/**} (or a bare catch-all), the engine's read decision is constant on each region of
 * the tree spanned by the "anchors" (those literal paths and dirs, the read roots, the daemon's
 * secrets, the protected paths — wildcard ones enumerated from the directory they name — and the
 * Landlock grants): each anchor itself, and "beneath the anchor but beneath no deeper anchor".
 * The engine is asked once per region (at the anchor, and at two probe names beneath it); the
 * kernel's decision per region follows from the Landlock roots and the masks; the plan is complete
 * only if no region is denied by the engine and allowed by the kernel.
 */
public final class ReadPlanCompiler {
    static final String PROBE = "zz-agentsh-read-plan-probe", PROBE2 = "zy-agentsh-read-plan-probe";
    private static final long DAC_CAPS = (1L << 1) | (1L << 2); // CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH
    private static final Set<String> CATCH_ALL = Set.of("**", "/**", "**/*", "/**/*");

    /**
     * @param landlock          Landlock will restrict reads to {@link ReadPlan#landlockRead()} plus {@code otherReadGrants}
     * @param otherReadGrants   roots where the ruleset grants reads for other reasons (execute, write and
     *                          device rules: those rights include reading)
     * @param keepCapabilities  the wrapper's bounding set (-1: nothing dropped)
     * @param pidNamespace      commands get a PID namespace (and a fresh /proc over the masks)
     * @param approvalsCanAllow an approve decision may turn into an allow (an approval gate is wired)
     * @param workspace         the session's workspace (kept reachable through a skeleton), or null
     */
    public record Inputs(boolean landlock, List<String> otherReadGrants, long keepCapabilities, boolean pidNamespace,
                         boolean approvalsCanAllow, String workspace) {
        public Inputs {
            otherReadGrants = List.copyOf(otherReadGrants);
        }
    }

    /** The file system as the plan sees it (tests may substitute one). */
    public interface FsView {
        boolean exists(String path);

        boolean isDirectory(String path);

        List<String> children(String dir);

        FsView REAL = new FsView() {
            @Override
            public boolean exists(String p) { return Files.exists(Path.of(p), LinkOption.NOFOLLOW_LINKS); }

            @Override
            public boolean isDirectory(String p) { return Files.isDirectory(Path.of(p), LinkOption.NOFOLLOW_LINKS); }

            @Override
            public List<String> children(String dir) {
                try (var s = Files.list(Path.of(dir))) {
                    return s.map(Path::toString).toList();
                } catch (IOException e) {
                    return List.of();
                }
            }
        };
    }

    private enum Kind { CATCH_ALL, LITERAL, HIERARCHY, OTHER }

    private final Engine engine;
    private final Inputs in;
    private final FsView fs;
    private final TreeSet<String> anchors = new TreeSet<>();
    private final List<String> opaquePrefixes = new ArrayList<>();
    private final List<String> stricter = new ArrayList<>();
    private final List<String> watched = new ArrayList<>();

    private ReadPlanCompiler(Engine engine, Inputs in, FsView fs) {
        this.engine = engine;
        this.in = in;
        this.fs = fs;
    }

    public static ReadPlan compile(Engine engine, Inputs in) {
        return compile(engine, in, FsView.REAL);
    }

    public static ReadPlan compile(Engine engine, Inputs in, FsView fs) {
        return new ReadPlanCompiler(engine, in, fs).run();
    }

    private static final class Incomplete extends Exception {
        Incomplete(String why) { super(why, null, false, false); }
    }

    private ReadPlan run() {
        try {
            return build();
        } catch (Incomplete e) {
            return ReadPlan.incomplete(e.getMessage());
        }
    }

    private ReadPlan build() throws Incomplete {
        if (in.keepCapabilities() == -1L || (in.keepCapabilities() & DAC_CAPS) != 0) {
            throw new Incomplete("the session keeps CAP_DAC_OVERRIDE/CAP_DAC_READ_SEARCH (capabilities.allow), "
                    + "which read through a mask");
        }
        if (in.pidNamespace()) throw new Incomplete("PID-namespaced commands mount a fresh /proc over the session's masks");
        collectAnchors();
        Verdict proc = engine.checkFile("/proc/2147483647/environ", FileOperation.READ);
        if (proc != null && "protected-path".equals(proc.rule())) {
            throw new Incomplete("other processes' /proc/PID/environ must be checked per pid (no rule decides all of /proc)");
        }
        List<String> order = new ArrayList<>(anchors);
        order.add("/");
        order.sort(Comparator.comparingInt(ReadPlanCompiler::depth).thenComparing(Comparator.naturalOrder()));

        // Landlock roots: every region the engine allows and nothing grants yet.
        List<String> granted = new ArrayList<>(in.landlock() ? in.otherReadGrants() : List.of("/"));
        List<String> landlockRead = new ArrayList<>();
        for (String a : order) {
            if (!in.landlock()) break;
            boolean dirLike = !fs.exists(a) || fs.isDirectory(a);
            boolean allow = dirLike ? beneathAllowed(a) : exactAllowed(a);
            if (allow && !covered(granted, a)) {
                granted.add(a);
                landlockRead.add(a);
            }
        }
        // Masks: where the kernel would allow what the engine denies.
        List<ReadPlan.MaskedPath> masks = new ArrayList<>();
        for (String a : order) {
            if (!covered(granted, a) || maskedBy(masks, a) != null) continue;
            boolean file = fs.exists(a) && !fs.isDirectory(a);
            boolean exact = exactAllowed(a);
            if (file) {
                if (!exact) masks.add(maskFile(a));
                continue;
            }
            Beneath beneath = beneath(a);
            if (beneath == Beneath.DENY) {
                masks.add(maskTree(a, exact, order));
            } else if (!exact || beneath == Beneath.CHILDREN_DENIED) {
                masks.add(skeleton(a, exact));
            }
        }
        verify(order, granted, masks);
        List<String> watchedDirs = new ArrayList<>();
        for (String w : watched) {
            // Entries of a directory behind a mask or a skeleton need no watching; the others do,
            // when the kernel would let them be read.
            if (maskedBy(masks, w) == null && covered(granted, probe(w, PROBE)) && !watchedDirs.contains(w)) watchedDirs.add(w);
        }
        return new ReadPlan(true, "", masks, landlockRead, stricter, watchedDirs);
    }

    // ---- anchors ----------------------------------------------------------------------------

    private void collectAnchors() throws Incomplete {
        for (FileRuleView v : engine.fileRules()) {
            boolean reads = v.operations().contains(FileOperation.READ) || v.operations().contains(FileOperation.LIST);
            if (reads && v.effectiveDecision() == Decision.APPROVE && in.approvalsCanAllow()) {
                throw new Incomplete("rule " + v.name() + " asks for approval of reads (an approval cannot be given in the kernel)");
            }
            for (String p : v.patterns()) {
                Kind k = kind(p);
                if (k == Kind.OTHER) {
                    if (reads) throw new Incomplete("rule " + v.name() + ": pattern " + p + " cannot be expressed in the kernel "
                            + "(only literal paths, DIR/** and a bare catch-all can)");
                    opaquePrefixes.add(literalPrefix(p));
                } else if (k != Kind.CATCH_ALL) {
                    anchors.add(root(p, k));
                }
            }
        }
        EngineOptions o = engine.options();
        for (String r : o.readRoots()) anchors.add(Engine.normalisePath(r));
        for (String r : EngineOptions.DEFAULT_LOADER_PATHS) anchors.add(r);
        for (String s : o.alwaysDenied()) if (s != null && s.startsWith("/") && !s.equals("/")) anchors.add(Engine.normalisePath(s));
        for (String raw : o.protectedPaths()) {
            String p = PolicyLandlockPaths.expand(raw, o.variables());
            if (p == null) continue; // the engine skips it too
            Kind k = kind(p);
            if (k == Kind.LITERAL || k == Kind.HIERARCHY) {
                anchors.add(root(p, k));
                continue;
            }
            int slash = p.lastIndexOf('/');
            String parent = slash <= 0 ? "/" : p.substring(0, slash);
            if (k == Kind.CATCH_ALL || kind(parent) != Kind.LITERAL || p.substring(slash + 1).isEmpty()) {
                throw new Incomplete("protected path " + p + " cannot be enumerated (a wildcard before its last segment)");
            }
            anchors.add(Engine.normalisePath(parent));
            watched.add(Engine.normalisePath(parent));
            for (String c : fs.children(parent)) if (engine.isProtectedPath(c, -1)) anchors.add(Engine.normalisePath(c));
        }
        for (String g : in.otherReadGrants()) anchors.add(Engine.normalisePath(g));
        if (in.workspace() != null && in.workspace().startsWith("/")) anchors.add(Engine.normalisePath(in.workspace()));
        anchors.remove("/");
        for (String a : anchors) {
            if (!a.startsWith("/proc/")) continue;
            String first = a.substring(6).split("/", 2)[0];
            if (first.equals("self") || first.equals("thread-self") || (!first.isEmpty() && first.chars().allMatch(Character::isDigit))) {
                // The engine reads /proc/<own pid> as /proc/self; a path in the kernel names one process.
                throw new Incomplete(a + " names a process; per-process /proc paths are decided per pid by the supervisor");
            }
        }
    }

    private static Kind kind(String p) {
        if (CATCH_ALL.contains(p)) return Kind.CATCH_ALL;
        if (!p.startsWith("/")) return Kind.OTHER;
        if (!hasMeta(p)) return Kind.LITERAL;
        if (p.endsWith("/**") && p.length() > 3 && !hasMeta(p.substring(0, p.length() - 3))) return Kind.HIERARCHY;
        return Kind.OTHER;
    }

    private static String root(String p, Kind k) {
        return Engine.normalisePath(k == Kind.HIERARCHY ? p.substring(0, p.length() - 3) : p);
    }

    private static boolean hasMeta(String s) {
        for (int i = 0; i < s.length(); i++) if ("*?[]{}\\".indexOf(s.charAt(i)) >= 0) return true;
        return false;
    }

    /** The directory part before the first wildcard ("" = anywhere). */
    private static String literalPrefix(String p) {
        int i = 0;
        while (i < p.length() && "*?[]{}\\".indexOf(p.charAt(i)) < 0) i++;
        int slash = p.lastIndexOf('/', i);
        return slash <= 0 ? "" : p.substring(0, slash);
    }

    // ---- engine decisions per region ---------------------------------------------------------

    private boolean allowed(String path, FileOperation op) {
        Verdict v = engine.checkFile(path, op);
        if (v == null) return false;
        if (v.isAllowed()) return true;
        return v.needsApproval() && in.approvalsCanAllow();
    }

    private static String probe(String a, String name) {
        return a.equals("/") ? "/" + name : a + "/" + name;
    }

    /** How reads beneath an anchor (and beneath no deeper anchor) are decided. */
    private enum Beneath { ALLOW, DENY, CHILDREN_DENIED }

    /**
     * Reads beneath {@code a}: asked at two probe names directly beneath and one a level deeper.
     * Uniform allow or deny, or (a protected {@code DIR/*}) its children denied and everything
     * deeper allowed; anything else cannot be expressed.
     */
    private Beneath beneath(String a) throws Incomplete {
        String p1 = probe(a, PROBE), p2 = probe(a, PROBE2), deep = probe(p1, PROBE);
        boolean r1 = allowed(p1, FileOperation.READ), l1 = allowed(p1, FileOperation.LIST);
        boolean r2 = allowed(p2, FileOperation.READ), l2 = allowed(p2, FileOperation.LIST);
        boolean rd = allowed(deep, FileOperation.READ), ld = allowed(deep, FileOperation.LIST);
        if (r1 != l1 || r1 != r2 || r1 != l2 || rd != ld) throw new Incomplete("reads beneath " + a + " are not decided uniformly");
        if (r1 == rd) return r1 ? Beneath.ALLOW : Beneath.DENY;
        if (!r1) return Beneath.CHILDREN_DENIED;
        throw new Incomplete("reads beneath " + a + " are allowed for its entries but denied deeper");
    }

    private boolean beneathAllowed(String a) throws Incomplete {
        return beneath(a) != Beneath.DENY;
    }

    /** The anchor itself: a directory is listed, anything else read; both when it is not there yet. */
    private boolean exactAllowed(String a) throws Incomplete {
        if (a.equals("/")) return allowed("/", FileOperation.LIST);
        if (fs.isDirectory(a)) return allowed(a, FileOperation.LIST);
        if (fs.exists(a)) return allowed(a, FileOperation.READ);
        boolean r = allowed(a, FileOperation.READ);
        if (r != allowed(a, FileOperation.LIST)) throw new Incomplete(a + " (not there yet) is decided differently as a file and as a directory");
        return r;
    }

    /** Every operation on {@code path} is denied, so a mask there changes nothing the engine would allow. */
    private boolean allOpsDenied(String path, boolean exceptReadLike) {
        for (FileOperation op : FileOperation.values()) {
            if (exceptReadLike && op.isReadLike()) continue;
            if (allowed(path, op)) return false;
        }
        return true;
    }

    // ---- masks -------------------------------------------------------------------------------

    private ReadPlan.MaskedPath maskFile(String a) throws Incomplete {
        if (a.equals("/")) throw new Incomplete("/ cannot be masked");
        if (!allOpsDenied(a, true)) throw new Incomplete(a + ": reads are denied but other operations are allowed; a mask would refuse them");
        return new ReadPlan.MaskedPath(a, false, false, List.of());
    }

    /** A mask over {@code a} and everything beneath: only if the engine denies every operation there. */
    private ReadPlan.MaskedPath maskTree(String a, boolean listable, List<String> order) throws Incomplete {
        if (a.equals("/")) throw new Incomplete("reads the catch-all denies need Landlock (landlock.enabled) to be refused in the kernel");
        for (String o : opaquePrefixes) {
            if (o.isEmpty() || under(o, a) || under(a, o)) {
                throw new Incomplete("a rule pattern beneath " + (o.isEmpty() ? "any directory" : o) + " may allow operations under " + a);
            }
        }
        if (!allOpsDenied(a, true)) throw new Incomplete(a + ": reads beneath are denied but operations on it are allowed");
        if (!allOpsDenied(probe(a, PROBE), false)) throw new Incomplete(a + ": reads beneath are denied but other operations are allowed");
        for (String b : order) {
            if (b.equals(a) || !under(b, a)) continue;
            if (!allOpsDenied(b, false) || ((!fs.exists(b) || fs.isDirectory(b)) && !allOpsDenied(probe(b, PROBE), false))) {
                throw new Incomplete(b + " is allowed although everything around it beneath " + a + " is denied");
            }
        }
        if (listable) stricter.add(a + " lists as empty (the engine would list its names)");
        return new ReadPlan.MaskedPath(a, listable, false, List.of());
    }

    /**
     * {@code a} itself or its entries are denied but something deeper is allowed: a skeleton
     * keeps the workspace reachable and nothing else (narrower than the engine, never wider).
     */
    private ReadPlan.MaskedPath skeleton(String a, boolean listable) throws Incomplete {
        if (a.equals("/")) throw new Incomplete("/ cannot be masked");
        String ws = in.workspace() == null ? null : Engine.normalisePath(in.workspace());
        List<String> keep = ws != null && under(ws, a) && !ws.equals(a) ? List.of(ws) : List.of();
        stricter.add("beneath " + a + " only " + (keep.isEmpty() ? "nothing" : keep.get(0)) + " is reachable"
                + (listable ? " and it does not list" : "") + " (the engine denies " + (listable ? "its entries" : "listing it")
                + " but would allow reading deeper)");
        return new ReadPlan.MaskedPath(a, false, true, keep);
    }

    private static ReadPlan.MaskedPath maskedBy(List<ReadPlan.MaskedPath> masks, String a) {
        for (ReadPlan.MaskedPath m : masks) {
            if (!under(a, m.path())) continue;
            if (m.skeleton()) {
                boolean kept = false;
                for (String k : m.keep()) if (under(a, k)) kept = true;
                if (kept) continue;
            }
            return m;
        }
        return null;
    }

    // ---- verification ------------------------------------------------------------------------

    /** No region the engine denies may be readable in the kernel. */
    private void verify(List<String> order, List<String> granted, List<ReadPlan.MaskedPath> masks) throws Incomplete {
        for (String a : order) {
            ReadPlan.MaskedPath m = maskedBy(masks, a);
            boolean kernelExact = covered(granted, a) && (m == null || (m.path().equals(a) && m.listable() && !m.skeleton()));
            boolean kernelBeneath = covered(granted, a) && m == null;
            if (!exactAllowed(a) && kernelExact) throw new Incomplete("the kernel would allow reading " + a + " (engine: deny)");
            boolean dirLike = a.equals("/") || !fs.exists(a) || fs.isDirectory(a);
            if (dirLike && beneath(a) != Beneath.ALLOW && kernelBeneath) {
                throw new Incomplete("the kernel would allow reads beneath " + a + " (engine: deny)");
            }
            if (exactAllowed(a) && !kernelExact && m == null) stricter.add(a + " is not readable in the kernel (the engine allows it)");
        }
    }

    private static boolean covered(List<String> roots, String p) {
        for (String r : roots) if (under(p, r)) return true;
        return false;
    }

    /** {@code p} is {@code r} or beneath it. */
    static boolean under(String p, String r) {
        return r.equals("/") || p.equals(r) || p.startsWith(r + "/");
    }

    private static int depth(String p) {
        if (p.equals("/")) return 0;
        int n = 0;
        for (int i = 0; i < p.length(); i++) if (p.charAt(i) == '/') n++;
        return n;
    }
}
