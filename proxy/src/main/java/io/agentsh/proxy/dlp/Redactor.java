package io.agentsh.proxy.dlp;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The DLP entry point for one session: a shared {@link DlpEngine}, the mode, and (for tokenize)
 * the session's token key. Thread-safe.
 *
 * <p>Use {@link #redactText} for text (command output, a string), {@link #redactBody} for an
 * HTTP body (JSON-aware), {@link #redactOutput} for raw process output (binary passes through),
 * {@link #newStream} for text arriving in pieces.
 */
public final class Redactor {

    private final DlpEngine engine;
    private final DlpMode mode;
    private final Tokenizer tokenizer;

    public Redactor(DlpEngine engine, DlpMode mode, Tokenizer tokenizer) {
        this.engine = engine;
        this.mode = mode;
        this.tokenizer = tokenizer;
    }

    /** A redactor with a fresh random token key (one per session). */
    public static Redactor forSession(DlpEngine engine, DlpMode mode) {
        return new Redactor(engine, mode, Tokenizer.withRandomKey());
    }

    /** Compiles settings into a redactor in one step; prefer sharing one engine across sessions. */
    public static Redactor create(DlpSettings settings) throws DlpConfigException {
        return forSession(DlpEngine.compile(settings), settings.mode());
    }

    public DlpMode mode() {
        return mode;
    }

    public DlpEngine engine() {
        return engine;
    }

    public boolean active() {
        return mode != DlpMode.DISABLED && engine.detectorCount() > 0;
    }

    /** Scans one text; in block mode the text comes back unchanged with {@code blocked} set. */
    public Redaction redactText(String text) {
        if (!active() || text.isEmpty()) {
            return Redaction.unchanged(text);
        }
        Spans spans = engine.scan(text, 0);
        if (spans.size == 0) {
            return Redaction.unchanged(text);
        }
        Findings f = new Findings();
        StringBuilder sb = new StringBuilder(text.length() + 16 * spans.size);
        render(text, 0, text.length(), spans, sb, f);
        boolean block = mode == DlpMode.BLOCK;
        return new Redaction(block ? text : sb.toString(), f.counts(), block);
    }

    /**
     * Scans process output. Output that is not valid UTF-8 or holds a NUL byte is treated as
     * binary and passed through untouched (the returned array is the argument itself). In block
     * mode output with a secret is replaced by one line naming the detectors.
     */
    public OutputRedaction redactOutput(byte[] output) {
        if (!active() || output.length == 0) {
            return new OutputRedaction(output, Redaction.unchanged(""), false);
        }
        String text = decodeStrictUtf8(output);
        if (text == null) {
            return new OutputRedaction(output, Redaction.unchanged(""), true);
        }
        Redaction r = redactText(text);
        if (r.blocked()) {
            // Fail closed for callers that only look at bytes(): the output is withheld, not passed on.
            return new OutputRedaction(("agentsh: output withheld, " + r.blockReason() + "\n").getBytes(StandardCharsets.UTF_8),
                    r, false);
        }
        byte[] bytes = r.text() == text ? output : r.text().getBytes(StandardCharsets.UTF_8);
        return new OutputRedaction(bytes, r, false);
    }

    /** Scans an HTTP body: JSON string values when it parses as JSON, else the whole body as text. */
    public BodyRedaction redactBody(byte[] body) {
        return JsonRedactor.redact(this, body);
    }

    /** A redactor for text that arrives in chunks (see {@link StreamingRedactor} for the bound). */
    public StreamingRedactor newStream() {
        return new StreamingRedactor(this);
    }

    Spans scan(String text, int from) {
        return engine.scan(text, from);
    }

    /**
     * Appends text[from, to) to sb with every span inside that range replaced according to the
     * mode (block mode renders redact-style; callers then discard the text), recording findings.
     */
    void render(String text, int from, int to, Spans spans, StringBuilder sb, Findings f) {
        int pos = from;
        for (int i = 0; i < spans.size; i++) {
            int s = spans.starts[i];
            int e = spans.ends[i];
            if (s < from) {
                continue;
            }
            if (e > to) {
                break;
            }
            int d = spans.detectors[i];
            String secret = text.substring(s, e);
            f.add(engine.name(d), secret);
            sb.append(text, pos, s);
            if (mode == DlpMode.TOKENIZE) {
                sb.append("[TOKEN:").append(engine.display(d)).append(':').append(tokenizer.token(secret)).append(']');
            } else {
                sb.append("[REDACTED:").append(engine.display(d)).append(']');
            }
            pos = e;
        }
        sb.append(text, pos, to);
    }

    /** Decodes UTF-8, or returns null for binary (malformed sequences or a NUL byte). */
    static String decodeStrictUtf8(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                return null;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
