package io.agentsh.proxy.dlp;

import java.util.Map;

/**
 * Redacts text that arrives in chunks (an SSE stream, a pipe) without waiting for the end, and
 * still catches a secret split across chunks.
 *
 * <p>How much is held back: after each chunk, the text is released up to the earliest point
 * where a detector's alphabet run is still open at the end (a run ended by a character outside
 * the alphabet can no longer change), so normally only the last word or digit group waits. A
 * run that keeps growing is held for at most {@link DlpEngine#maxSecretLength()} characters
 * (default 4096); past that the head is released. Guarantee: every secret of at most that
 * length is found exactly as if the whole text had been scanned at once; a longer secret of an
 * unbounded pattern (such as {@code sk-[a-zA-Z0-9]{48,}}) in an unbroken run longer than the
 * cap may be cut where the release happens. Not thread-safe: one instance per stream.
 */
public final class StreamingRedactor {

    private final Redactor redactor;
    private final StringBuilder pending = new StringBuilder();
    private final Findings findings = new Findings();
    private char context;
    private boolean hasContext;
    private boolean blocked;

    StreamingRedactor(Redactor redactor) {
        this.redactor = redactor;
    }

    /** Takes the next chunk; returns the text that is safe to pass on now (possibly empty). */
    public String feed(CharSequence chunk) {
        if (!redactor.active()) {
            return chunk.toString();
        }
        pending.append(chunk);
        return release(false);
    }

    /** Ends the stream: returns everything still held back, redacted. */
    public String finish() {
        if (!redactor.active()) {
            return "";
        }
        return release(true);
    }

    /** True once block mode has seen a secret; the caller must cut the stream. */
    public boolean blocked() {
        return blocked;
    }

    public Map<String, Integer> counts() {
        return findings.counts();
    }

    private String release(boolean all) {
        if (pending.isEmpty()) {
            return "";
        }
        int from = hasContext ? 1 : 0;
        String s = hasContext ? context + pending.toString() : pending.toString();
        int len = s.length();
        DlpEngine engine = redactor.engine();
        int cut = len;
        if (!all) {
            cut = Math.max(engine.openRunStart(s, from), len - engine.maxSecretLength());
            if (cut <= from) {
                return "";
            }
        }
        Spans spans = redactor.scan(s, from);
        for (int i = 0; i < spans.size; i++) {
            if (spans.starts[i] < cut && spans.ends[i] > cut) {
                cut = spans.starts[i];   // never release half a secret
                break;
            }
        }
        if (cut <= from) {
            return "";
        }
        StringBuilder out = new StringBuilder(cut - from + 16);
        redactor.render(s, from, cut, spans, out, findings);
        if (redactor.mode() == DlpMode.BLOCK && !findings.isEmpty()) {
            blocked = true;
        }
        context = s.charAt(cut - 1);
        hasContext = true;
        pending.setLength(0);
        pending.append(s, cut, len);
        if (blocked) {
            return "";
        }
        return out.toString();
    }
}
