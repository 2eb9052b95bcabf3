package io.agentsh.core.mode;

import io.agentsh.core.kernel.landlock.LandlockAbi;
import io.agentsh.core.kernel.seccomp.SeccompSupport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The server's start-up choice of mode and supervision backend: what the exec wrapper's probe
 * proves on this kernel (a listener filter installed, a seccomp-stop round trip under ptrace),
 * handed to {@link SecurityModes#select}. One short-lived child process, at start-up only.
 */
public final class StartupModes {
    private StartupModes() {}

    public static SecurityModes.Selection select(io.agentsh.policy.ServerConfig cfg, Path wrapper)
            throws SecurityModes.ModeUnavailableException {
        return SecurityModes.select(cfg, prove(wrapper));
    }

    /** Runs {@code agentsh-exec-wrapper --probe}; a missing wrapper proves nothing. */
    static SecurityModes.Proven prove(Path wrapper) {
        String out = "";
        if (wrapper != null && Files.isExecutable(wrapper)) {
            try {
                Process p = new ProcessBuilder(wrapper.toString(), "--probe").redirectErrorStream(true).start();
                if (p.waitFor(5, TimeUnit.SECONDS)) out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                else p.destroyForcibly();
            } catch (IOException e) {
                out = "";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        boolean notify = SeccompSupport.notifSizes() != null && out.contains("seccomp_user_notify=ok");
        boolean ptrace = out.contains("ptrace_seccomp=ok");
        String strongest = notify ? "full" : ptrace ? "ptrace" : LandlockAbi.probe() > 0 ? "landlock-only" : "minimal";
        return new SecurityModes.Proven(strongest, ptrace);
    }
}
