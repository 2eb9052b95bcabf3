package io.agentsh.proxy.dlp;

/**
 * What a static look at a regex tells the scanner, all conservative: every match consists only
 * of {@code alphabet} characters, is between {@code minLength} and {@code maxLength} chars long
 * ({@link #UNBOUNDED} if no limit), holds at least {@code minDigits} ASCII digits and every char
 * of {@code requiredChars}, and starts with {@code prefix}. {@code textAnchored} is set when the
 * pattern uses ^, $, \A or \z, whose meaning depends on where the scanned text starts and ends.
 */
public record RegexShape(Alphabet alphabet, int minLength, int maxLength, int minDigits, String prefix,
                         Alphabet requiredChars, boolean textAnchored) {

    public static final int UNBOUNDED = Integer.MAX_VALUE;

    /** The shape of a pattern we could not analyse: anything anywhere. */
    public static final RegexShape UNKNOWN = new RegexShape(Alphabet.ALL, 1, UNBOUNDED, 0, "", Alphabet.EMPTY, true);

    public boolean bounded() {
        return maxLength != UNBOUNDED;
    }
}
