package io.agentsh.proxy.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentsh.policy.ServerConfig;
import io.agentsh.policy.ServerConfigLoader;
import io.agentsh.proxy.dlp.DlpEngine;
import io.agentsh.proxy.dlp.DlpMode;
import io.agentsh.proxy.dlp.DlpSettings;
import io.agentsh.proxy.dlp.Redactor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** llm_storage.retention: age and size limits on ended sessions' LLM storage, and nothing else. */
class LlmStorageRetentionTest {
    static final Instant NOW = Instant.parse("2026-11-23T04:00:00Z");

    @TempDir Path sessions;

    /** A session dir with an LLM log of {@code logBytes} and one stored body, last written {@code daysAgo}. */
    Path session(String id, int logBytes, int daysAgo) throws Exception {
        Path dir = Files.createDirectories(sessions.resolve(id));
        Path log = Files.write(dir.resolve(RequestLog.FILE_NAME), new byte[logBytes]);
        Path bodies = Files.createDirectories(dir.resolve(LlmStorageCleaner.BODIES_DIR));
        Path body = Files.writeString(bodies.resolve("req_1.json"), "{}");
        FileTime t = FileTime.from(NOW.minus(Duration.ofDays(daysAgo)));
        Files.setLastModifiedTime(log, t);
        Files.setLastModifiedTime(body, t);
        return dir;
    }

    static LlmStorageCleaner.Result run(Path dir, LlmRetention r, Set<String> active) throws Exception {
        return LlmStorageCleaner.run(dir, r, active::contains, NOW);
    }

    @Test
    void storageOlderThanMaxAgeGoesUnlessTheSessionIsActive() throws Exception {
        Path old = session("s-old", 10, 40);
        Path fresh = session("s-fresh", 10, 3);
        Path activeOld = session("s-active", 10, 90);
        LlmStorageCleaner.Result r = run(sessions, new LlmRetention(30, 0, null), Set.of("s-active"));
        assertEquals(List.of("s-old"), r.sessions());
        assertEquals(12, r.bytesFreed());
        assertFalse(Files.exists(old), "nothing else was in it: the session dir goes too");
        assertTrue(Files.exists(fresh.resolve(RequestLog.FILE_NAME)));
        assertTrue(Files.exists(activeOld.resolve(RequestLog.FILE_NAME)), "an active session keeps its log");
    }

    @Test
    void onlyLlmStorageIsRemovedNeverOtherFilesOrLinkTargets(@TempDir Path elsewhere) throws Exception {
        Path dir = session("s-mixed", 10, 40);
        Path other = Files.writeString(Files.createDirectories(dir.resolve("mnt")).resolve("keep.txt"), "not ours");
        Path outside = Files.writeString(elsewhere.resolve("outside.json"), "target");
        Files.setLastModifiedTime(outside, FileTime.from(NOW.minus(Duration.ofDays(400))));
        Files.createSymbolicLink(dir.resolve(LlmStorageCleaner.BODIES_DIR).resolve("link.json"), outside);
        Path foreignLog = Files.writeString(elsewhere.resolve(RequestLog.FILE_NAME), "{}");
        Files.setLastModifiedTime(foreignLog, FileTime.from(NOW.minus(Duration.ofDays(400))));
        Files.createSymbolicLink(sessions.resolve("s-link"), elsewhere);

        LlmStorageCleaner.Result r = run(sessions, new LlmRetention(30, 0, null), Set.of());
        assertEquals(List.of("s-mixed"), r.sessions());
        assertEquals(12, r.bytesFreed(), "the link is neither counted nor followed");
        assertFalse(Files.exists(dir.resolve(RequestLog.FILE_NAME)));
        assertTrue(Files.exists(other), "other layers' files in the session dir stay");
        assertTrue(Files.exists(dir), "so does the session dir holding them");
        assertEquals("target", Files.readString(outside), "a link in llm-bodies is not followed");
        assertTrue(Files.exists(foreignLog), "a session dir that is a link is not entered");
    }

    @Test
    void overTheSizeLimitOldestFirst() throws Exception {
        int mib = 1024 * 1024;
        session("s-a", mib, 10);       // oldest
        session("s-b", mib + mib / 2, 5);
        session("s-c", mib, 1);        // newest
        LlmStorageCleaner.Result r = run(sessions, new LlmRetention(0, 3, LlmRetention.Eviction.OLDEST_FIRST), Set.of());
        assertEquals(List.of("s-a"), r.sessions(), "3.5 MiB over 3 MiB: the oldest goes, then it fits");
        assertTrue(Files.exists(sessions.resolve("s-b")));
        assertTrue(Files.exists(sessions.resolve("s-c")));
    }

    @Test
    void overTheSizeLimitLargestFirstAndActiveSessionsCountButStay() throws Exception {
        int mib = 1024 * 1024;
        session("s-a", mib, 10);
        session("s-big-active", 3 * mib, 1);
        session("s-b", 2 * mib, 5);
        LlmStorageCleaner.Result r = run(sessions, new LlmRetention(0, 5, LlmRetention.Eviction.LARGEST_FIRST),
                Set.of("s-big-active"));
        assertEquals(List.of("s-b"), r.sessions(), "6 MiB over 5: the largest ended session goes first, then it fits");
        assertTrue(Files.exists(sessions.resolve("s-big-active").resolve(RequestLog.FILE_NAME)));
        assertTrue(Files.exists(sessions.resolve("s-a")));
    }

    @Test
    void withinLimitsOrOffNothingIsRemoved() throws Exception {
        session("s-a", 10, 40);
        assertEquals(List.of(), run(sessions, LlmRetention.OFF, Set.of()).sessions());
        assertEquals(List.of(), run(sessions, new LlmRetention(60, 500, null), Set.of()).sessions());
        assertEquals(List.of(), run(sessions.resolve("missing"), LlmRetention.DEFAULT, Set.of()).sessions());
        assertTrue(Files.exists(sessions.resolve("s-a").resolve(RequestLog.FILE_NAME)));
    }

    @Test
    void registeringASessionAppliesRetentionToEndedOnes() throws Exception {
        Path old = session("s-ended", 10, 45);
        LlmProxySettings s = new LlmProxySettings(LlmProxySettings.Mode.EMBEDDED, null, 0, null, null, null, sessions,
                null, 0, null, false, new LlmRetention(30, 500, null));
        try (LlmProxy proxy = LlmProxy.start(s, LlmEventSink.NONE)) {
            Redactor red = Redactor.forSession(DlpEngine.compile(DlpSettings.defaults()), DlpMode.REDACT);
            proxy.registerSession("s-new", red);
            proxy.awaitRetention();
            assertFalse(Files.exists(old), "the ended session's LLM storage is gone");
        }
    }

    @Test
    void configDefaultsAndValues() throws Exception {
        ServerConfig none = ServerConfigLoader.parse("c.yaml", "proxy:\n  mode: embedded\n", k -> null).config();
        assertEquals(LlmRetention.DEFAULT, LlmProxyConfig.retention(none), "the reference's 30 days / 500 MB / oldest_first");
        ServerConfig set = ServerConfigLoader.parse("c.yaml", """
                llm_storage:
                  retention:
                    max_age_days: 7
                    max_size_mb: 0
                    eviction: largest_first
                """, k -> null).config();
        assertEquals(new LlmRetention(7, 0, LlmRetention.Eviction.LARGEST_FIRST), LlmProxyConfig.retention(set));
        assertFalse(set.acceptedNotActedOn().stream().anyMatch(k -> k.startsWith("llm_storage")), set.acceptedNotActedOn().toString());
        assertThrows(IllegalArgumentException.class, () -> new LlmRetention(-1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> LlmRetention.Eviction.parse("newest_first"));
    }
}
