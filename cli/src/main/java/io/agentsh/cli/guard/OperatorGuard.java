package io.agentsh.cli.guard;

import java.util.Objects;

/**
 * Decides whether a verb that weakens governance (shim install/uninstall, server, trash purge) may
 * run (CONTRACT §2, "No bypass by name or by variable"). Outside any governed session it runs as
 * before. Inside one it needs the operator credential, checked by the daemon. Whether the caller is
 * inside comes from the daemon (by the caller's SO_PEERCRED pid); when the daemon cannot be asked,
 * a process carrying a seccomp filter counts as governed (fail closed). {@code AGENTSH_IN_SESSION}
 * plays no part.
 */
public final class OperatorGuard {
    /** Exit status of a refused verb, as for a command the policy denies. */
    public static final int EXIT_REFUSED = 126;

    /** The daemon, over its unix socket. */
    public interface DaemonProbe {
        /** What the daemon says about the calling process. */
        CallerAnswer caller();

        /** Whether the daemon accepts {@code token} as the operator credential. */
        Verification verify(String token);
    }

    public enum CallerAnswer { GOVERNED, UNGOVERNED, UNREACHABLE }

    public enum Verification { VALID, INVALID, UNREACHABLE }

    /** Seccomp filters on this process: {@code Seccomp_filters:} of /proc/self/status; -1 when unknown. */
    public interface SeccompProbe {
        int filters();
    }

    /** The presented operator credential: null when none was given; throws when it cannot be read. */
    public interface Credential {
        String token() throws java.io.IOException;
    }

    /** The outcome: allowed, or refused with the line(s) to print. */
    public record Verdict(boolean allowed, String message) {
        static final Verdict ALLOW = new Verdict(true, null);

        static Verdict refuse(String verb, String why) {
            return new Verdict(false, "agentsh: " + verb + " needs the operator credential inside a governed session"
                    + (why == null ? "" : " (" + why + ")") + "\n" + HINT);
        }
    }

    static final String HINT = "hint: run it as the operator outside the agent's session, or pass "
            + "--operator-token-file FILE (or env AGENTSH_OPERATOR_TOKEN) with the token from <data_dir>/operator.token";

    private final DaemonProbe daemon;
    private final SeccompProbe seccomp;

    public OperatorGuard(DaemonProbe daemon, SeccompProbe seccomp) {
        this.daemon = Objects.requireNonNull(daemon);
        this.seccomp = Objects.requireNonNull(seccomp);
    }

    /** The guard this machine uses: the daemon at the system config's socket, and /proc/self/status. */
    public static OperatorGuard system() {
        return new OperatorGuard(new UnixDaemonProbe(SystemSocket.path()), SeccompStatus::ofSelf);
    }

    /** The verb that starts the daemon; see {@link #check}. */
    public static final String START_DAEMON = "server";

    public Verdict check(String verb, Credential credential) {
        CallerAnswer who = daemon.caller();
        // Starting the daemon while none answers restores governance rather than weakening it: with
        // kernel enforcement a governed tree cannot exec anything once its supervisor is gone, and
        // refusing here would stop operators whose own container runs under a seccomp profile.
        if (who == CallerAnswer.UNREACHABLE && START_DAEMON.equals(verb)) return Verdict.ALLOW;
        boolean governed = switch (who) {
            case GOVERNED -> true;
            case UNGOVERNED -> false;
            // Cannot ask: a seccomp filter (ours, or any) means we may be inside; unknown counts as inside.
            case UNREACHABLE -> seccomp.filters() != 0;
        };
        if (!governed) return Verdict.ALLOW;
        String token;
        try {
            token = credential.token();
        } catch (java.io.IOException e) {
            return Verdict.refuse(verb, "operator credential not readable: " + e.getMessage());
        }
        if (token == null || token.isBlank()) return Verdict.refuse(verb, null);
        return switch (daemon.verify(token.strip())) {
            case VALID -> Verdict.ALLOW;
            case INVALID -> Verdict.refuse(verb, "the daemon rejected the credential");
            case UNREACHABLE -> Verdict.refuse(verb, "the agentsh daemon cannot be reached to verify the credential");
        };
    }
}
