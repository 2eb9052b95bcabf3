package io.agentsh.core.kernel.supervisor;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Linux capability names and the keep-mask the wrapper applies to the bounding set
 * ({@code capabilities.allow}). As in the reference, some capabilities can never be kept:
 * they would let a governed process undo its own confinement.
 */
public final class Capabilities {
    private static final String[] NAMES = {"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID",
        "SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK",
        "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
        "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
        "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
        "CHECKPOINT_RESTORE"};
    private static final Map<String, Integer> BY_NAME = new TreeMap<>();
    public static final List<String> ALWAYS_DROP = List.of("SYS_ADMIN", "SYS_PTRACE", "SYS_MODULE", "DAC_OVERRIDE",
            "DAC_READ_SEARCH", "SETUID", "SETGID", "SETPCAP", "CHOWN", "FOWNER", "MKNOD", "SYS_RAWIO", "SYS_BOOT",
            "NET_ADMIN", "SYS_CHROOT", "LINUX_IMMUTABLE");

    static {
        for (int i = 0; i < NAMES.length; i++) BY_NAME.put(NAMES[i], i);
    }

    private Capabilities() {}

    /** Capability number for "CAP_NET_RAW" / "net_raw"; -1 when unknown. */
    public static int number(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.startsWith("CAP_")) n = n.substring(4);
        Integer v = BY_NAME.get(n);
        return v == null ? -1 : v;
    }

    /** The bounding-set keep mask for {@code capabilities.allow}; unknown names are an error. */
    public static long keepMask(List<String> allow) {
        long mask = 0;
        for (String a : allow) {
            int n = number(a);
            if (n < 0) throw new IllegalArgumentException("capabilities.allow: unknown capability '" + a + "'");
            if (ALWAYS_DROP.contains(NAMES[n])) continue; // never kept, whatever the config says
            mask |= 1L << n;
        }
        return mask;
    }
}
