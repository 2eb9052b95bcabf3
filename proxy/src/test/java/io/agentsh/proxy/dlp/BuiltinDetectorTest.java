package io.agentsh.proxy.dlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BuiltinDetectorTest {

    static Redactor only(BuiltinDetector b) throws DlpConfigException {
        return new Redactor(DlpEngine.compile(new DlpSettings(DlpMode.REDACT, EnumSet.of(b), List.of(), null)),
                DlpMode.REDACT, Tokenizer.withRandomKey());
    }

    static void assertRedacted(BuiltinDetector b, String secret) throws DlpConfigException {
        String text = "before " + secret + " after";
        Redaction r = only(b).redactText(text);
        assertEquals("before [REDACTED:" + b.typeName() + "] after", r.text(), "for " + secret);
        assertEquals(1, r.counts().get(b.typeName()));
    }

    static void assertClean(BuiltinDetector b, String text) throws DlpConfigException {
        Redaction r = only(b).redactText(text);
        assertFalse(r.found(), "unexpected " + b + " in '" + text + "' -> " + r.text());
        assertEquals(text, r.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice@example.com", "bob.smith+tag@mail.example.co.uk", "x_y%z-1@sub-domain.io", "A1@B2.cd"})
    void emailPositive(String s) throws Exception {
        assertRedacted(BuiltinDetector.EMAIL, s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"alice at example dot com", "@handle", "user@localhost", "a@b.c", "mail@example.1com", "@@@"})
    void emailNegative(String s) throws Exception {
        assertClean(BuiltinDetector.EMAIL, s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"555-123-4567", "(555) 123-4567", "+1 555 123 4567", "555.123.4567", "5551234567"})
    void phonePositive(String s) throws Exception {
        Redaction r = only(BuiltinDetector.PHONE).redactText("call " + s + " now");
        assertTrue(r.found(), s);
        assertFalse(r.text().contains("4567"), r.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"555-1234", "12 34 56", "version 1.2.3", "call me maybe", "555-12-345"})
    void phoneNegative(String s) throws Exception {
        assertClean(BuiltinDetector.PHONE, s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111", "378282246310005",
            "5555555555554444", "6011111111111117", "4222222222222"})
    void creditCardValidLuhn(String s) throws Exception {
        assertRedacted(BuiltinDetector.CREDIT_CARD, s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111111111111112", "4111 1111 1111 1113", "1234567890123", "12345678901234567890123",
            "order 41111111111111110000", "411111111111"})
    void creditCardInvalidLuhnOrShape(String s) throws Exception {
        assertClean(BuiltinDetector.CREDIT_CARD, s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"123-45-6789", "123 45 6789", "123456789"})
    void ssnPositive(String s) throws Exception {
        assertRedacted(BuiltinDetector.SSN, s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1234-56-789", "12-345-6789", "a123-45-6789", "123-45-67890", "123_45_6789"})
    void ssnNegative(String s) throws Exception {
        assertClean(BuiltinDetector.SSN, s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sk-abcdefghijklmnopqrstuvwxyz0123", "API_KEY1234567890abcdefghij", "secretABCDEFGHIJKLMNOPQRST",
            "token-0123456789abcdefghijXYZ", "SK_aaaaaaaaaaaaaaaaaaaaaaaa"})
    void apiKeyPositive(String s) throws Exception {
        assertRedacted(BuiltinDetector.API_KEYS, s);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sk-short123", "the secret is out", "tokenization", "api-0123456789abcdefghi", "skeleton key"})
    void apiKeyNegative(String s) throws Exception {
        assertClean(BuiltinDetector.API_KEYS, s);
    }
}
