package io.agentsh.core.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The daemon's one JSON mapper: compact, tolerant of unknown request keys (as Go's decoder is). */
public final class Json {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    static {
        MAPPER.getFactory().setCharacterEscapes(new GoEscapes());
    }

    /** Go's json.MarshalIndent(v, "", "  "): two-space indent, "key": value, empty [] and {}. */
    private static final com.fasterxml.jackson.core.util.DefaultPrettyPrinter INDENT;

    static {
        com.fasterxml.jackson.core.util.DefaultIndenter nl =
                new com.fasterxml.jackson.core.util.DefaultIndenter("  ", "\n");
        com.fasterxml.jackson.core.util.Separators seps = com.fasterxml.jackson.core.util.Separators
                .createDefaultInstance()
                .withObjectFieldValueSpacing(com.fasterxml.jackson.core.util.Separators.Spacing.AFTER)
                .withArrayEmptySeparator("")
                .withObjectEmptySeparator("");
        INDENT = new com.fasterxml.jackson.core.util.DefaultPrettyPrinter(seps)
                .withObjectIndenter(nl).withArrayIndenter(nl);
    }

    /** JSON print as the reference CLI does (printJSON): indented, followed by a newline. */
    public static String indent(Object value) {
        try {
            return MAPPER.writer(INDENT).writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    private Json() {}

    /** Compact JSON followed by a newline, as Go's json.Encoder writes it. */
    public static byte[] encodeLine(Object value) {
        try {
            byte[] body = MAPPER.writeValueAsBytes(value);
            byte[] out = new byte[body.length + 1];
            System.arraycopy(body, 0, out, 0, body.length);
            out[body.length] = '\n';
            return out;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }

    public static String encode(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode " + value.getClass().getSimpleName(), e);
        }
    }
}
