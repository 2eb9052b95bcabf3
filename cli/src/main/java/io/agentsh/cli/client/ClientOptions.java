package io.agentsh.cli.client;

import io.agentsh.core.json.GoDuration;
import java.time.Duration;
import picocli.CommandLine.Option;

/** --server / --api-key / --client-timeout, each defaulting from its environment variable. */
public final class ClientOptions {
    @Option(names = "--server", description = "server URL: http://HOST:PORT or unix:///path (env AGENTSH_SERVER)")
    String server;

    @Option(names = "--api-key", description = "API key sent as X-API-Key (env AGENTSH_API_KEY)")
    String apiKey;

    @Option(names = "--client-timeout", description = "HTTP client timeout (env AGENTSH_CLIENT_TIMEOUT, default 30s)")
    String clientTimeout;

    public String serverUrl() {
        if (server != null && !server.isEmpty()) return server;
        String env = System.getenv("AGENTSH_SERVER");
        return env != null && !env.isEmpty() ? env : "http://127.0.0.1:18080";
    }

    public ApiClient client() {
        String key = apiKey != null ? apiKey : System.getenv("AGENTSH_API_KEY");
        String t = clientTimeout != null ? clientTimeout : System.getenv("AGENTSH_CLIENT_TIMEOUT");
        Duration timeout = Duration.ofSeconds(30);
        if (t != null && !t.isEmpty()) {
            try {
                timeout = GoDuration.parse(t);
            } catch (IllegalArgumentException e) {
                throw new UsageError("invalid --client-timeout \"" + t + "\"");
            }
        }
        return new ApiClient(serverUrl(), key, timeout);
    }

    /** A message for stderr and exit status 1. */
    public static final class UsageError extends RuntimeException {
        public UsageError(String message) {
            super(message, null, false, false);
        }
    }
}
