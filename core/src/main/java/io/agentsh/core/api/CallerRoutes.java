package io.agentsh.core.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.agentsh.core.approval.OperatorToken;
import io.agentsh.core.exec.GovernedProcesses;
import io.agentsh.core.server.Access;
import io.agentsh.core.server.ApiRequest;
import io.agentsh.core.server.ApiResponse;
import io.agentsh.core.server.Router;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the CLI asks before a verb that weakens governance (CONTRACT §2, "No bypass by name or by
 * variable"): {@code GET /api/v1/caller} tells the calling process whether it runs inside a
 * governed session (by its SO_PEERCRED pid, never by anything it says), and
 * {@code POST /api/v1/operator/verify} checks an operator credential. Unix socket only; no API key
 * needed, since the answer concerns the caller itself and the token is 256 random bits.
 */
public final class CallerRoutes {
    public record VerifyBody(@JsonProperty("token") String token) {}

    private final GovernedProcesses governed;
    private final OperatorToken operatorToken;

    /** @param operatorToken null when the daemon could not write one: every credential is then refused */
    public CallerRoutes(GovernedProcesses governed, OperatorToken operatorToken) {
        this.governed = governed;
        this.operatorToken = operatorToken;
    }

    public void register(Router router) {
        router.add("GET", "/api/v1/caller", Access.PUBLIC, this::caller);
        router.add("POST", "/api/v1/operator/verify", Access.PUBLIC, this::verify);
    }

    ApiResponse caller(ApiRequest q) {
        int pid = peer(q);
        String session = governed.sessionOf(pid);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("governed", session != null);
        m.put("session_id", session == null ? "" : session);
        m.put("pid", pid);
        return ApiResponse.json(200, m);
    }

    ApiResponse verify(ApiRequest q) {
        peer(q);
        VerifyBody b = q.json(VerifyBody.class);
        if (b.token() == null || b.token().isBlank()) throw new ApiException(400, "token is required");
        if (operatorToken == null || !operatorToken.matches(b.token())) {
            throw new ApiException(403, "operator credential not valid");
        }
        return ApiResponse.noContent();
    }

    /** The caller's pid from SO_PEERCRED; TCP callers are refused (their pid would be a guess). */
    private static int peer(ApiRequest q) {
        if (!q.caller().unixSocket() || q.caller().peerPid() <= 0) {
            throw new ApiException(403, "this route is served only on the unix socket");
        }
        return q.caller().peerPid();
    }
}
