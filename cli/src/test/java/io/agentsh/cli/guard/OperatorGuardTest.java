package io.agentsh.cli.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentsh.cli.guard.OperatorGuard.CallerAnswer;
import io.agentsh.cli.guard.OperatorGuard.Verification;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The guard's decision table: who is asking × what credential × whether the daemon answers. */
class OperatorGuardTest {
    static final String GOOD = "c0ffee";

    /** A daemon that answers {@code who} and accepts only GOOD (or is down for verify too). */
    static final class FakeDaemon implements OperatorGuard.DaemonProbe {
        final CallerAnswer who;
        final List<String> verified = new ArrayList<>();

        FakeDaemon(CallerAnswer who) { this.who = who; }

        @Override public CallerAnswer caller() { return who; }

        @Override public Verification verify(String token) {
            verified.add(token);
            if (who == CallerAnswer.UNREACHABLE) return Verification.UNREACHABLE;
            return GOOD.equals(token) ? Verification.VALID : Verification.INVALID;
        }
    }

    enum Cred { VALID, INVALID, MISSING, UNREADABLE }

    static OperatorGuard.Credential cred(Cred c) {
        return switch (c) {
            case VALID -> () -> GOOD + "\n";
            case INVALID -> () -> "deadbeef";
            case MISSING -> () -> null;
            case UNREADABLE -> () -> { throw new IOException("/var/lib/agentsh/operator.token: permission denied"); };
        };
    }

    static OperatorGuard.Verdict decide(CallerAnswer who, int seccompFilters, Cred c) {
        return new OperatorGuard(new FakeDaemon(who), () -> seccompFilters).check("shim uninstall-shell", cred(c));
    }

    @Test void ungovernedCallersProceedWhateverTheyPresent() {
        for (Cred c : Cred.values()) {
            for (int filters : new int[] {0, 1, -1}) {
                assertTrue(decide(CallerAnswer.UNGOVERNED, filters, c).allowed(), "daemon says ungoverned: " + c + " " + filters);
            }
            assertTrue(decide(CallerAnswer.UNREACHABLE, 0, c).allowed(), "daemon down, no seccomp filter: " + c);
        }
    }

    @Test void governedCallersNeedACredentialTheDaemonAccepts() {
        assertTrue(decide(CallerAnswer.GOVERNED, 0, Cred.VALID).allowed());
        for (Cred c : List.of(Cred.INVALID, Cred.MISSING, Cred.UNREADABLE)) {
            OperatorGuard.Verdict v = decide(CallerAnswer.GOVERNED, 0, c);
            assertEquals(false, v.allowed(), c.name());
            assertTrue(v.message().startsWith("agentsh: shim uninstall-shell needs the operator credential inside a governed session"),
                    v.message());
            assertTrue(v.message().contains("--operator-token-file"), v.message());
        }
        assertTrue(decide(CallerAnswer.GOVERNED, 0, Cred.UNREADABLE).message().contains("permission denied"));
    }

    @Test void daemonDownWithASeccompFilterFailsClosed() {
        for (int filters : new int[] {1, 3, -1}) {
            for (Cred c : Cred.values()) {
                // even a valid token cannot be checked without the daemon: refused
                assertEquals(false, decide(CallerAnswer.UNREACHABLE, filters, c).allowed(), filters + " " + c);
            }
        }
        assertTrue(decide(CallerAnswer.UNREACHABLE, 1, Cred.VALID).message().contains("cannot be reached"));
    }

    @Test void startingTheDaemonWhileNoneAnswersIsAllowedEvenUnderAForeignSeccompFilter() {
        OperatorGuard g = new OperatorGuard(new FakeDaemon(CallerAnswer.UNREACHABLE), () -> 3);
        assertTrue(g.check(OperatorGuard.START_DAEMON, cred(Cred.MISSING)).allowed());
        assertEquals(false, g.check("shim uninstall-shell", cred(Cred.MISSING)).allowed());
        OperatorGuard up = new OperatorGuard(new FakeDaemon(CallerAnswer.GOVERNED), () -> 3);
        assertEquals(false, up.check(OperatorGuard.START_DAEMON, cred(Cred.MISSING)).allowed());
    }

    @Test void theTokenIsSentTrimmedAndOnlyWhenNeeded() {
        FakeDaemon d = new FakeDaemon(CallerAnswer.GOVERNED);
        assertTrue(new OperatorGuard(d, () -> 0).check("server", cred(Cred.VALID)).allowed());
        assertEquals(List.of(GOOD), d.verified);
        FakeDaemon outside = new FakeDaemon(CallerAnswer.UNGOVERNED);
        new OperatorGuard(outside, () -> 0).check("server", cred(Cred.VALID));
        assertEquals(List.of(), outside.verified);
    }

    @Test void seccompStatusParsing() {
        assertEquals(0, SeccompStatus.parse("Name:\tx\nSeccomp:\t0\nSeccomp_filters:\t0\n"));
        assertEquals(2, SeccompStatus.parse("Seccomp:\t2\nSeccomp_filters:\t2\n"));
        assertEquals(1, SeccompStatus.parse("Seccomp:\t2\n"), "old kernels: the mode alone");
        assertEquals(-1, SeccompStatus.parse("Name:\tx\n"));
        assertEquals(-1, SeccompStatus.parse("Seccomp_filters:\tlots\n"));
    }
}
