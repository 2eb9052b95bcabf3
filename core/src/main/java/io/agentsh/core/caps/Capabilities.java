package io.agentsh.core.caps;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Linux capability names and the keep-mask for {@code capabilities.allow}. Names are accepted
 * with or without {@code CAP_}, in any case. The reference's always-drop list can never be
 * kept (asking for one is a warning, and it is dropped anyway): these are the capabilities
 * that undo the sandbox itself (mounts, ptrace, module loading, setuid, reading any file, ...).
 */
public final class Capabilities {
    /** Index = capability number (linux/capability.h). */
    static final List<String> NAMES = List.of(
            "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
            "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
            "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
            "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
            "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
            "CHECKPOINT_RESTORE");

    static final Set<String> ALWAYS_DROP = Set.of("SYS_ADMIN", "SYS_PTRACE", "SYS_MODULE", "DAC_OVERRIDE",
            "DAC_READ_SEARCH", "SETUID", "SETGID", "SETPCAP", "CHOWN", "FOWNER", "MKNOD", "SYS_RAWIO", "SYS_BOOT",
            "NET_ADMIN", "SYS_CHROOT", "LINUX_IMMUTABLE");

    /**
     * @param keepMask bit N set = keep capability N
     * @param warnings one line per name that was ignored (always-drop) or unknown
     */
    public record KeepSet(long keepMask, List<String> kept, List<String> warnings) {}

    private Capabilities() {}

    /** The capability number for a name, or -1. */
    public static int number(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        if (n.startsWith("CAP_")) n = n.substring(4);
        return NAMES.indexOf(n);
    }

    public static String name(int number) {
        return number >= 0 && number < NAMES.size() ? "CAP_" + NAMES.get(number) : "CAP_" + number;
    }

    /** {@code capabilities.allow} to the mask the wrapper keeps; everything else is dropped. */
    public static KeepSet keep(List<String> allow) {
        long mask = 0;
        List<String> kept = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (String a : allow) {
            int nr = number(a);
            if (nr < 0) {
                warnings.add("capabilities.allow: unknown capability \"" + a + "\" ignored");
            } else if (ALWAYS_DROP.contains(NAMES.get(nr))) {
                warnings.add("capabilities.allow: " + name(nr) + " is always dropped (it would undo the sandbox)");
            } else if ((mask & (1L << nr)) == 0) {
                mask |= 1L << nr;
                kept.add(name(nr));
            }
        }
        return new KeepSet(mask, List.copyOf(kept), List.copyOf(warnings));
    }

    /** Names of the capabilities in a /proc/PID/status Cap* hex mask (for tests and diagnostics). */
    public static List<String> names(long mask) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 64; i++) if ((mask & (1L << i)) != 0) out.add(name(i));
        return out;
    }
}
