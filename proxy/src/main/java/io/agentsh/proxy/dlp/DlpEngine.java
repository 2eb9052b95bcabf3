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
    private final int[] anchored;          // detector indices found via indexOf
    private final int[] passDetectors;     // detector indices tracked in the shared pass (<= 64)
    private final long[] passAlpha = new long[128];
    private final long passNonAscii;
    private final int maxSecretLength;
    private final int maxLookBehind;

    private DlpEngine(List<Detector> list, int maxSecretLength) {
        this.detectors = list.toArray(new Detector[0]);
        this.maxSecretLength = maxSecretLength;
        List<Integer> anchors = new ArrayList<>();
        List<Integer> pass = new ArrayList<>();
        for (int i = 0; i < detectors.length; i++) {
            if (anchorOf(detectors[i].shape()) != null) {
                anchors.add(i);
            } else {
                pass.add(i);
            }
        }
        // The shared pass uses one bit per detector; any beyond 64 are anchored on their runs too
        // (widening from every position is still linear per detector, just slower).
        while (pass.size() > 64) {
            anchors.add(pass.remove(pass.size() - 1));
        }
        this.anchored = anchors.stream().mapToInt(Integer::intValue).toArray();
        this.passDetectors = pass.stream().mapToInt(Integer::intValue).toArray();
        long nonAscii = 0;
        for (int b = 0; b < passDetectors.length; b++) {
            Alphabet a = detectors[passDetectors[b]].shape().alphabet();
            for (char c = 0; c < 128; c++) {
                if (a.contains(c)) {
                    passAlpha[c] |= 1L << b;
                }
            }
            if (a.nonAscii()) {
                nonAscii |= 1L << b;
            }
        }
        this.passNonAscii = nonAscii;
        int look = 0;
        for (Detector d : detectors) {
            look = Math.max(look, d.shape().bounded() ? d.shape().maxLength() : maxSecretLength);
        }
        this.maxLookBehind = Math.min(look, maxSecretLength);
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

    int maxLookBehind() {
        return maxLookBehind;
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
        int len = text.length();
        for (int idx : anchored) {
            scanAnchored(text, from, idx, out);
        }
        if (passDetectors.length > 0) {
            scanPass(text, from, out);
        }
        if (out.size == 0) {
            return Spans.NONE;
        }
        return merge(out, len);
    }

    private void scanAnchored(String text, int from, int idx, MatchList out) {
        Detector d = detectors[idx];
        RegexShape shape = d.shape();
        String anchor = anchorOf(shape);
        Alphabet a = shape.alphabet();
        int len = text.length();
        int pos = from;
        while (pos < len) {
            int q = anchor.length() == 1 ? text.indexOf(anchor.charAt(0), pos) : text.indexOf(anchor, pos);
            if (q < 0) {
                return;
            }
            int rs = q;
            while (rs > from && a.contains(text.charAt(rs - 1))) {
                rs--;
            }
            int re = q + anchor.length();
            while (re < len && a.contains(text.charAt(re))) {
                re++;
            }
            if (re - rs >= shape.minLength()) {
                d.find(text, rs, re, out, idx);
            }
            pos = Math.max(re, q + 1);
        }
    }

    private void scanPass(String text, int from, MatchList out) {
        int n = passDetectors.length;
        int[] runStart = new int[n];
        int[] digitsAtStart = new int[n];
        int[] minLen = new int[n];
        int[] minDigits = new int[n];
        for (int b = 0; b < n; b++) {
            RegexShape s = detectors[passDetectors[b]].shape();
            minLen[b] = s.minLength();
            minDigits[b] = s.minDigits();
        }
        long[] alpha = passAlpha;
        long nonAscii = passNonAscii;
        long open = 0;
        int digits = 0;
        int len = text.length();
        for (int i = from; i < len; i++) {
            char c = text.charAt(i);
            long m = c < 128 ? alpha[c] : nonAscii;
            long changed = open ^ m;
            if (changed != 0) {
                long ended = open & changed;
                while (ended != 0) {
                    int b = Long.numberOfTrailingZeros(ended);
                    ended &= ended - 1;
                    if (i - runStart[b] >= minLen[b] && digits - digitsAtStart[b] >= minDigits[b]) {
                        detectors[passDetectors[b]].find(text, runStart[b], i, out, passDetectors[b]);
                    }
                }
                long started = m & changed;
                while (started != 0) {
                    int b = Long.numberOfTrailingZeros(started);
                    started &= started - 1;
                    runStart[b] = i;
                    digitsAtStart[b] = digits;
                }
                open = m;
            }
            if ((char) (c - '0') <= 9) {
                digits++;
            }
        }
        while (open != 0) {
            int b = Long.numberOfTrailingZeros(open);
            open &= open - 1;
            if (len - runStart[b] >= minLen[b] && digits - digitsAtStart[b] >= minDigits[b]) {
                detectors[passDetectors[b]].find(text, runStart[b], len, out, passDetectors[b]);
            }
        }
    }

    private static Spans merge(MatchList m, int len) {
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
