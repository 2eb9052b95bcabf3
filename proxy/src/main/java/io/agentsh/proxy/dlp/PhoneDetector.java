package io.agentsh.proxy.dlp;

import static io.agentsh.proxy.dlp.DigitGroups.digits;
import static io.agentsh.proxy.dlp.DigitGroups.optional;

/**
 * The reference's {@code (?:\+1)?[-.\s]?\(?\d{3}\)?[-.\s]?\d{3}[-.\s]?\d{4}}, hand-coded as a
 * {@link DigitGroups} sequence (six greedy optional parts around three digit groups).
 */
record PhoneDetector(String name, String display, RegexShape shape) implements Detector {

    static final String PATTERN = "(?:\\+1)?[-.\\s]?\\(?\\d{3}\\)?[-.\\s]?\\d{3}[-.\\s]?\\d{4}";

    private static final DigitGroups MATCHER = new DigitGroups(false,
            optional("+1"), optional(Ascii::isPhoneSep), optional("("), digits(3),
            optional(")"), optional(Ascii::isPhoneSep), digits(3),
            optional(Ascii::isPhoneSep), digits(4));

    PhoneDetector() {
        this("phone", "phone", RegexAnalyzer.analyze(PATTERN));
    }

    @Override
    public void find(String text, int from, int to, MatchList out, int index) {
        MATCHER.find(text, from, to, out, index);
    }
}
