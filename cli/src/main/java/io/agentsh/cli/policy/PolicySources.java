package io.agentsh.cli.policy;

import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.LoadedConfig;
import io.agentsh.policy.Policy;
import io.agentsh.policy.PolicyException;
import io.agentsh.policy.PolicyLoader;
import io.agentsh.policy.Problem;
import io.agentsh.policy.ServerConfig;
import io.agentsh.policy.ServerConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Finds the server config and the policies the policy verbs work on. */
final class PolicySources {
    private PolicySources() {}

    /** {@code --config} if given, else $AGENTSH_CONFIG, ~/.config/agentsh/config.yaml, /etc/agentsh/config.yaml; else built-in defaults. */
    static ServerConfig config(Path flag) throws CliFailure {
        Path file = flag;
        if (file == null) {
            String env = System.getenv("AGENTSH_CONFIG");
            if (env != null && !env.isEmpty()) file = Path.of(env);
        }
        if (file == null) {
            String xdg = System.getenv("XDG_CONFIG_HOME");
            String home = System.getProperty("user.home");
            Path user = xdg != null && !xdg.isEmpty() ? Path.of(xdg, "agentsh") : home == null ? null : Path.of(home, ".config", "agentsh");
            for (Path cand : new Path[] {user == null ? null : user.resolve("config.yaml"), user == null ? null : user.resolve("config.yml"),
                Path.of("/etc/agentsh/config.yaml"), Path.of("/etc/agentsh/config.yml")}) {
                if (cand != null && Files.isRegularFile(cand)) { file = cand; break; }
            }
        }
        if (file == null) return ServerConfigLoader.defaults();
        try {
            LoadedConfig lc = ServerConfigLoader.load(file);
            return lc.config();
        } catch (PolicyException e) {
            throw failure(e);
        }
    }

    /** A policy file path, or a name looked up in the config's policies dir. */
    static Path resolve(String nameOrFile, ServerConfig cfg) throws CliFailure {
        Path asFile = Path.of(nameOrFile);
        boolean looksLikeFile = nameOrFile.contains("/") || nameOrFile.endsWith(".yaml") || nameOrFile.endsWith(".yml");
        if (looksLikeFile || (Files.isRegularFile(asFile) && !PolicyLoader.isValidName(nameOrFile))) {
            if (!Files.isRegularFile(asFile)) throw new CliFailure(nameOrFile + ": no such policy file");
            return asFile;
        }
        try {
            return PolicyLoader.resolve(cfg.policiesDir(), nameOrFile);
        } catch (PolicyException e) {
            // not a file problem (no line/column): a plain message reads better
            throw new CliFailure(e.problems().get(0).message());
        }
    }

    static Policy load(Path file) throws CliFailure {
        try {
            return PolicyLoader.load(file);
        } catch (PolicyException e) {
            throw failure(e);
        }
    }

    /**
     * Engine options for local evaluation: the config's switches; variables from {@code --var},
     * then the environment; without them PROJECT_ROOT / GIT_ROOT patterns are skipped (global engine).
     */
    static EngineOptions options(ServerConfig cfg, Map<String, String> vars) {
        return cfg.engineOptions().variables(vars == null ? Map.of() : vars).skipUndefinedVariables(true).build();
    }

    static CliFailure failure(PolicyException e) {
        return new CliFailure(e.problems().stream().map(Problem::toString).toList());
    }

    static List<String> lines(List<Problem> problems) { return problems.stream().map(Problem::toString).toList(); }
}
