package io.agentsh.core.kernel.detect;

/**
 * One probed kernel mechanism: available or not, and why (what the probe saw).
 *
 * @param key         stable name (the JSON capability key): seccomp, seccomp_user_notify, ...
 * @param available   the probe really worked on this machine
 * @param detail      short result ("ABI 7", "v1: memory, pids, cpu", "EPERM installing filter")
 * @param checkMethod how it was probed (for the JSON backends' check_method)
 */
public record Mechanism(String key, boolean available, String detail, String checkMethod) {}
