package io.agentsh.proxy.dlp;

import static io.agentsh.proxy.dlp.DigitGroups.digits;
import static io.agentsh.proxy.dlp.DigitGroups.noWordAfter;
import static io.agentsh.proxy.dlp.DigitGroups.optional;

/**
 * The reference's {@code \b\d{3}[-\s]?\d{2}[-\s]?\d{4}\b}, hand-coded as a {@link DigitGroups}
 * sequence: three digit groups, two greedy optional separators, word boundaries at both ends.
 */
record SsnDetector(String name, String display, RegexShape shape) implements Detector {

    static final String PATTERN = "\\b\\d{3}[-\\s]?\\d{2}[-\\s]?\\d{4}\\b";

    private static final DigitGroups MATCHER = new DigitGroups(true,
            digits(3), optional(Ascii::isSsnSep), digits(2), optional(Ascii::isSsnSep), digits(4), noWordAfter());

    SsnDetector() {
        this("ssn", "ssn", RegexAnalyzer.analyze(PATTERN));
    }

    @Override
    public void find(String text, int from, int to, MatchList out, int index) {
        MATCHER.find(text, from, to, out, index);
    }
}
