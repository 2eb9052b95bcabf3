package io.agentsh.cli.trash;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agentsh.cli.client.ApiClient;
import io.agentsh.core.trash.ManifestCodec;
import io.agentsh.core.trash.TrashEntry;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The trash verbs through the daemon ({@code /api/v1/trash}), used inside a governed session: the
 * agent cannot read the store (0700, the daemon's), and the daemon confines it to its own
 * workspace. Errors come back as {@code {"error": "..."}} and are shown as they are.
 */
final class DaemonTrash {
    /** A refusal from the daemon: its message, for stderr, and exit 1. */
    static final class Refused extends Exception {
        Refused(String message) { super(message); }
    }

    private final ApiClient client;

    DaemonTrash(String server, String apiKey) {
        this.client = new ApiClient(server, apiKey, Duration.ofSeconds(30));
    }

    /** Whether this process says it runs inside a governed session (the daemon checks it for real). */
    static boolean inSession() {
        return "1".equals(System.getenv("AGENTSH_IN_SESSION"));
    }

    List<TrashEntry> list(String session) throws IOException, Refused {
        String path = "/api/v1/trash" + (session == null ? "" : "?session=" + URLEncoder.encode(session, StandardCharsets.UTF_8));
        JsonNode body = ok(client.send("GET", path, null));
        List<TrashEntry> out = new ArrayList<>();
        for (JsonNode n : body) out.add(ManifestCodec.mapper().treeToValue(n, TrashEntry.class));
        return out;
    }

    String restore(String token, String to, boolean force) throws IOException, Refused {
        ObjectNode req = ManifestCodec.mapper().createObjectNode();
        if (to != null) req.put("to", to);
        req.put("force", force);
        JsonNode body = ok(client.send("POST", "/api/v1/trash/" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "/restore",
                ManifestCodec.mapper().writeValueAsString(req)));
        return body.path("restored_to").asText();
    }

    int purge(String ttl, String quota, String session, boolean dryRun) throws IOException, Refused {
        ObjectNode req = ManifestCodec.mapper().createObjectNode();
        if (ttl != null) req.put("ttl", ttl);
        if (quota != null) req.put("quota", quota);
        if (session != null) req.put("session", session);
        req.put("dry_run", dryRun);
        return ok(client.send("POST", "/api/v1/trash/purge", ManifestCodec.mapper().writeValueAsString(req))).path("removed").size();
    }

    private static JsonNode ok(ApiClient.Response r) throws IOException, Refused {
        JsonNode body;
        try {
            body = ManifestCodec.mapper().readTree(r.body());
        } catch (IOException e) {
            body = null;
        }
        if (r.ok() && body != null) return body;
        String msg = body != null && body.hasNonNull("error") ? body.get("error").asText() : ("HTTP " + r.status() + " " + r.reason());
        throw new Refused(msg);
    }
}
