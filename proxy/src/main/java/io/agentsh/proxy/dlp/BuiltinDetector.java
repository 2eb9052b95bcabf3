package io.agentsh.proxy.dlp;

import java.util.Locale;

/**
 * The five built-in detectors, in the reference's fixed order, with its exact patterns (RE2
 * syntax: \d, \s and \b are ASCII-only, as in Go). {@code configKey} is the key under
 * {@code dlp.patterns}; {@code typeName} is what logs and placeholders show.
 */
public enum BuiltinDetector {
    EMAIL("email", "email", EmailDetector.PATTERN),
    PHONE("phone", "phone", PhoneDetector.PATTERN),
    CREDIT_CARD("credit_card", "credit_card", CreditCardDetector.PATTERN),
    SSN("ssn", "ssn", SsnDetector.PATTERN),
    API_KEYS("api_keys", "api_key", ApiKeyDetector.PATTERN);

    private final String configKey;
    private final String typeName;
    private final String regex;

    BuiltinDetector(String configKey, String typeName, String regex) {
        this.configKey = configKey;
        this.typeName = typeName;
        this.regex = regex;
    }

    public String configKey() {
        return configKey;
    }

    public String typeName() {
        return typeName;
    }

    public String regex() {
        return regex;
    }

    public static BuiltinDetector fromConfigKey(String key) {
        for (BuiltinDetector b : values()) {
            if (b.configKey.equals(key.toLowerCase(Locale.ROOT))) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown dlp.patterns key '" + key
                + "' (expected email, phone, credit_card, ssn, api_keys)");
    }

    Detector detector() {
        return switch (this) {
            case API_KEYS -> new ApiKeyDetector();
            case EMAIL -> new EmailDetector();
            case PHONE -> new PhoneDetector();
            case SSN -> new SsnDetector();
            case CREDIT_CARD -> new CreditCardDetector();
        };
    }
}
