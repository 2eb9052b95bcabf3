package io.agentsh.cli.trash;

import io.agentsh.core.trash.TrashSettings;
import io.agentsh.policy.PolicyException;
import io.agentsh.policy.Problem;
import io.agentsh.policy.ServerConfig;
import io.agentsh.policy.ServerConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Which trash store the CLI works on: {@code --trash-path} (relative to the current directory,
 * as the reference), else the server config's {@code sandbox.fuse.audit.trash_path} resolved as
 * the daemon does (default {@code <data_dir>/trash}), the config being {@code --config},
 * $AGENTSH_CONFIG or /etc/agentsh/config.yaml.
 */
final class TrashLocation {
    private TrashLocation() {}

    static TrashSettings settings(Path configFlag) {
        Path file = configFlag;
        if (file == null) {
            String env = System.getenv("AGENTSH_CONFIG");
            if (env != null && !env.isEmpty()) file = Path.of(env);
        }
        if (file == null) {
            for (Path c : new Path[] {Path.of("/etc/agentsh/config.yaml"), Path.of("/etc/agentsh/config.yml")}) {
                if (Files.isRegularFile(c)) { file = c; break; }
            }
        }
        ServerConfig cfg;
        if (file == null) {
            cfg = ServerConfigLoader.defaults();
        } else {
            try {
                cfg = ServerConfigLoader.load(file).config();
            } catch (PolicyException e) {
                throw new IllegalArgumentException(e.problems().stream().map(Problem::toString).collect(Collectors.joining("\n")));
            }
        }
        return TrashSettings.from(cfg);
    }

    static Path resolve(Path trashPathFlag, Path configFlag) {
        if (trashPathFlag != null) return trashPathFlag.toAbsolutePath().normalize();
        return settings(configFlag).resolve(null);
    }
}
