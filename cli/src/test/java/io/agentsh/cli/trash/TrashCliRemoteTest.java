package io.agentsh.cli.trash;

import static org.junit.jupiter.api.Assertions.*;

import com.sun.net.httpserver.HttpServer;
import io.agentsh.core.trash.ManifestCodec;
import io.agentsh.core.trash.TrashApi;
import io.agentsh.core.trash.TrashEntry;
import io.agentsh.core.trash.TrashStore;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --remote: the verbs through /api/v1/trash (a loopback stand-in serving TrashApi as a session caller). */
class TrashCliRemoteTest {
    @TempDir Path tmp;

    @Test void verbsGoThroughTheDaemonAndItsConfinement() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Files.writeString(ws.resolve("a"), "a");
        try (TrashStore store = TrashStore.open(tmp.resolve("trash"))) {
            TrashEntry e = store.divert(ws.resolve("a"), ws.resolve("a").toString(), "s1", "r", null);
            TrashApi api = new TrashApi(store);
            TrashApi.Caller agent = new TrashApi.Caller("s1", ws);
            HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/api/v1/trash", x -> {
                String path = x.getRequestURI().getPath();
                byte[] in = x.getRequestBody().readAllBytes();
                Map<?, ?> body = in.length == 0 ? Map.of() : ManifestCodec.mapper().readValue(in, Map.class);
                TrashApi.Reply r;
                if (path.equals("/api/v1/trash")) r = api.list(agent, null);
                else if (path.endsWith("/purge")) r = api.purge(agent, (String) body.get("ttl"), null, null, false);
                else r = api.restore(agent, path.split("/")[4], (String) body.get("to"), Boolean.TRUE.equals(body.get("force")));
                byte[] out = ManifestCodec.mapper().writeValueAsBytes(r.body());
                x.sendResponseHeaders(r.status(), out.length);
                x.getResponseBody().write(out);
                x.close();
            });
            http.start();
            try {
                String server = "http://127.0.0.1:" + http.getAddress().getPort();
                TrashCliTest.Result list = TrashCliTest.run("--server", server, "trash", "list", "--remote");
                assertEquals(0, list.code(), list.err());
                assertTrue(list.out().startsWith(e.token() + "\t" + ws.resolve("a") + "\t1 bytes\t"), list.out());
                TrashCliTest.Result purge = TrashCliTest.run("--server", server, "trash", "purge", "--ttl", "0s", "--remote");
                assertEquals(1, purge.code());
                assertEquals("agentsh: trash purge needs an operator credential\n", purge.err());
                TrashCliTest.Result outside = TrashCliTest.run("--server", server, "trash", "restore", e.token(), "--to", "/etc/x", "--remote");
                assertEquals(1, outside.code());
                assertTrue(outside.err().contains("outside this session's workspace"), outside.err());
                TrashCliTest.Result ok = TrashCliTest.run("--server", server, "trash", "restore", e.token(), "--remote");
                assertEquals(0, ok.code(), ok.err());
                assertEquals("restored to " + ws.resolve("a") + "\n", ok.out());
                assertEquals("a", Files.readString(ws.resolve("a"), StandardCharsets.UTF_8));
            } finally {
                http.stop(0);
            }
        }
    }
}
