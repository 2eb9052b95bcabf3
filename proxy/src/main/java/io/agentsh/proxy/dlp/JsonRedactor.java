package io.agentsh.proxy.dlp;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON-aware body redaction: only string values are scanned and rewritten; keys, numbers and
 * structure pass through exactly (numbers keep their text). A first streaming pass finds the
 * secrets; only if there are any is the document regenerated, so clean bodies are forwarded
 * byte for byte. A body that is not JSON is scanned as one text (field path ""); one that is not
 * UTF-8 is scanned byte-wise (ISO-8859-1 view, as the reference's Go regexps do).
 */
final class JsonRedactor {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private JsonRedactor() {
    }

    static BodyRedaction redact(Redactor redactor, byte[] body) {
        if (!redactor.active() || body.length == 0) {
            return new BodyRedaction(body, List.of(), false, false);
        }
        try {
            return redactJson(redactor, body);
        } catch (IOException notJson) {
            return redactPlain(redactor, body);
        }
    }

    private static BodyRedaction redactJson(Redactor redactor, byte[] body) throws IOException {
        Map<Integer, String> replacements = new HashMap<>();
        List<FieldRedaction> found = new ArrayList<>();
        int tokens = 0;
        try (JsonParser p = FACTORY.createParser(body)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t == JsonToken.VALUE_STRING) {
                    String s = p.getText();
                    Spans spans = redactor.scan(s, 0);
                    if (spans.size > 0) {
                        Findings f = new Findings();
                        StringBuilder sb = new StringBuilder(s.length() + 32);
                        redactor.render(s, 0, s.length(), spans, sb, f);
                        replacements.put(tokens, sb.toString());
                        String field = path(p.getParsingContext());
                        f.counts().forEach((type, n) -> found.add(new FieldRedaction(field, type, n)));
                    }
                }
                tokens++;
            }
        }
        if (replacements.isEmpty()) {
            return new BodyRedaction(body, List.of(), false, false);
        }
        if (redactor.mode() == DlpMode.BLOCK) {
            return new BodyRedaction(body, found, false, true);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        try (JsonParser p = FACTORY.createParser(body); JsonGenerator g = FACTORY.createGenerator(out)) {
            int i = 0;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                String r = replacements.get(i);
                if (r != null) {
                    g.writeString(r);
                } else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                    g.writeNumber(p.getText());   // the number's own text, not a re-rendered double
                } else {
                    g.copyCurrentEventExact(p);
                }
                i++;
            }
        }
        return new BodyRedaction(out.toByteArray(), found, true, false);
    }

    /** The reference's field path: {@code key} at the root, {@code .key} below it, {@code [i]} in arrays. */
    static String path(JsonStreamContext ctx) {
        if (ctx == null || ctx.inRoot()) {
            return "";
        }
        String parent = path(ctx.getParent());
        if (ctx.inArray()) {
            return parent + "[" + ctx.getCurrentIndex() + "]";
        }
        String name = ctx.getCurrentName() == null ? "" : ctx.getCurrentName();
        return parent.isEmpty() ? name : parent + "." + name;
    }

    private static BodyRedaction redactPlain(Redactor redactor, byte[] body) {
        String text = Redactor.decodeStrictUtf8(body);
        boolean utf8 = text != null;
        if (!utf8) {
            text = new String(body, StandardCharsets.ISO_8859_1);
        }
        Redaction r = redactor.redactText(text);
        if (!r.found()) {
            return new BodyRedaction(body, List.of(), false, false);
        }
        List<FieldRedaction> found = new ArrayList<>();
        r.counts().forEach((type, n) -> found.add(new FieldRedaction("", type, n)));
        if (r.blocked()) {
            return new BodyRedaction(body, found, false, true);
        }
        byte[] out = r.text().getBytes(utf8 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        return new BodyRedaction(out, found, true, false);
    }
}
