package io.agentsh.proxy.dlp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** JSON-aware redaction keeps the document's structure and changes exactly the string values with secrets. */
class JsonRedactionPropertiesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Redactor REDACTOR;

    static {
        try {
            REDACTOR = Redactor.create(new DlpSettings(DlpMode.REDACT, null,
                    CompatCustomPatternsTest.customPatterns(CompatCustomPatternsTest.COMPAT.resolve("exe.dev/config.yaml")), null));
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @Provide
    Arbitrary<String> documents() {
        return node(4);
    }

    private Arbitrary<String> node(int depth) {
        Arbitrary<String> strings = Arbitraries.of("plain", "mail bob@example.com", "AKIAIOSFODNN7EXAMPLE", "4111 1111 1111 1111",
                        "sk-" + "x1".repeat(30), "line\nbreak \"quoted\" \\ é ✓", "")
                .list().ofMaxSize(3).map(l -> quote(String.join(" ", l)));
        Arbitrary<String> scalars = Arbitraries.oneOf(strings, Arbitraries.of("0", "-12", "1.50e3", "3.14159", "true", "false", "null",
                "12345678901234567890"));
        if (depth == 0) {
            return scalars;
        }
        Arbitrary<String> arrays = node(depth - 1).list().ofMaxSize(4).map(l -> "[" + String.join(",", l) + "]");
        Arbitrary<String> objects = node(depth - 1).list().ofMaxSize(4).map(l -> {
            StringBuilder sb = new StringBuilder("{");
            for (int i = 0; i < l.size(); i++) {
                sb.append(i == 0 ? "" : ",").append(quote(i % 2 == 0 ? "k" + i : "bob@example.com" + i)).append(':').append(l.get(i));
            }
            return sb.append('}').toString();
        });
        return Arbitraries.oneOf(scalars, arrays, objects);
    }

    private static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Property(tries = 300)
    void structureIsKeptAndOnlySecretStringsChange(@ForAll("documents") String doc) throws Exception {
        BodyRedaction r = REDACTOR.redactBody(doc.getBytes(StandardCharsets.UTF_8));
        JsonNode before = JSON.readTree(doc);
        JsonNode after = JSON.readTree(r.body());
        same(before, after, "$");
        if (!r.changed()) {
            assertEquals(doc, new String(r.body(), StandardCharsets.UTF_8), "clean documents pass byte for byte");
        }
    }

    private static void same(JsonNode a, JsonNode b, String path) {
        assertEquals(a.getNodeType(), b.getNodeType(), path);
        if (a.isTextual()) {
            assertEquals(REDACTOR.redactText(a.asText()).text(), b.asText(), path);
        } else if (a.isNumber()) {
            assertEquals(a.decimalValue().compareTo(b.decimalValue()), 0, path + " " + a + " vs " + b);
        } else if (a.isArray()) {
            assertEquals(a.size(), b.size(), path);
            for (int i = 0; i < a.size(); i++) {
                same(a.get(i), b.get(i), path + "[" + i + "]");
            }
        } else if (a.isObject()) {
            List<String> ka = iter(a.fieldNames());
            assertEquals(ka, iter(b.fieldNames()), path + " keys (order and spelling) are untouched");
            for (String k : ka) {
                same(a.get(k), b.get(k), path + "." + k);
            }
        } else {
            assertEquals(a, b, path);
        }
    }

    private static List<String> iter(Iterator<String> it) {
        List<String> l = new java.util.ArrayList<>();
        it.forEachRemaining(l::add);
        return l;
    }

}
