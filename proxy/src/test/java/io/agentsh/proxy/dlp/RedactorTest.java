package io.agentsh.proxy.dlp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedactorTest {

    static final String OPENAI = "sk-proj" + "AbCdEfGhIj0123456789".repeat(3);
    static final String AWS = "AKIAIOSFODNN7EXAMPLE";
    static final String CARD = "4111 1111 1111 1111";

    static Redactor exeDev(DlpMode mode) throws Exception {
        List<CustomPattern> custom = CompatCustomPatternsTest.customPatterns(
                CompatCustomPatternsTest.COMPAT.resolve("exe.dev/config.yaml"));
        return Redactor.forSession(DlpEngine.compile(new DlpSettings(mode, null, custom, null)), mode);
    }

    @Test
    void redactsMixedSecretsAndCountsDistinctOnes() throws Exception {
        Redaction r = exeDev(DlpMode.REDACT).redactText(
                "key " + AWS + " and " + AWS + ", mail bob@example.com, card " + CARD + ".");
        assertEquals("key [REDACTED:AWS_KEY] and [REDACTED:AWS_KEY], mail [REDACTED:email], card [REDACTED:credit_card].",
                r.text());
        assertEquals(1, r.counts().get("aws_access_key"));
        assertEquals(1, r.counts().get("email"));
        assertEquals(1, r.counts().get("credit_card"));
        assertFalse(r.blocked());
    }

    @Test
    void overlappingDetectorsLeaveNothingOfTheSecret() throws Exception {
        // api_key would match only "api03...": the longer anthropic match wins and covers all of it.
        String key = "sk-ant-api03-" + "abcDEF123-".repeat(10);
        Redaction r = exeDev(DlpMode.REDACT).redactText("k=" + key);
        assertEquals("k=[REDACTED:ANTHROPIC_KEY]", r.text());
    }

    @Test
    void blockModeNamesTheDetectorAndKeepsText() throws Exception {
        Redaction r = exeDev(DlpMode.BLOCK).redactText("here: " + AWS);
        assertTrue(r.blocked());
        assertEquals("here: " + AWS, r.text());
        assertEquals("blocked by DLP: aws_access_key (1)", r.blockReason());
        assertFalse(exeDev(DlpMode.BLOCK).redactText("nothing here").blocked());
        OutputRedaction o = exeDev(DlpMode.BLOCK).redactOutput(("id " + AWS + "\n").getBytes(StandardCharsets.UTF_8));
        assertEquals("agentsh: output withheld, blocked by DLP: aws_access_key (1)\n", new String(o.bytes(), StandardCharsets.UTF_8));
        assertTrue(o.redaction().blocked());
    }

    @Test
    void disabledModeScansNothing() throws Exception {
        Redaction r = exeDev(DlpMode.DISABLED).redactText(AWS);
        assertEquals(AWS, r.text());
        assertFalse(r.found());
    }

    @Test
    void cleanTextIsReturnedAsIs() throws Exception {
        String s = "nothing secret at all, 42 apples";
        assertSame(s, exeDev(DlpMode.REDACT).redactText(s).text());
    }

    @Test
    void invalidCustomRegexIsAnErrorNamingThePattern() {
        var e = assertThrows(DlpConfigException.class, () -> DlpEngine.compile(new DlpSettings(DlpMode.REDACT, null,
                List.of(new CustomPattern("broken", null, "abc(")), null)));
        assertTrue(e.getMessage().contains("broken"), e.getMessage());
    }

    @Test
    void unknownModeIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> DlpMode.parse("redcat"));
        assertEquals(DlpMode.TOKENIZE, DlpMode.parse("tokenize"));
    }

    @Test
    void jsonBodyRedactsStringValuesOnlyWithFieldPaths() throws Exception {
        String body = "{\"model\":\"claude\",\"max_tokens\":1.50e3,\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"my key " + OPENAI + "\"},{\"type\":\"text\",\"text\":\"" + AWS + "\"}]}],"
                + "\"nested\":[[\"" + CARD + "\", 7, null, true]],\"bob@example.com\":\"key stays\"}";
        BodyRedaction r = exeDev(DlpMode.REDACT).redactBody(body.getBytes(StandardCharsets.UTF_8));
        assertTrue(r.changed());
        JsonNode n = new ObjectMapper().readTree(r.body());
        assertEquals("my key [REDACTED:api_key]", n.at("/messages/0/content/0/text").asText());
        assertEquals("[REDACTED:AWS_KEY]", n.at("/messages/0/content/1/text").asText());
        assertEquals("[REDACTED:credit_card]", n.at("/nested/0/0").asText());
        assertEquals(7, n.at("/nested/0/1").asInt());
        assertTrue(n.has("bob@example.com"), "keys are not scanned");
        assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("\"max_tokens\":1.50e3"), "numbers keep their text");
        assertTrue(r.redactions().contains(new FieldRedaction("messages[0].content[0].text", "api_key", 1)), r.redactions().toString());
        assertTrue(r.redactions().contains(new FieldRedaction("messages[0].content[1].text", "aws_access_key", 1)));
        assertTrue(r.redactions().contains(new FieldRedaction("nested[0][0]", "credit_card", 1)));
    }

    @Test
    void cleanJsonIsForwardedByteForByte() throws Exception {
        byte[] body = "{ \"a\" : [1, 2.0, \"x\"] }".getBytes(StandardCharsets.UTF_8);
        BodyRedaction r = exeDev(DlpMode.REDACT).redactBody(body);
        assertSame(body, r.body());
        assertFalse(r.changed());
    }

    @Test
    void nonJsonBodyIsScannedAsText() throws Exception {
        BodyRedaction r = exeDev(DlpMode.REDACT).redactBody(("{broken " + AWS).getBytes(StandardCharsets.UTF_8));
        assertEquals("{broken [REDACTED:AWS_KEY]", new String(r.body(), StandardCharsets.UTF_8));
        assertEquals(List.of(new FieldRedaction("", "aws_access_key", 1)), r.redactions());
    }

    @Test
    void binaryOutputPassesUntouched() throws Exception {
        Redactor red = exeDev(DlpMode.REDACT);
        byte[] withNul = ("x\0" + AWS).getBytes(StandardCharsets.UTF_8);
        OutputRedaction o = red.redactOutput(withNul);
        assertSame(withNul, o.bytes());
        assertTrue(o.binary());
        byte[] badUtf8 = new byte[] {'A', 'K', 'I', 'A', (byte) 0xff, 'x'};
        assertTrue(red.redactOutput(badUtf8).binary());
        OutputRedaction text = red.redactOutput(("id " + AWS + "\n").getBytes(StandardCharsets.UTF_8));
        assertFalse(text.binary());
        assertArrayEquals("id [REDACTED:AWS_KEY]\n".getBytes(StandardCharsets.UTF_8), text.bytes());
    }

    @Test
    void streamHoldsBackOnlyTheOpenTail() throws Exception {
        StreamingRedactor s = exeDev(DlpMode.REDACT).newStream();
        assertEquals("hello ", s.feed("hello wor"));
        // the space may still start a private-key header ("-----BEGIN ..." allows spaces and capitals)
        assertEquals("world, the key is", s.feed("ld, the key is AKIAIOSF"));
        assertEquals(" ", s.feed("ODNN7EXAMPL"));
        assertEquals("[REDACTED:AWS_KEY] ", s.feed("E ok"));
        assertEquals("ok", s.finish());
        assertEquals(1, s.counts().get("aws_access_key"));
    }

    @Test
    void streamReleasesAnEndlessRunAfterTheCap() throws Exception {
        Redactor r = Redactor.forSession(DlpEngine.compile(DlpSettings.defaults(), 64), DlpMode.REDACT);
        StreamingRedactor s = r.newStream();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            out.append(s.feed("abcdefghij"));
        }
        assertTrue(out.length() >= 1000 - 64, "released " + out.length());
        out.append(s.finish());
        assertEquals("abcdefghij".repeat(100), out.toString());
    }

    /** Inputs that make a backtracking engine go quadratic or worse finish in linear time here. */
    @Test
    void pathologicalInputsRunInLinearTime() throws Exception {
        Redactor r = exeDev(DlpMode.REDACT);
        List<String> inputs = List.of(
                "a".repeat(1 << 20) + "@",
                "a@".repeat(1 << 19),
                "1 ".repeat(1 << 19),
                "1".repeat(1 << 20),
                "sk-".repeat(350_000),
                "eyJ".repeat(350_000) + ".",
                "eyJa.".repeat(200_000),
                "token".repeat(200_000),
                "(555) ".repeat(170_000),
                "-".repeat(1 << 20));
        for (String in : inputs) {
            long t0 = System.nanoTime();
            r.redactText(in);
            r.redactBody(("{\"a\":\"" + in + "\"}").getBytes(StandardCharsets.UTF_8));
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            // A backtracking engine needs hours on these; linear matching needs well under a second.
            assertTrue(took.toSeconds() < 20, in.substring(0, 8) + "... took " + took);
        }
    }
}
