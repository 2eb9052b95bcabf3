package io.agentsh.core.server;

import io.agentsh.core.api.ApiException;
import io.agentsh.core.approval.OperatorToken;
import io.agentsh.core.config.DaemonConfig;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Routing, authentication and error mapping for one request; transport-independent. */
public final class Dispatcher {
    private static final Logger LOG = Logger.getLogger(Dispatcher.class.getName());
    static final String APPROVALS_NEED_AUTH =
            "approvals endpoints require auth (set auth.type=api_key and use separate agent/approver keys)";

    /** Raw request facts from the transport. */
    public record Incoming(String method, String path, Map<String, List<String>> query, Map<String, String> headers,
                           byte[] body, boolean unixSocket, int peerPid, int peerUid, String remote,
                           int remotePort, int localPort) {}

    private final Router router;
    private final DaemonConfig config;
    private final ApiKeys keys;
    private final OperatorToken operatorToken;
    private final IntPredicate insideSession;

    /**
     * @param keys          null when auth.type is not api_key or the keys file failed to load
     * @param insideSession true for a pid that belongs to a command running in a session
     */
    public Dispatcher(Router router, DaemonConfig config, ApiKeys keys, OperatorToken operatorToken,
                      IntPredicate insideSession) {
        this.router = router;
        this.config = config;
        this.keys = keys;
        this.operatorToken = operatorToken;
        this.insideSession = insideSession;
    }

    public ApiResponse dispatch(Incoming in) {
        Router.Match m = router.match(in.method(), in.path());
        if (m.route() == null) {
            return m.pathKnown() ? ApiResponse.text(405, ApiResponse.TEXT, "Method Not Allowed\n")
                    : ApiResponse.text(404, ApiResponse.TEXT, "404 page not found\n");
        }
        try {
            Caller caller = authenticate(in, m.route().access());
            ApiRequest req = new ApiRequest(in.method(), in.path(), m.params(), in.query(), in.headers(), in.body(),
                    caller);
            return m.route().handler().handle(req);
        } catch (ApiException e) {
            return ApiResponse.error(e.status(), e.getMessage());
        } catch (Exception e) {
            LOG.log(Level.SEVERE, in.method() + " " + in.path() + " failed", e);
            return ApiResponse.error(500, "internal error: " + e.getClass().getSimpleName());
        }
    }

    private Caller authenticate(Incoming in, Access access) {
        boolean operator = operatorToken != null && operatorToken.matches(in.headers().get(
                OperatorToken.HEADER.toLowerCase(java.util.Locale.ROOT)));
        Role role = null;
        String keyId = null;
        if (access != Access.PUBLIC && !config.authDisabled()) {
            if (!config.authType().equals("api_key")) throw new ApiException(401, "unsupported auth type");
            if (keys == null) throw new ApiException(503, "api key auth enabled but keys not loaded");
            ApiKeys.Key k = keys.find(in.headers().get(config.apiKeyHeader().toLowerCase(java.util.Locale.ROOT)));
            if (k == null && !operator) throw new ApiException(401, "unauthorized");
            if (k != null) {
                role = k.role();
                keyId = k.id();
            }
        }
        Caller caller = new Caller(role, keyId, operator, in.unixSocket(), in.peerPid(), in.peerUid(), in.remote(),
                in.remotePort(), in.localPort());
        switch (access) {
            case APPROVER, ADMIN -> {
                boolean roleOk = role == Role.ADMIN || (access == Access.APPROVER && role == Role.APPROVER);
                if (!roleOk && !operator) {
                    if (config.authDisabled()) throw new ApiException(403, APPROVALS_NEED_AUTH);
                    throw new ApiException(403, "forbidden");
                }
                // A process inside a governed session never approves, whatever credential it holds.
                int pid = caller.pid();
                if (pid > 0 && insideSession.test(pid)) {
                    throw new ApiException(403, "forbidden: caller runs inside an agentsh session");
                }
                if (!in.unixSocket() && pid <= 0) {
                    LOG.warning("could not identify the process behind " + in.remote() + " for " + in.path());
                }
            }
            case UNIX_PEER -> {
                if (!in.unixSocket() || in.peerPid() <= 0) {
                    throw new ApiException(403, "this route is served only on the unix socket");
                }
            }
            default -> { }
        }
        return caller;
    }
}
