package io.agentsh.policy.internal.config;

import io.agentsh.policy.LoadedConfig;
import io.agentsh.policy.PolicyException;
import io.agentsh.policy.ServerConfig;
import java.util.function.Function;

/** Placeholder (API commit). */
public final class ConfigParser {
    public static LoadedConfig parse(String s, String y, Function<String, String> env) throws PolicyException {
        throw new UnsupportedOperationException("config loader not implemented yet");
    }
    public static ServerConfig defaults() { throw new UnsupportedOperationException(); }
}
