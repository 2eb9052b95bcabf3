package io.agentsh.core.trash;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.agentsh.core.server.Access;
import io.agentsh.core.server.ApiRequest;
import io.agentsh.core.server.ApiResponse;
import io.agentsh.core.server.Caller;
import io.agentsh.core.server.Router;
import java.util.function.Function;

/**
 * Puts {@link TrashApi} on the daemon's router: {@code new TrashRoutes(api, who).register(router)}.
 * {@code who} maps a request's caller to a session caller (the session whose process tree the
 * peer pid belongs to, with its workspace) or {@link TrashApi.Caller#OPERATOR}. Listing and
 * restoring are open to any authenticated caller (confined to its workspace inside a session);
 * purging needs an admin key or the operator token.
 */
public final class TrashRoutes {
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record RestoreBody(@JsonProperty("to") String to, @JsonProperty("force") Boolean force) {}

    @JsonIgnoreProperties(ignoreUnknown = true)
    public record PurgeBody(@JsonProperty("ttl") String ttl, @JsonProperty("quota") String quota,
                            @JsonProperty("session") String session, @JsonProperty("dry_run") Boolean dryRun) {}

    private final TrashApi api;
    private final Function<Caller, TrashApi.Caller> who;

    public TrashRoutes(TrashApi api, Function<Caller, TrashApi.Caller> who) {
        this.api = api;
        this.who = who;
    }

    public void register(Router r) {
        r.add("GET", "/api/v1/trash", Access.ANY, q -> reply(api.list(caller(q), q.query("session"))));
        r.add("POST", "/api/v1/trash/{token}/restore", Access.ANY, q -> {
            RestoreBody b = q.body() == null || q.body().length == 0 ? new RestoreBody(null, null) : q.json(RestoreBody.class);
            return reply(api.restore(caller(q), q.param("token"), b.to(), Boolean.TRUE.equals(b.force())));
        });
        r.add("POST", "/api/v1/trash/purge", Access.ADMIN, q -> {
            PurgeBody b = q.json(PurgeBody.class);
            return reply(api.purge(caller(q), b.ttl(), b.quota(), b.session(), Boolean.TRUE.equals(b.dryRun())));
        });
    }

    private TrashApi.Caller caller(ApiRequest q) {
        TrashApi.Caller c = who.apply(q.caller());
        return c == null ? TrashApi.Caller.OPERATOR : c;
    }

    /** Manifests carry java.time values: encode them with the manifest mapper (RFC 3339), then hand the tree over. */
    private static ApiResponse reply(TrashApi.Reply r) {
        return ApiResponse.json(r.status(), ManifestCodec.mapper().valueToTree(r.body()));
    }
}
