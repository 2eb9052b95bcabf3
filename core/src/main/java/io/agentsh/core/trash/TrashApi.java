package io.agentsh.core.trash;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon's {@code /api/v1/trash} routes, independent of the HTTP server (the daemon wires
 * them into its router; see the README). A caller inside a governed session may list and restore
 * only what was deleted from its own workspace, and only back into it (CONTRACT §2); purging
 * needs an operator. Replies are a status and a JSON-able body; errors are {@code {"error": msg}}.
 *
 * <pre>
 * GET  /api/v1/trash?session=SID                     -> 200 [TrashEntry...]
 * POST /api/v1/trash/{token}/restore {"to","force"}   -> 200 {"restored_to","token","displaced_token"?}
 *                                                        404 unknown token, 409 destination exists,
 *                                                        422 hash mismatch, 403 outside the caller's workspace
 * POST /api/v1/trash/purge {"ttl","quota","session","dry_run"} -> 200 {"removed":[...],"bytes_freed"}, 403 in a session
 * </pre>
 */
public final class TrashApi {
    /** An HTTP answer: status and body (serialise with {@link ManifestCodec#mapper()}). */
    public record Reply(int status, Object body) {}

    /** Who asks: an operator (no session), or a process inside session {@code sessionId} working in {@code workspace}. */
    public record Caller(String sessionId, Path workspace) {
        public static final Caller OPERATOR = new Caller(null, null);
        public boolean inSession() { return sessionId != null; }
    }

    private final TrashStore store;

    public TrashApi(TrashStore store) { this.store = store; }

    public Reply list(Caller caller, String session) {
        try {
            List<TrashEntry> all = store.list(session == null || session.isEmpty() ? null : session);
            if (caller.inSession()) all = all.stream().filter(e -> inside(Path.of(e.originalPath()), caller.workspace())).toList();
            return new Reply(200, all);
        } catch (IOException e) {
            return error(500, "trash list failed: " + e.getMessage());
        }
    }

    public Reply restore(Caller caller, String token, String to, boolean force) {
        try {
            TrashEntry e = store.get(token).orElse(null);
            if (e == null) return error(404, "no trash entry with token " + token);
            Path dest = to == null || to.isEmpty() ? null : Path.of(to);
            if (dest != null && !dest.isAbsolute()) return error(400, "\"to\" must be an absolute path: " + to);
            if (caller.inSession()) {
                if (!inside(Path.of(e.originalPath()), caller.workspace())) {
                    return error(403, "entry " + token + " was not deleted from this session's workspace");
                }
                if (dest != null && !inside(dest, caller.workspace())) {
                    return error(403, "restore destination " + dest + " is outside this session's workspace");
                }
            }
            TrashStore.Restored r = store.restore(token, dest, force);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("restored_to", r.path().toString());
            body.put("token", token);
            if (r.displaced() != null) body.put("displaced_token", r.displaced().token());
            return new Reply(200, body);
        } catch (TrashException.NoSuchEntry ex) {
            return error(404, ex.getMessage());
        } catch (TrashException.DestinationExists ex) {
            return error(409, ex.getMessage());
        } catch (TrashException.IntegrityFailure ex) {
            return error(422, ex.getMessage());
        } catch (TrashException | IOException | InvalidPathException ex) {
            return error(500, "restore failed: " + ex.getMessage());
        }
    }

    public Reply purge(Caller caller, String ttl, String quota, String session, boolean dryRun) {
        if (caller.inSession()) return error(403, "trash purge needs an operator credential");
        try {
            if (ttl == null && quota == null && session == null) return error(400, "purge needs ttl, quota or session");
            PurgeResult r = store.purge(new PurgeRequest(ttl == null ? null : TrashDurations.parse(ttl),
                    quota == null ? null : ByteSize.parse(quota), session, dryRun));
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("removed", r.removed());
            body.put("bytes_freed", r.bytesFreed());
            body.put("dry_run", dryRun);
            return new Reply(200, body);
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        } catch (IOException e) {
            return error(500, "purge failed: " + e.getMessage());
        }
    }

    private static Reply error(int status, String message) { return new Reply(status, Map.of("error", message)); }

    /**
     * Whether {@code p} is inside {@code workspace}, judged on real paths: the deepest existing
     * ancestor is resolved (symlinks included), so a link inside the workspace cannot aim a restore outside.
     */
    static boolean inside(Path p, Path workspace) {
        try {
            Path ws = workspace.toRealPath();
            Path abs = p.toAbsolutePath().normalize();
            Path existing = abs;
            while (existing != null && !Files.exists(existing)) existing = existing.getParent();
            if (existing == null) return false;
            Path real = existing.toRealPath().resolve(existing.relativize(abs));
            return real.normalize().startsWith(ws);
        } catch (IOException | RuntimeException e) {
            return false;   // cannot tell: refuse
        }
    }
}
