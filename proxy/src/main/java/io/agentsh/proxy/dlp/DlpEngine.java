package io.agentsh.proxy.dlp;

import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The compiled detector set: immutable, thread-safe, shared by all sessions.
 *
 * <p>Scanning cost stays close to one cheap pass over the text. Every detector's matches lie
 * inside maximal runs of its {@link Alphabet}, and runs are independent, so the regex (re2j,
 * linear time) only ever sees candidate runs:
 * <ul>
 *   <li>detectors with a literal prefix ({@code sk-}, {@code AKIA}, {@code ghp_}, ...) or a rare
 *       required character ({@code @} for e-mail) find candidates with {@link String#indexOf},
 *       then widen to the surrounding run;</li>
 *   <li>the others share one table-driven pass that tracks all their runs at once with bit
 *       masks and hands over only runs long enough and with enough digits.</li>
 * </ul>
 * Overlapping matches of different detectors are merged into one redacted span (labelled by
 * the longest match), so no part of a detected secret is left visible. The reference instead
 * rewrites pattern by pattern, which can leave pieces of a key behind.
 */
public final class DlpEngine {

    private final Detector[] detectors;
    private final String[] anchors;        // per detector: its anchor, or null
    private final boolean[][] alphabets;   // per detector: ASCII membership table
    private final int[] anchored;          // detectors found through their anchor
    private final int[] probed;            // the others: found by probing for long-enough runs
    private final int[] digitDetectors;    // probed together: detectors whose matches need digits
    private final boolean[] digitUnion;
    private final boolean digitUnionNonAscii;
    private final int digitMinLength;
    private final int digitMinDigits;
    /** Distinct anchors and, for each, the detectors using it. */
    private final String[] anchorGroups;
    private final int[][] anchorMembers;
    private final int maxSecretLength;

    private DlpEngine(List<Detector> list, int maxSecretLength) {
        this.detectors = list.toArray(new Detector[0]);
        this.maxSecretLength = maxSecretLength;
        this.anchors = new String[detectors.length];
        this.alphabets = new boolean[detectors.length][128];
        List<Integer> anchoredList = new ArrayList<>();
        List<Integer> probedList = new ArrayList<>();
        for (int i = 0; i < detectors.length; i++) {
            Alphabet a = detectors[i].shape().alphabet();
            for (char c = 0; c < 128; c++) {
                alphabets[i][c] = a.contains(c);
            }
            String anchor = anchorOf(detectors[i].shape());
            anchors[i] = anchor;
            if (anchor == null) {
                probedList.add(i);
            } else {
                anchoredList.add(i);
            }
        }
        java.util.Map<String, List<Integer>> groups = new java.util.LinkedHashMap<>();
        for (int i : anchoredList) {
            groups.computeIfAbsent(anchors[i], k -> new ArrayList<>()).add(i);
        }
        this.anchorGroups = groups.keySet().toArray(new String[0]);
        this.anchorMembers = groups.values().stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray())
                .toArray(int[][]::new);
        this.anchored = anchoredList.stream().mapToInt(Integer::intValue).toArray();
        // Detectors that need digits (phone, ssn, card) share one probe over the union of their
        // alphabets; each then sees only its own runs inside the union run.
        List<Integer> digitGroup = probedList.stream().filter(i -> detectors[i].shape().minDigits() > 0).toList();
        List<Integer> rest = probedList.stream().filter(i -> detectors[i].shape().minDigits() == 0).toList();
        this.digitDetectors = digitGroup.stream().mapToInt(Integer::intValue).toArray();
        this.probed = rest.stream().mapToInt(Integer::intValue).toArray();
        boolean[] union = new boolean[128];
        boolean unionNonAscii = false;
        int minLen = Integer.MAX_VALUE;
        int minDig = Integer.MAX_VALUE;
        for (int i : digitDetectors) {
            for (char c = 0; c < 128; c++) {
                union[c] |= alphabets[i][c];
            }
            unionNonAscii |= detectors[i].shape().alphabet().nonAscii();
            minLen = Math.min(minLen, detectors[i].shape().minLength());
            minDig = Math.min(minDig, detectors[i].shape().minDigits());
        }
        this.digitUnion = union;
        this.digitUnionNonAscii = unionNonAscii;
        this.digitMinLength = minLen;
        this.digitMinDigits = minDig;
    }

    /** Default cap on the length of a secret a stream may hold back to catch it whole. */
    public static final int DEFAULT_MAX_SECRET_LENGTH = 4096;

    public static DlpEngine compile(DlpSettings settings) throws DlpConfigException {
        return compile(settings, DEFAULT_MAX_SECRET_LENGTH);
    }

    public static DlpEngine compile(DlpSettings settings, int maxSecretLength) throws DlpConfigException {
        List<Detector> list = new ArrayList<>();
        for (BuiltinDetector b : BuiltinDetector.values()) {
            if (settings.builtins().contains(b)) {
                list.add(b.detector());
            }
        }
        for (CustomPattern p : settings.customPatterns()) {
            try {
                list.add(RegexDetector.compile(p.name(), p.display(), p.regex()));
            } catch (PatternSyntaxException e) {
                // The reference skips a bad pattern silently; we refuse, so a typo cannot let a secret through.
                throw new DlpConfigException("dlp.custom_patterns[" + p.name() + "]: invalid regex '" + p.regex()
                        + "': " + e.getDescription(), e);
            }
        }
        return new DlpEngine(list, maxSecretLength);
    }

    public int detectorCount() {
        return detectors.length;
    }

    public List<String> typeNames() {
        return Arrays.stream(detectors).map(Detector::name).toList();
    }

    String name(int detector) {
        return detectors[detector].name();
    }

    String display(int detector) {
        return detectors[detector].display();
    }

    /** The longest secret a stream guarantees to catch whole (see {@link StreamingRedactor}). */
    public int maxSecretLength() {
        return maxSecretLength;
    }

    /** The anchor of a detector: a literal prefix, or a rare single char every match holds; null if none. */
    private static String anchorOf(RegexShape shape) {
        if (shape.textAnchored()) {
            return null;
        }
        if (shape.prefix().length() >= 2) {
            return shape.prefix();
        }
        for (char c : "@#$~|=<>{}[]^`\\!&*".toCharArray()) {
            if (shape.requiredChars().contains(c)) {
                return String.valueOf(c);
            }
        }
        return null;
    }

    /**
     * Start of the run at the end of {@code text} that detector d could still extend, i.e. the
     * smallest position from which later text might complete a match; text.length() if none.
     */
    int openRunStart(String text, int from) {
        int min = text.length();
        int floor = Math.max(from, text.length() - maxSecretLength - 1);
        for (Detector d : detectors) {
            Alphabet a = d.shape().alphabet();
            int i = text.length();
            while (i > floor && a.contains(text.charAt(i - 1))) {
                i--;
            }
            min = Math.min(min, i);
        }
        return min;
    }

    /** Finds and merges all secrets in {@code text[from, length)}; text[from-1] is context. */
    Spans scan(String text, int from) {
        MatchList out = new MatchList();
        if (anchored.length > 0) {
            scanAnchored(text, from, out);
        }
        for (int d : probed) {
            scanProbed(text, from, d, out);
        }
        if (digitDetectors.length > 0) {
            scanDigitGroup(text, from, out);
        }
        if (out.size == 0) {
            return Spans.NONE;
        }
        return merge(out);
    }

    /**
     * Anchored detectors: each distinct anchor is searched with String.indexOf (a vectorised JDK
     * intrinsic); each hit is widened to the detector's run and handed to the detector once.
     */
    private void scanAnchored(String text, int from, MatchList out) {
        for (int g = 0; g < anchorGroups.length; g++) {
            String a = anchorGroups[g];
            int[] members = anchorMembers[g];
            int[] doneUpTo = new int[members.length];
            int q = a.length() == 1 ? text.indexOf(a.charAt(0), from) : text.indexOf(a, from);
            while (q >= 0) {
                int next = Integer.MAX_VALUE;
                for (int m = 0; m < members.length; m++) {
                    if (q >= doneUpTo[m]) {
                        doneUpTo[m] = widenAndFind(text, from, q, a.length(), members[m], out);
                    }
                    next = Math.min(next, doneUpTo[m]);
                }
                q = a.length() == 1 ? text.indexOf(a.charAt(0), next) : text.indexOf(a, next);
            }
        }
    }

    /** Widens an anchor hit at q to the detector's alphabet run, scans it; returns the run end. */
    private int widenAndFind(String text, int from, int q, int anchorLength, int d, MatchList out) {
        RegexShape shape = detectors[d].shape();
        boolean[] a = alphabets[d];
        boolean nonAscii = shape.alphabet().nonAscii();
        int len = text.length();
        int rs = q;
        while (rs > from && in(a, nonAscii, text.charAt(rs - 1))) {
            rs--;
        }
        int re = q + anchorLength;
        while (re < len && in(a, nonAscii, text.charAt(re))) {
            re++;
        }
        if (re - rs >= shape.minLength()) {
            detectors[d].find(text, rs, re, out, d);
        }
        return Math.max(re, q + 1);
    }

    private static boolean in(boolean[] table, boolean nonAscii, char c) {
        return c < 128 ? table[c] : nonAscii;
    }

    /**
     * Finds the runs of detector d's alphabet that are at least minLength long without looking
     * at most characters: each window of minLength characters is checked from its end backwards,
     * and the first character outside the alphabet moves the next window past it.
     */
    private void scanProbed(String text, int from, int d, MatchList out) {
        RegexShape shape = detectors[d].shape();
        probeRuns(text, from, alphabets[d], shape.alphabet().nonAscii(), shape.minLength(), shape.minDigits(),
                (rs, re) -> detectors[d].find(text, rs, re, out, d));
    }

    /** One probe pass for the digit detectors; each union run with enough digits is split per detector. */
    private void scanDigitGroup(String text, int from, MatchList out) {
        probeRuns(text, from, digitUnion, digitUnionNonAscii, digitMinLength, digitMinDigits, (rs, re) -> {
            for (int d : digitDetectors) {
                findInSubRuns(text, rs, re, d, out);
            }
        });
    }

    /** A maximal run [start, end) of alphabet characters found by {@link #probeRuns}. */
    @FunctionalInterface
    private interface RunSink {
        void run(int start, int end);
    }

    /**
     * Finds every maximal run of alphabet {@code a} in {@code text} from {@code from} that is at least
     * {@code minLength} long and has {@code minDigits} digits, probing one character per window of
     * {@code minLength} instead of reading every character of text that holds no candidate.
     */
    private static void probeRuns(String text, int from, boolean[] a, boolean nonAscii, int minLength, int minDigits,
                                  RunSink sink) {
        int step = Math.max(1, minLength);
        int len = text.length();
        int prevEnd = from;
        int i = from + step - 1;
        while (i < len) {
            // Is text[i-step+1 .. i] all in the alphabet? Checked backwards: at the first miss j,
            // no long-enough run can start at or before j, so the next window ends at j + step.
            int lo = i - step + 1;
            int j = i;
            while (j >= lo && in(a, nonAscii, text.charAt(j))) {
                j--;
            }
            if (j >= lo) {
                i = j + step;
                continue;
            }
            int rs = lo;
            while (rs > prevEnd && in(a, nonAscii, text.charAt(rs - 1))) {
                rs--;
            }
            int re = i + 1;
            while (re < len && in(a, nonAscii, text.charAt(re))) {
                re++;
            }
            if (re - rs >= step && (minDigits == 0 || digits(text, rs, re) >= minDigits)) {
                sink.run(rs, re);
            }
            prevEnd = re;
            i = re + step;
        }
    }

    /** Hands detector d each run of its own alphabet inside [from, to) that is long enough and has enough digits. */
    private void findInSubRuns(String text, int from, int to, int d, MatchList out) {
        RegexShape shape = detectors[d].shape();
        boolean[] a = alphabets[d];
        boolean nonAscii = shape.alphabet().nonAscii();
        int i = from;
        while (i < to) {
            while (i < to && !in(a, nonAscii, text.charAt(i))) {
                i++;
            }
            int rs = i;
            int digits = 0;
            while (i < to && in(a, nonAscii, text.charAt(i))) {
                if ((char) (text.charAt(i) - '0') <= 9) {
                    digits++;
                }
                i++;
            }
            if (i - rs >= shape.minLength() && digits >= shape.minDigits()) {
                detectors[d].find(text, rs, i, out, d);
            }
        }
    }

    private static int digits(String text, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if ((char) (text.charAt(i) - '0') <= 9) {
                n++;
            }
        }
        return n;
    }

    private static Spans merge(MatchList m) {
        long[] order = new long[m.size];
        for (int i = 0; i < m.size; i++) {
            order[i] = ((long) m.starts[i] << 32) | i;
        }
        Arrays.sort(order);
        int[] starts = new int[m.size];
        int[] ends = new int[m.size];
        int[] dets = new int[m.size];
        int n = -1;
        int bestLen = 0;
        for (long o : order) {
            int i = (int) o;
            int s = m.starts[i];
            int e = m.ends[i];
            int d = m.detectors[i];
            int l = e - s;
            if (n >= 0 && s < ends[n]) {
                ends[n] = Math.max(ends[n], e);
                if (l > bestLen || (l == bestLen && d < dets[n])) {
                    dets[n] = d;
                    bestLen = l;
                }
            } else {
                n++;
                starts[n] = s;
                ends[n] = e;
                dets[n] = d;
                bestLen = l;
            }
        }
        return new Spans(starts, ends, dets, n + 1);
    }
}
