package io.agentsh.proxy.dlp;

/**
 * One kind of secret. {@code name} is the internal type recorded in logs and events,
 * {@code display} the label shown in place of the secret.
 */
sealed interface Detector permits RegexDetector, CreditCardDetector, ApiKeyDetector, EmailDetector, PhoneDetector, SsnDetector {

    String name();

    String display();

    RegexShape shape();

    /**
     * Adds to {@code out} (tagged with {@code index}) every match lying in {@code text[from, to)},
     * leftmost-first and non-overlapping. Characters just outside the range are context only
     * (for word boundaries). Runs in time linear in {@code to - from}.
     */
    void find(String text, int from, int to, MatchList out, int index);
}
