package io.agentsh.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Where `agentsh server` looks for its config without --config (cli-api-shim.md §1.1). */
public final class ConfigLocator {
    /** Where the config was found; decides source-aware defaults for data and policy dirs. */
    public enum Source { FLAG, ENV, USER, SYSTEM }

    public record Located(Path path, Source source) {}

    private ConfigLocator() {}

    public static Located locate(Path flag, Map<String, String> env) {
        if (flag != null) return new Located(flag, Source.FLAG);
        String fromEnv = env.getOrDefault("AGENTSH_CONFIG", "");
        if (!fromEnv.isEmpty()) return new Located(Path.of(fromEnv), Source.ENV);
        Path userDir = userConfigDir(env);
        if (userDir != null) {
            for (String n : new String[] {"config.yaml", "config.yml"}) {
                Path p = userDir.resolve(n);
                if (Files.isRegularFile(p)) return new Located(p, Source.USER);
            }
        }
        for (String n : new String[] {"config.yaml", "config.yml"}) {
            Path p = Path.of("/etc/agentsh").resolve(n);
            if (Files.isRegularFile(p)) return new Located(p, Source.SYSTEM);
        }
        return new Located(Path.of("/etc/agentsh/config.yaml"), Source.SYSTEM);
    }

    static Path userConfigDir(Map<String, String> env) {
        String xdg = env.getOrDefault("XDG_CONFIG_HOME", "");
        if (!xdg.isEmpty()) return Path.of(xdg, "agentsh");
        String home = env.getOrDefault("HOME", "");
        return home.isEmpty() ? null : Path.of(home, ".config", "agentsh");
    }
}
