package io.agentsh.core.mode;

import io.agentsh.core.kernel.supervisor.SupervisionBackend;
import io.agentsh.policy.ServerConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Which enforcement mode the server runs in ({@code security.mode}: auto, full, ptrace,
 * landlock, landlock-only, minimal; {@code security.minimum_mode}; {@code sandbox.ptrace.enabled};
 * {@code sandbox.allow_degraded}), given what the probes proved works. The reference validates
 * none of this at start-up ([gap] §8.3); here a requested mode that cannot work stops the server
 * with a message saying why, unless {@code sandbox.allow_degraded: true}, which runs the strongest
 * working mode and warns.
 *
 * <p>ptrace: {@code security.mode: ptrace}, or {@code sandbox.ptrace.enabled} with file, network
 * or signal tracing on, serves every governed tree with the ptrace backend. {@code sandbox.ptrace}
 * with only {@code trace.execve} (the reference's "execve-only hybrid") traces exec and leaves
 * files, signals and sockets to seccomp user notification. {@code auto} picks the strongest mode
 * the probes proved: seccomp user notification ("full") first, ptrace when notification is
 * unavailable (nested seccomp, some microVMs).
 */
public final class SecurityModes {
    /** Strongest first. */
    static final List<String> RANK = List.of("minimal", "landlock-only", "landlock", "ptrace", "full");

    /** The mode to run in, the backend that serves governed trees (null: none), and what the operator should be told. */
    public record Selection(String mode, SupervisionBackend backend, List<String> warnings) {
        public Selection(String mode, List<String> warnings) {
            this(mode, backendOf(mode), warnings);
        }
    }

    /** What the probes proved (detect's mechanisms). */
    public record Proven(String strongestMode, boolean ptrace) {}

    /** Thrown when the configured mode cannot be had and degrading is not allowed. */
    public static final class ModeUnavailableException extends Exception {
        public ModeUnavailableException(String message) {
            super(message);
        }
    }

    private SecurityModes() {}

    /** As {@link #select(ServerConfig, Proven)}, with ptrace proven exactly when it is the detected mode. */
    public static Selection select(ServerConfig cfg, String detectedMode) throws ModeUnavailableException {
        return select(cfg, new Proven(detectedMode, detectedMode.equals("ptrace")));
    }

    public static Selection select(ServerConfig cfg, Proven proven) throws ModeUnavailableException {
        String detectedMode = proven.strongestMode();
        if (!RANK.contains(detectedMode)) throw new IllegalArgumentException("unknown detected mode " + detectedMode);
        boolean degradeOk = cfg.bool("sandbox.allow_degraded");
        String requested = cfg.string("security.mode");
        if (requested == null || requested.isEmpty()) requested = "auto";
        List<String> warnings = new ArrayList<>();
        String hint = "; set sandbox.allow_degraded: true to run in '" + detectedMode + "' instead";

        boolean ptraceEnabled = cfg.bool("sandbox.ptrace.enabled");
        boolean hybrid = !requested.equals("ptrace") && ptraceEnabled && execveOnly(cfg);
        boolean ptraceAsked = requested.equals("ptrace") || ptraceEnabled && !hybrid;
        if (ptraceAsked) {
            String what = requested.equals("ptrace") ? "security.mode: ptrace" : "sandbox.ptrace.enabled";
            if (proven.ptrace()) return minimum(cfg, new Selection("ptrace", SupervisionBackend.PTRACE, List.of()), degradeOk);
            String why = "ptrace enforcement (" + what + ") does not work here (the ptrace probe failed, see agentsh detect)";
            if (!degradeOk) throw new ModeUnavailableException(why + hint);
            warnings.add(why + "; running in '" + detectedMode + "' (sandbox.allow_degraded)");
            requested = "auto";
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
        SupervisionBackend backend = backendOf(mode);
        if (hybrid && backend == SupervisionBackend.SECCOMP) {
            if (proven.ptrace()) backend = SupervisionBackend.HYBRID;
            else warnings.add("sandbox.ptrace (execve only) cannot trace here; exec is served by seccomp user notification instead");
        }
        return minimum(cfg, new Selection(mode, backend, List.copyOf(warnings)), degradeOk);
    }

    private static Selection minimum(ServerConfig cfg, Selection s, boolean degradeOk) throws ModeUnavailableException {
        String minimum = cfg.string("security.minimum_mode");
        if (minimum != null && !minimum.isEmpty() && rank(s.mode()) < rank(minimum)) {
            String why = "security mode '" + s.mode() + "' is below security.minimum_mode '" + minimum + "'";
            if (!degradeOk || cfg.bool("security.strict")) throw new ModeUnavailableException(why);
            List<String> w = new ArrayList<>(s.warnings());
            w.add(why + "; running anyway (sandbox.allow_degraded)");
            return new Selection(s.mode(), s.backend(), List.copyOf(w));
        }
        return s;
    }

    /** The reference's execve-only hybrid: ptrace traces exec and nothing else. */
    static boolean execveOnly(ServerConfig cfg) {
        return cfg.bool("sandbox.ptrace.trace.execve") && !cfg.bool("sandbox.ptrace.trace.file")
                && !cfg.bool("sandbox.ptrace.trace.network") && !cfg.bool("sandbox.ptrace.trace.signal");
    }

    /** full and landlock use seccomp user notification; ptrace its own backend; the others no supervisor. */
    static SupervisionBackend backendOf(String mode) {
        return switch (mode) {
            case "full", "landlock" -> SupervisionBackend.SECCOMP;
            case "ptrace" -> SupervisionBackend.PTRACE;
            default -> null;
        };
    }

    static int rank(String mode) {
        int r = RANK.indexOf(mode);
        if (r < 0) throw new IllegalArgumentException("unknown security mode " + mode);
        return r;
    }
}
