package io.agentsh.cli.guard;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * Picocli mixin for the verbs that weaken governance: {@code --operator-token-file} (or env
 * {@code AGENTSH_OPERATOR_TOKEN}) and the guard check before the verb acts.
 */
public final class OperatorCredential {
    /** The guard commands use; tests swap it. */
    static volatile java.util.function.Supplier<OperatorGuard> guards = OperatorGuard::system;

    @Option(names = "--operator-token-file", paramLabel = "FILE",
            description = "operator credential (the daemon's <data_dir>/operator.token); needed inside a governed session "
                    + "(env AGENTSH_OPERATOR_TOKEN)")
    Path tokenFile;

    /** Null when {@code verb} may run; else prints why on {@code err} and returns the exit status (126). */
    public Integer refusal(String verb, PrintWriter err) {
        OperatorGuard.Verdict v = guards.get().check(verb, this::token);
        if (v.allowed()) return null;
        err.println(v.message());
        err.flush();
        return OperatorGuard.EXIT_REFUSED;
    }

    private String token() throws IOException {
        if (tokenFile != null) {
            try {
                return Files.readString(tokenFile, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new IOException(tokenFile + ": " + (e instanceof java.nio.file.NoSuchFileException ? "no such file"
                        : e instanceof java.nio.file.AccessDeniedException ? "permission denied" : e.getMessage()), e);
            }
        }
        return System.getenv("AGENTSH_OPERATOR_TOKEN");
    }
}
