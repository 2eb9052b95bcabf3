package io.agentsh.core.trash;

import static org.junit.jupiter.api.Assertions.*;

import io.agentsh.core.server.ApiRequest;
import io.agentsh.core.server.ApiResponse;
import io.agentsh.core.server.Caller;
import io.agentsh.core.server.Role;
import io.agentsh.core.server.Router;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrashRoutesTest {
    @TempDir Path tmp;

    private static ApiResponse call(Router r, String method, String path, String body, Caller caller) throws Exception {
        Router.Match m = r.match(method, path);
        assertNotNull(m.route(), method + " " + path);
        int q = path.indexOf('?');
        Map<String, List<String>> query = q < 0 ? Map.of() : Map.of(path.substring(q + 1).split("=")[0], List.of(path.substring(q + 1).split("=")[1]));
        return m.route().handler().handle(new ApiRequest(method, path, m.params(), query, Map.of(),
                body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8), caller));
    }

    private static String text(ApiResponse r) { return new String(r.body(), StandardCharsets.UTF_8); }

    @Test void routesListRestoreAndPurge() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        try (TrashStore store = TrashStore.open(tmp.resolve("trash"))) {
            Files.writeString(ws.resolve("a"), "a");
            TrashEntry e = store.divert(ws.resolve("a"), ws.resolve("a").toString(), "s1", "r", null);
            Router router = new Router();
            Caller agent = new Caller(Role.AGENT, null, false, true, 42, 0, null);
            Caller admin = new Caller(Role.ADMIN, null, true, true, 7, 0, null);
            new TrashRoutes(new TrashApi(store), c -> c.peerPid() == 42 ? new TrashApi.Caller("s1", ws) : TrashApi.Caller.OPERATOR)
                    .register(router);

            ApiResponse list = call(router, "GET", "/api/v1/trash", null, agent);
            assertEquals(200, list.status());
            assertTrue(text(list).contains("\"token\":\"" + e.token() + "\""), text(list));
            assertTrue(text(list).contains("\"created\":\""), "times as RFC 3339 strings: " + text(list));

            assertEquals(403, call(router, "POST", "/api/v1/trash/purge", "{\"ttl\":\"0s\"}", agent).status());
            assertEquals(403, call(router, "POST", "/api/v1/trash/" + e.token() + "/restore", "{\"to\":\"/etc/x\"}", agent).status());
            ApiResponse ok = call(router, "POST", "/api/v1/trash/" + e.token() + "/restore", null, agent);
            assertEquals(200, ok.status(), text(ok));
            assertEquals("a", Files.readString(ws.resolve("a")));
            ApiResponse purge = call(router, "POST", "/api/v1/trash/purge", "{\"ttl\":\"7d\",\"dry_run\":true}", admin);
            assertEquals(200, purge.status(), text(purge));
        }
    }
}
