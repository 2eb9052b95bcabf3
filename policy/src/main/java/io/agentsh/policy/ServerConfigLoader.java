package io.agentsh.policy;

import io.agentsh.policy.internal.config.ConfigParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Reads the server config ({@code /etc/agentsh/config.yaml}, reference §16). {@code $VAR} and
 * {@code ${VAR}} are expanded from the environment first (undefined = empty). Unknown keys are
 * warnings ({@code FILE:LINE:COL: unknown key ...}); wrong types and invalid values are errors.
 */
public final class ServerConfigLoader {
    private ServerConfigLoader() {}

    public static LoadedConfig load(Path file) throws PolicyException {
        return load(file, System::getenv);
    }

    public static LoadedConfig load(Path file, Function<String, String> env) throws PolicyException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PolicyException(new Problem(file.toString(), 0, 0, Problem.Severity.ERROR,
                    "cannot read config: " + PolicyLoader.describe(e)));
        }
        return parse(file.toString(), text, env);
    }

    /** Parses config text; {@code sourceName} is used in problem locations and for source-aware defaults. */
    public static LoadedConfig parse(String sourceName, String yaml, Function<String, String> env) throws PolicyException {
        return ConfigParser.parse(sourceName, yaml, env);
    }

    /** The built-in configuration (every default, nothing set). */
    public static ServerConfig defaults() { return ConfigParser.defaults(); }
}
