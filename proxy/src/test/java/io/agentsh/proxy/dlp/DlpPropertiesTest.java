package io.agentsh.proxy.dlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.EnumSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class DlpPropertiesTest {

    /** Characters that exercise every built-in and compat pattern: digits, separators, letters, prefixes. */
    @Provide
    Arbitrary<String> noisyText() {
        Arbitrary<String> atoms = Arbitraries.of("a", "b", "Z", "0", "1", "4", "5", "9", " ", "-", ".", "_", "@", "(", ")",
                "+1", "\n", "é", "sk", "sk-", "key", "AKIA", "ghp_", "eyJ", ".com", "x", "42424242", "4111111111111111",
                "555-123-4567", "123-45-6789", "mail@example.org", "ABCDEFGHIJKLMNOPQRSTUV", "0123456789", "\"");
        return atoms.list().ofMaxSize(60).map(l -> String.join("", l));
    }

    static Redactor single(BuiltinDetector b) throws DlpConfigException {
        return BuiltinDetectorTest.only(b);
    }

    /** The run-and-anchor scanner finds exactly what re2j finds over the whole text. */
    @Property(tries = 400)
    void scannerAgreesWithPlainRe2j(@ForAll("noisyText") String text) throws Exception {
        for (BuiltinDetector b : List.of(BuiltinDetector.EMAIL, BuiltinDetector.PHONE, BuiltinDetector.SSN,
                BuiltinDetector.API_KEYS)) {
            String expected = Pattern.compile(b.regex()).matcher(text).replaceAll("[REDACTED:" + b.typeName() + "]");
            assertEquals(expected, single(b).redactText(text).text(), b + " on '" + text + "'");
        }
    }

    @Property(tries = 200)
    void customPatternsAgreeWithPlainRe2j(@ForAll("noisyText") String text) throws Exception {
        List<CustomPattern> patterns = CompatCustomPatternsTest.customPatterns(
                CompatCustomPatternsTest.COMPAT.resolve("runloop/config.yaml"));
        for (CustomPattern p : patterns) {
            String input = text + CompatCustomPatternsTest.SAMPLES.get(p.name()) + text;
            Redactor r = new Redactor(DlpEngine.compile(new DlpSettings(DlpMode.REDACT, EnumSet.of(BuiltinDetector.EMAIL),
                    List.of(p), null)), DlpMode.REDACT, Tokenizer.withRandomKey());
            String viaEngine = r.redactText(input).text();
            String expected = Pattern.compile(p.regex()).matcher(input).replaceAll("[REDACTED:" + p.display() + "]");
            // The e-mail built-in is on too; only compare when no '@' can interfere.
            if (!input.contains("@")) {
                assertEquals(expected, viaEngine, p.name());
            }
        }
    }

    /** Card numbers: every redacted span is 13-19 digits passing Luhn; every embedded valid card is caught. */
    @Property(tries = 300)
    void creditCardsAreLuhnChecked(@ForAll("noisyText") String noise, @ForAll("luhnCard") String card) throws Exception {
        String text = noise + " " + card + " " + noise;
        Redactor r = single(BuiltinDetector.CREDIT_CARD);
        String out = r.redactText(text).text();
        assertTrue(!out.contains(card), out);
        Spans spans = r.engine().scan(noise, 0);
        for (int i = 0; i < spans.size; i++) {
            String digits = noise.substring(spans.starts[i], spans.ends[i]).replaceAll("[ -]", "");
            int[] d = digits.chars().map(c -> c - '0').toArray();
            assertTrue(d.length >= 13 && d.length <= 19 && CreditCardDetector.luhn(d, d.length), digits);
        }
    }

    @Provide
    Arbitrary<String> luhnCard() {
        return Arbitraries.strings().numeric().ofMinLength(12).ofMaxLength(18).map(DlpPropertiesTest::withCheckDigit);
    }

    static String withCheckDigit(String body) {
        for (int c = 0; c <= 9; c++) {
            String s = body + c;
            int[] d = s.chars().map(x -> x - '0').toArray();
            if (CreditCardDetector.luhn(d, d.length)) {
                return s;
            }
        }
        throw new IllegalStateException();
    }

    /** Splitting the text at any point gives the same result as scanning it whole. */
    @Property(tries = 150)
    void streamingEqualsWholeAtEverySplit(@ForAll("noisyText") String text) throws Exception {
        Redactor r = Redactor.create(new DlpSettings(DlpMode.REDACT, null,
                CompatCustomPatternsTest.customPatterns(CompatCustomPatternsTest.COMPAT.resolve("exe.dev/config.yaml")), null));
        String whole = r.redactText(text).text();
        for (int split = 0; split <= text.length(); split++) {
            StreamingRedactor s = r.newStream();
            String out = s.feed(text.substring(0, split)) + s.feed(text.substring(split)) + s.finish();
            assertEquals(whole, out, "split at " + split + " of '" + text + "'");
        }
    }

    /** Feeding one char at a time also equals the whole. */
    @Property(tries = 100)
    void streamingCharByChar(@ForAll("noisyText") String text) throws Exception {
        Redactor r = Redactor.create(DlpSettings.defaults());
        StreamingRedactor s = r.newStream();
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length(); i++) {
            out.append(s.feed(text.substring(i, i + 1)));
        }
        out.append(s.finish());
        assertEquals(r.redactText(text).text(), out.toString());
    }

    /** What the analyzer claims about a pattern holds for every match re2j finds. */
    @Property(tries = 300)
    void analyzerShapeIsSound(@ForAll("noisyText") String text, @ForAll("regexes") String regex) {
        RegexShape shape = RegexAnalyzer.analyze(regex);
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            String g = m.group();
            if (g.isEmpty()) {
                continue;
            }
            assertTrue(g.length() >= shape.minLength() && g.length() <= shape.maxLength(), regex + " len " + g);
            assertTrue(g.startsWith(shape.prefix()), regex + " prefix " + shape.prefix() + " vs " + g);
            assertTrue(g.chars().filter(c -> c >= '0' && c <= '9').count() >= shape.minDigits(), regex + " digits " + g);
            for (int i = 0; i < g.length(); i++) {
                assertTrue(shape.alphabet().contains(g.charAt(i)), regex + " alphabet misses '" + g.charAt(i) + "'");
            }
        }
    }

    @Provide
    Arbitrary<String> regexes() {
        Arbitrary<String> builtins = Arbitraries.of(BuiltinDetector.values()).map(BuiltinDetector::regex);
        Arbitrary<String> extra = Arbitraries.of("sk-[a-zA-Z0-9]{48,}", "(?i)ab|c[^x]d", "a.b", "[[:digit:]]+x",
                "\\Qa.b\\E+", "(?i:key)_\\w{3}", "x{2,3}y?", "[^ ]+@", "\\x41\\d\\D", "(?P<n>AKIA)[0-9A-Z]{4}",
                "-----BEGIN [A-Z]+ PRIVATE KEY-----", "\\bfoo\\b|bar", "[a\\-z]", "(?s).{2}");
        return Arbitraries.oneOf(builtins, extra);
    }

    @Property(tries = 50)
    void tokensAreStablePerSessionAndDifferAcrossSessions(@ForAll("luhnCard") String card) throws Exception {
        DlpEngine engine = DlpEngine.compile(DlpSettings.defaults());
        Redactor a = Redactor.forSession(engine, DlpMode.TOKENIZE);
        Redactor b = Redactor.forSession(engine, DlpMode.TOKENIZE);
        String text = "pay with " + "sk-" + card + "abcdefghijklmnopqrstuv";
        String t1 = a.redactText(text).text();
        assertEquals(t1, a.redactText(text).text());
        assertTrue(t1.matches("pay with \\[TOKEN:api_key:[0-9a-f]{16}\\]"), t1);
        assertTrue(!t1.equals(b.redactText(text).text()));
    }

}
