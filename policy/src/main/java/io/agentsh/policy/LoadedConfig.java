package io.agentsh.policy;

import java.util.List;

/** A server config as loaded, with its warnings (unknown keys, ignored sections, ...). */
public record LoadedConfig(ServerConfig config, List<Problem> warnings) {
    public LoadedConfig { warnings = List.copyOf(warnings); }
}
