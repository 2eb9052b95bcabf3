package io.agentsh.core.trash;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrashJanitorTest {
    @TempDir Path tmp;

    @Test void enforcesTheQuotaAfterASoftDelete() throws Exception {
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        try (TrashStore store = TrashStore.open(tmp.resolve("trash"));
             TrashJanitor janitor = new TrashJanitor(store, Duration.ofDays(7), 1500, Duration.ofHours(1), log::add)) {
            SoftDeleter deleter = new SoftDeleter(store, janitor.nudger());
            for (int i = 0; i < 3; i++) {
                Path f = Files.writeString(tmp.resolve("f" + i), "x".repeat(1000));
                deleter.quarantine(f, "s", "r");
            }
            janitor.runOnce();   // the nudges run on the janitor's thread; this settles the result
            assertEquals(1, store.list(null).size(), "oldest removed until the total fits 1500 bytes");
            assertTrue(store.list(null).get(0).originalPath().endsWith("f2"));
            // Whichever run purged (a nudge on the janitor's thread, or runOnce here), it said so.
            for (int i = 0; i < 200 && log.isEmpty(); i++) Thread.sleep(10);
            assertFalse(log.isEmpty());
        }
    }
}
