package io.agentsh.policy;

import java.util.Locale;

/** Operations governed by {@code unix_socket_rules} (reference §7). */
public enum UnixSocketOperation {
    CONNECT, BIND, LISTEN, SENDTO;

    private final String wireName = name().toLowerCase(Locale.ROOT);

    public String wireName() { return wireName; }

    public static UnixSocketOperation parse(String s) {
        if (s == null) return null;
        String t = s.trim().toLowerCase(Locale.ROOT);
        for (UnixSocketOperation op : values()) if (op.wireName.equals(t)) return op;
        return null;
    }

    @Override public String toString() { return wireName; }
}
