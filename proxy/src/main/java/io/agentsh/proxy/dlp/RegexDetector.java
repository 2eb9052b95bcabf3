package io.agentsh.proxy.dlp;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;

/** A detector backed by re2j: an automaton simulation, linear in the input, no backtracking. */
record RegexDetector(String name, String display, Pattern pattern, RegexShape shape) implements Detector {

    static RegexDetector compile(String name, String display, String regex) {
        return new RegexDetector(name, display, Pattern.compile(regex), RegexAnalyzer.analyze(regex));
    }

    @Override
    public void find(String text, int from, int to, MatchList out, int index) {
        // One char of context on each side keeps \b exact; the window keeps the search bounded.
        int ws = Math.max(0, from - 1);
        int we = Math.min(text.length(), to + 1);
        String window = (ws == 0 && we == text.length()) ? text : text.substring(ws, we);
        Matcher m = pattern.matcher(window);
        if (!m.find(from - ws)) {
            return;
        }
        int limit = to - ws;
        do {
            int s = m.start();
            int e = m.end();
            if (s >= limit) {
                return;
            }
            if (e > s) {
                out.add(s + ws, Math.min(e, limit) + ws, index);
            }
        } while (m.find());
    }
}
