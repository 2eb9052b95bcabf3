package io.agentsh.policy.internal.signal;

import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** Linux signal names and the reference's groups (@fatal, @job, @reload, @ignore, @all). */
public final class Signals {
    private Signals() {}

    static final Map<String, Integer> NAMES = new LinkedHashMap<>();
    static {
        String[] n = {"", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
            "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU", "XFSZ",
            "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"};
        for (int i = 1; i < n.length; i++) NAMES.put(n[i], i);
        NAMES.put("IOT", 6);
        NAMES.put("POLL", 29);
        NAMES.put("CLD", 17);
    }

    /** One signal by name (case-insensitive, SIG prefix optional) or number 1..64; -1 when unknown. */
    public static int number(String s) {
        String t = s.trim().toUpperCase(Locale.ROOT);
        if (t.startsWith("SIG")) t = t.substring(3);
        if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
            try {
                int v = Integer.parseInt(t);
                return v >= 1 && v <= 64 ? v : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }
        if (t.startsWith("RTMIN")) return rt(t.substring(5), 34);
        if (t.startsWith("RTMAX")) return rt(t.substring(5), 64);
        Integer v = NAMES.get(t);
        return v == null ? -1 : v;
    }

    private static int rt(String rest, int base) {
        if (rest.isEmpty()) return base;
        try {
            int v = base + Integer.parseInt(rest);
            return v >= 34 && v <= 64 ? v : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Adds a name, number or @group to {@code set}; false when unknown. */
    public static boolean addTo(String spec, BitSet set) {
        String t = spec.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "@fatal" -> { for (String x : new String[] {"KILL", "TERM", "QUIT", "ABRT"}) set.set(NAMES.get(x)); return true; }
            case "@job" -> { for (String x : new String[] {"STOP", "CONT", "TSTP", "TTIN", "TTOU"}) set.set(NAMES.get(x)); return true; }
            case "@reload" -> { for (String x : new String[] {"HUP", "USR1", "USR2"}) set.set(NAMES.get(x)); return true; }
            case "@ignore" -> { for (String x : new String[] {"CHLD", "URG", "WINCH"}) set.set(NAMES.get(x)); return true; }
            case "@all" -> { set.set(1, 32); return true; }
            default -> {
                if (t.startsWith("@")) return false;
                int n = number(spec);
                if (n < 0) return false;
                set.set(n);
                return true;
            }
        }
    }
}
