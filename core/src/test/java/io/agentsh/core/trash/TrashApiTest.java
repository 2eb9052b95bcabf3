package io.agentsh.core.trash;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrashApiTest {
    @TempDir Path tmp;

    @Test void sessionCallersAreConfinedToTheirWorkspace() throws Exception {
        Path ws = Files.createDirectories(tmp.resolve("ws"));
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.createSymbolicLink(ws.resolve("escape"), other);
        try (TrashStore store = TrashStore.open(tmp.resolve("trash"))) {
            Files.writeString(ws.resolve("mine"), "m");
            Files.writeString(other.resolve("theirs"), "t");
            TrashEntry mine = store.divert(ws.resolve("mine"), ws.resolve("mine").toString(), "s1", "r", null);
            TrashEntry theirs = store.divert(other.resolve("theirs"), other.resolve("theirs").toString(), "s2", "r", null);
            TrashApi api = new TrashApi(store);
            TrashApi.Caller agent = new TrashApi.Caller("s1", ws);

            assertEquals(List.of(mine), api.list(agent, null).body());
            assertEquals(2, ((List<?>) api.list(TrashApi.Caller.OPERATOR, null).body()).size());
            assertEquals(403, api.restore(agent, theirs.token(), null, false).status());
            assertEquals(403, api.restore(agent, mine.token(), ws.resolve("escape/x").toString(), false).status());
            assertEquals(403, api.purge(agent, "0s", null, null, false).status());
            assertEquals(404, api.restore(agent, "1", null, false).status());

            Files.writeString(ws.resolve("mine"), "again");
            assertEquals(409, api.restore(agent, mine.token(), null, false).status());
            TrashApi.Reply ok = api.restore(agent, mine.token(), ws.resolve("mine.restored").toString(), false);
            assertEquals(200, ok.status(), ok.body().toString());
            assertEquals(ws.resolve("mine.restored").toString(), ((Map<?, ?>) ok.body()).get("restored_to"));
            assertEquals("m", Files.readString(ws.resolve("mine.restored")));

            assertEquals(400, api.purge(TrashApi.Caller.OPERATOR, "7 days", null, null, false).status());
            TrashApi.Reply purged = api.purge(TrashApi.Caller.OPERATOR, null, null, "s2", false);
            assertEquals(200, purged.status());
            assertTrue(store.list(null).isEmpty());
        }
    }
}
