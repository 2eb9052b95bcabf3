package io.agentsh.cli.client;

import io.agentsh.core.json.GoDuration;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** --server / --api-key / --client-timeout, each defaulting from its environment variable. */
public final class ClientOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--server", description = "server URL: http://HOST:PORT or unix:///path (env AGENTSH_SERVER)")
    String server;

    @Option(names = "--api-key", description = "API key sent as X-API-Key (env AGENTSH_API_KEY)")
    String apiKey;

    @Option(names = "--client-timeout", description = "HTTP client timeout (env AGENTSH_CLIENT_TIMEOUT, default 30s)")
    String clientTimeout;

    /** The root command (io.agentsh.cli.Main) when this verb runs under it. */
    private io.agentsh.cli.Main root() {
        return spec != null && spec.root().userObject() instanceof io.agentsh.cli.Main m ? m : null;
    }

    public String serverUrl() {
        if (server != null && !server.isEmpty()) return server;
        if (root() != null && root().server() != null && !root().server().isEmpty()) return root().server();
        String env = System.getenv("AGENTSH_SERVER");
        return env != null && !env.isEmpty() ? env : "http://127.0.0.1:18080";
    }

    public ApiClient client() {
        String key = apiKey != null ? apiKey : root() != null ? root().apiKey() : System.getenv("AGENTSH_API_KEY");
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
