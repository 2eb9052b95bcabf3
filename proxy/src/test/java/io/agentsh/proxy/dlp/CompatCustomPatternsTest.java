package io.agentsh.proxy.dlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Every dlp.custom_patterns entry of every config in compat/ compiles and catches a real-looking sample. */
class CompatCustomPatternsTest {

    static final Path COMPAT = Path.of(System.getProperty("agentsh.compat", "/work/shared/compat"));

    /** A sample secret per custom pattern name used in compat/. */
    static final Map<String, String> SAMPLES = Map.of(
            "openai_key", "sk-" + "a1B2c3D4e5".repeat(5),
            "anthropic_key", "sk-ant-api03-" + "Zx9-Yw8Vu7".repeat(10),
            "aws_access_key", "AKIAIOSFODNN7EXAMPLE",
            "github_pat", "ghp_" + "abcdefABCDEF012345".repeat(2),
            "github_oauth", "gho_" + "abcdefABCDEF012345".repeat(2),
            "jwt_token", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "private_key", "-----BEGIN RSA PRIVATE KEY-----",
            "slack_token", "xoxb-1234567890-1234567890123-abcdefghijABCDEFGHIJ1234",
            "runloop_key", "rl_" + "Q".repeat(16) + "0123456789abcdef");

    static List<Path> configs() throws IOException {
        try (Stream<Path> s = Files.walk(COMPAT)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
    }

    @SuppressWarnings("unchecked")
    static List<CustomPattern> customPatterns(Path config) throws IOException {
        Object doc = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(config));
        if (!(doc instanceof Map<?, ?> root) || !(root.get("dlp") instanceof Map<?, ?> dlp)) {
            return List.of();
        }
        List<CustomPattern> out = new ArrayList<>();
        Object list = dlp.get("custom_patterns");
        if (list instanceof List<?> l) {
            for (Object o : l) {
                Map<String, Object> m = (Map<String, Object>) o;
                out.add(new CustomPattern((String) m.get("name"), (String) m.get("display"), (String) m.get("regex")));
            }
        }
        return out;
    }

    @Test
    void everyCompatCustomPatternCatchesItsSample() throws Exception {
        int checked = 0;
        for (Path config : configs()) {
            List<CustomPattern> patterns = customPatterns(config);
            if (patterns.isEmpty()) {
                continue;
            }
            Redactor all = new Redactor(DlpEngine.compile(new DlpSettings(DlpMode.REDACT, null, patterns, null)),
                    DlpMode.REDACT, Tokenizer.withRandomKey());
            for (CustomPattern p : patterns) {
                String sample = SAMPLES.get(p.name());
                assertNotNull(sample, "no sample for custom pattern " + p.name() + " of " + config);
                // Alone, the pattern itself must catch it under its own label.
                Redactor one = new Redactor(DlpEngine.compile(new DlpSettings(DlpMode.REDACT,
                        java.util.EnumSet.of(BuiltinDetector.EMAIL), List.of(p), null)), DlpMode.REDACT,
                        Tokenizer.withRandomKey());
                Redaction r = one.redactText("key: " + sample + " end");
                assertEquals("key: [REDACTED:" + p.display() + "] end", r.text(), config + " " + p.name());
                // With everything on, no character of the secret survives.
                Redaction r2 = all.redactText("key: " + sample + " end");
                assertFalse(r2.text().contains(sample.substring(sample.length() - 6)), config + " " + p.name() + ": " + r2.text());
                assertTrue(r2.text().startsWith("key: [REDACTED:"), r2.text());
                checked++;
            }
        }
        assertTrue(checked >= 17, "expected the custom patterns of deno, exe.dev and runloop; checked " + checked);
    }

    @Test
    void compatPatternsAreAnchoredAndBoundedEnoughForTheFastPath() throws Exception {
        for (Path config : configs()) {
            for (CustomPattern p : customPatterns(config)) {
                RegexShape shape = RegexAnalyzer.analyze(p.regex());
                assertFalse(shape.textAnchored(), p.name());
                assertTrue(shape.prefix().length() >= 3, p.name() + " prefix " + shape.prefix());
                assertFalse(shape.alphabet().isAll(), p.name());
            }
        }
    }
}
