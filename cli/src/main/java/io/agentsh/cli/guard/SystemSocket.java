package io.agentsh.cli.guard;

import io.agentsh.policy.ServerConfig;
import io.agentsh.policy.ServerConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The daemon's unix socket as the operator configured it: {@code server.unix_socket.path} of
 * /etc/agentsh/config.yaml (or .yml), else /run/agentsh/agentsh.sock. Deliberately not
 * {@code --config}, {@code $AGENTSH_CONFIG} or {@code $AGENTSH_SERVER}: the agent sets those, and
 * could point the guard at a fake daemon that calls it ungoverned.
 */
final class SystemSocket {
    static final Path DEFAULT = Path.of("/run/agentsh/agentsh.sock");

    private SystemSocket() {}

    /** null when the system config turns the unix socket off. */
    static Path path() {
        for (Path c : new Path[] {Path.of("/etc/agentsh/config.yaml"), Path.of("/etc/agentsh/config.yml")}) {
            if (!Files.isRegularFile(c)) continue;
            try {
                ServerConfig cfg = ServerConfigLoader.load(c, k -> null).config();
                if (!cfg.unixSocketEnabled()) return null;
                String p = cfg.unixSocketPath();
                return p == null || p.isEmpty() ? DEFAULT : Path.of(p);
            } catch (Exception e) {
                return DEFAULT;
            }
        }
        return DEFAULT;
    }
}
