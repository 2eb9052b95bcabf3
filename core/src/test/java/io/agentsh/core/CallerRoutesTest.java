package io.agentsh.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.agentsh.core.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /api/v1/caller and POST /api/v1/operator/verify over the unix socket (CONTRACT §2). */
class CallerRoutesTest {

    static JsonNode json(String statusAndBody) throws Exception {
        return Json.MAPPER.readTree(statusAndBody.substring(4));
    }

    @Test
    void callerIsToldApartByItsPeerPid(@TempDir Path ws) throws Exception {
        try (TestDaemon d = TestDaemon.start(ApiSurfaceTest.exeDev(TestDaemon.compat().resolve("exe.dev")), b -> { })) {
            Path sock = d.daemon.unixSocketPath();
            String outside = ApiSurfaceTest.overUnix(sock, "GET", "/api/v1/caller", "");
            assertEquals("200", outside.substring(0, 3), outside);
            assertEquals(false, json(outside).get("governed").asBoolean());
            assertEquals("", json(outside).get("session_id").asText());
            assertEquals(ProcessHandle.current().pid(), json(outside).get("pid").asLong());

            String sid = d.session(ws, null);
            long me = ProcessHandle.current().pid();
            d.daemon.governed().add(me, sid);
            try {
                String inside = ApiSurfaceTest.overUnix(sock, "GET", "/api/v1/caller", "");
                assertEquals("200", inside.substring(0, 3), inside);
                assertTrue(json(inside).get("governed").asBoolean(), inside);
                assertEquals(sid, json(inside).get("session_id").asText());

                // a governed caller may still prove it holds the operator credential
                String token = Files.readString(d.dataDir.resolve("operator.token")).strip();
                String ok = ApiSurfaceTest.overUnix(sock, "POST", "/api/v1/operator/verify", Json.encode(Map.of("token", token)));
                assertEquals("204", ok.substring(0, 3), ok);
                String bad = ApiSurfaceTest.overUnix(sock, "POST", "/api/v1/operator/verify",
                        Json.encode(Map.of("token", token.substring(1) + "0")));
                assertEquals("403", bad.substring(0, 3), bad);
            } finally {
                d.daemon.governed().remove(me);
            }
            assertEquals(false, json(ApiSurfaceTest.overUnix(sock, "GET", "/api/v1/caller", "")).get("governed").asBoolean());

            String missing = ApiSurfaceTest.overUnix(sock, "POST", "/api/v1/operator/verify", "{}");
            assertEquals("400", missing.substring(0, 3), missing);
            String garbage = ApiSurfaceTest.overUnix(sock, "POST", "/api/v1/operator/verify", "{\"token\":\"nope\"}");
            assertEquals("403", garbage.substring(0, 3), garbage);

            // over TCP the peer pid would be a guess: refused
            assertEquals(403, d.get("/api/v1/caller").status());
            assertEquals(403, d.post("/api/v1/operator/verify", "{\"token\":\"x\"}").status());
        }
    }
}
