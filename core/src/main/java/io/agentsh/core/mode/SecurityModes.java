package io.agentsh.core.mode;

import io.agentsh.policy.ServerConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Which enforcement mode the server runs in ({@code security.mode}: auto, full, ptrace,
 * landlock, landlock-only, minimal; {@code security.minimum_mode}; {@code sandbox.ptrace.enabled};
 * {@code sandbox.allow_degraded}), given the strongest mode the probes proved works (detect's
 * {@code securityMode}). The reference validates none of this at start-up ([gap] §8.3); here a
 * requested mode that cannot work stops the server with a message saying why, unless
 * {@code sandbox.allow_degraded: true}, which runs the strongest working mode and warns.
 *
 * <p>ptrace is not implemented in agentsh-java yet: asking for it is such a request.
 */
public final class SecurityModes {
    /** Strongest first. */
    static final List<String> RANK = List.of("minimal", "landlock-only", "landlock", "ptrace", "full");
    static final boolean PTRACE_IMPLEMENTED = false;

    /** The mode to run in and what the operator should be told. */
    public record Selection(String mode, List<String> warnings) {}

    /** Thrown when the configured mode cannot be had and degrading is not allowed. */
    public static final class ModeUnavailableException extends Exception {
        public ModeUnavailableException(String message) {
            super(message);
        }
    }

    private SecurityModes() {}

    public static Selection select(ServerConfig cfg, String detectedMode) throws ModeUnavailableException {
        if (!RANK.contains(detectedMode)) throw new IllegalArgumentException("unknown detected mode " + detectedMode);
        boolean degradeOk = cfg.bool("sandbox.allow_degraded");
        String requested = cfg.string("security.mode");
        if (requested == null || requested.isEmpty()) requested = "auto";
        List<String> warnings = new ArrayList<>();
        String hint = "; set sandbox.allow_degraded: true to run in '" + detectedMode + "' instead";

        if ((requested.equals("ptrace") || cfg.bool("sandbox.ptrace.enabled")) && !PTRACE_IMPLEMENTED) {
            String why = "ptrace enforcement (" + (requested.equals("ptrace") ? "security.mode: ptrace" : "sandbox.ptrace.enabled")
                    + ") is not implemented in this build";
            if (!degradeOk) throw new ModeUnavailableException(why + hint);
            warnings.add(why + "; running in '" + detectedMode + "' (sandbox.allow_degraded)");
            if (requested.equals("ptrace")) requested = "auto";
        }
        String mode = detectedMode;
        if (!requested.equals("auto")) {
            if (rank(requested) > rank(detectedMode)) {
                String why = "security.mode '" + requested + "' needs mechanisms this kernel does not offer (best available: '"
                        + detectedMode + "', see agentsh detect)";
                if (!degradeOk) throw new ModeUnavailableException(why + hint);
                warnings.add(why + "; running degraded (sandbox.allow_degraded)");
            } else {
                mode = requested; // a weaker mode on purpose
            }
        }
        String minimum = cfg.string("security.minimum_mode");
        if (minimum != null && !minimum.isEmpty() && rank(mode) < rank(minimum)) {
            String why = "security mode '" + mode + "' is below security.minimum_mode '" + minimum + "'";
            if (!degradeOk || cfg.bool("security.strict")) throw new ModeUnavailableException(why);
            warnings.add(why + "; running anyway (sandbox.allow_degraded)");
        }
        return new Selection(mode, List.copyOf(warnings));
    }

    static int rank(String mode) {
        int r = RANK.indexOf(mode);
        if (r < 0) throw new IllegalArgumentException("unknown security mode " + mode);
        return r;
    }
}
