package io.agentsh.policy;

/** {@code sandbox.seccomp.shellc.opaque}: what the pre-check does with a {@code sh -c} script it cannot see into. */
public enum ShellcOpaqueMode {
    /** Deny unless exec-time enforcement (seccomp execve / ptrace) will see every command the script runs. */
    ENFORCE,
    /** Never pre-deny. */
    ALLOW,
    /** Always deny. */
    DENY
}
