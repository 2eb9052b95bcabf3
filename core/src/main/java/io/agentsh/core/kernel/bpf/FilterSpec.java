package io.agentsh.core.kernel.bpf;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the seccomp filter of a governed session does, per syscall number.
 *
 * @param notified          syscalls the supervisor decides (SECCOMP_RET_USER_NOTIF)
 * @param blocked           syscalls refused in the kernel, with the errno to return
 * @param trapReadOnlyOpens when false, open/openat whose flags carry no write, create, truncate,
 *                          append or tmpfile intent are allowed in the kernel (the policy can
 *                          never deny such a read); when true they reach the supervisor too
 */
public record FilterSpec(Set<Integer> notified, Map<Integer, Integer> blocked, boolean trapReadOnlyOpens) {
    public FilterSpec {
        notified = Set.copyOf(new TreeSet<>(notified));
        blocked = Map.copyOf(new TreeMap<>(blocked));
        for (Integer nr : blocked.keySet()) {
            if (notified.contains(nr)) throw new IllegalArgumentException("syscall " + nr + " both blocked and notified");
        }
    }
}
