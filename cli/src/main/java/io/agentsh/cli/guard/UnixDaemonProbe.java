package io.agentsh.cli.guard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agentsh.cli.client.ApiClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** Asks the daemon over its unix socket (GET /api/v1/caller, POST /api/v1/operator/verify). */
final class UnixDaemonProbe implements OperatorGuard.DaemonProbe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ApiClient client;

    /** @param socket null: there is no daemon to ask */
    UnixDaemonProbe(Path socket) {
        this.client = socket == null ? null : new ApiClient("unix://" + socket.toAbsolutePath(), null, Duration.ofSeconds(10));
    }

    @Override
    public OperatorGuard.CallerAnswer caller() {
        if (client == null) return OperatorGuard.CallerAnswer.UNREACHABLE;
        try {
            ApiClient.Response r = client.send("GET", "/api/v1/caller", null);
            if (r.status() != 200) return OperatorGuard.CallerAnswer.UNREACHABLE;
            JsonNode g = JSON.readTree(r.body()).get("governed");
            if (g == null || !g.isBoolean()) return OperatorGuard.CallerAnswer.UNREACHABLE;
            return g.asBoolean() ? OperatorGuard.CallerAnswer.GOVERNED : OperatorGuard.CallerAnswer.UNGOVERNED;
        } catch (IOException | RuntimeException e) {
            return OperatorGuard.CallerAnswer.UNREACHABLE;
        }
    }

    @Override
    public OperatorGuard.Verification verify(String token) {
        if (client == null) return OperatorGuard.Verification.UNREACHABLE;
        try {
            ApiClient.Response r = client.send("POST", "/api/v1/operator/verify", JSON.writeValueAsString(Map.of("token", token)));
            if (r.status() == 204) return OperatorGuard.Verification.VALID;
            if (r.status() == 403 || r.status() == 400) return OperatorGuard.Verification.INVALID;
            return OperatorGuard.Verification.UNREACHABLE;
        } catch (IOException | RuntimeException e) {
            return OperatorGuard.Verification.UNREACHABLE;
        }
    }
}
