package io.agentsh.core.trash;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guards what the divert fast path must not change: the on-disk bytes of manifests and journals,
 * the order journal, move, manifest, journal removed; token collision checks against every name
 * a token can have on disk; recovery from a stale temporary file; and the cached payload-directory
 * device still choosing rename or copy per source.
 */
class TrashDivertInvariantsTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000L);
    /** The first token a store on a clock fixed at {@link #NOW} hands out. */
    private static final long T = 1_700_000_000_000_000_000L;

    @TempDir Path tmp;
    TrashStore store;
    Path shmDir;

    @AfterEach void tearDown() throws IOException {
        if (store != null) store.close();
        if (shmDir != null) TreeOps.deleteTree(shmDir);
    }

    private void openFixedClock() throws IOException {
        store = TrashStore.open(tmp.resolve("trash"), TrashStore.DEFAULT_HASH_LIMIT, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private Path dir(String name) { return tmp.resolve("trash").resolve(name); }

    private static String state(Path journal, Path source, Path payload, Path manifest) {
        return "journal=" + Files.exists(journal) + " source=" + Files.exists(source, NOFOLLOW)
                + " payload=" + Files.exists(payload, NOFOLLOW) + " manifest=" + Files.exists(manifest);
    }

    private static TrashEntry sampleEntry() {
        return new TrashEntry("1700000000123456789", "/ws/dir \"q\"/\u00e9.txt", "/trash/payload/1700000000123456789", 1234,
                "ab".repeat(32), "sha256", 0640, 1000, 1001, Instant.parse("2024-03-04T05:06:07.123456Z"),
                Instant.parse("2024-03-04T05:06:08Z"), "s1", "rm -rf x", "soft-del", Instant.parse("2024-05-06T07:08:09.000000001Z"),
                "dir", null, "rename", 2049L, 77L,
                List.of(new TreeEntry("a", "file", 5, 0600, 1000, 1000, Instant.parse("2023-01-02T03:04:05Z"), null, "cd".repeat(32), null),
                        new TreeEntry("l", "symlink", 1, 0777, 0, 0, Instant.parse("2023-01-02T03:04:05Z"),
                                Instant.parse("2023-01-02T03:04:06Z"), null, "a")));
    }

    /** Byte for byte what a manifest looked like before the codec kept bound writers. */
    private static final String MANIFEST = """
            {
              "token" : "1700000000123456789",
              "original_path" : "/ws/dir \\"q\\"/\u00e9.txt",
              "trash_path" : "/trash/payload/1700000000123456789",
              "size" : 1234,
              "hash" : "abababababababababababababababababababababababababababababababab",
              "hash_algo" : "sha256",
              "mode" : 416,
              "uid" : 1000,
              "gid" : 1001,
              "mtime" : "2024-03-04T05:06:07.123456Z",
              "atime" : "2024-03-04T05:06:08Z",
              "session" : "s1",
              "command" : "rm -rf x",
              "rule" : "soft-del",
              "created" : "2024-05-06T07:08:09.000000001Z",
              "type" : "dir",
              "storage" : "rename",
              "source_dev" : 2049,
              "source_ino" : 77,
              "tree" : [ {
                "path" : "a",
                "type" : "file",
                "size" : 5,
                "mode" : 384,
                "uid" : 1000,
                "gid" : 1000,
                "mtime" : "2023-01-02T03:04:05Z",
                "hash" : "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
              }, {
                "path" : "l",
                "type" : "symlink",
                "size" : 1,
                "mode" : 511,
                "uid" : 0,
                "gid" : 0,
                "mtime" : "2023-01-02T03:04:05Z",
                "atime" : "2023-01-02T03:04:06Z",
                "symlink_target" : "a"
              } ]
            }""";

    /**
     * Byte for byte what a divert journal looked like before the codec kept bound writers: the
     * manifest above, nested one level deeper under "entry", then the source.
     */
    private static final String DIVERT_JOURNAL = "{\n  \"op\" : \"divert\",\n  \"entry\" : " + MANIFEST.replace("\n", "\n  ")
            + ",\n  \"source\" : \"/proc/1/cwd/x\"\n}";

    @Test void manifestAndJournalBytesAreUnchanged() throws Exception {
        TrashEntry e = sampleEntry();
        assertEquals(MANIFEST, new String(ManifestCodec.encode(e), StandardCharsets.UTF_8));
        JournalRecord divert = new JournalRecord(JournalRecord.DIVERT, e, "/proc/1/cwd/x", null);
        assertEquals(DIVERT_JOURNAL, new String(ManifestCodec.encodeJournal(divert), StandardCharsets.UTF_8));
        JournalRecord restore = new JournalRecord(JournalRecord.RESTORE, e, null, "/ws/y");
        assertArrayEquals(ManifestCodec.mapper().writeValueAsBytes(restore), ManifestCodec.encodeJournal(restore));
        assertEquals(e, ManifestCodec.decode(MANIFEST.getBytes(StandardCharsets.UTF_8)));
        assertEquals(divert, ManifestCodec.decodeJournal(DIVERT_JOURNAL.getBytes(StandardCharsets.UTF_8)));
        byte[] torn = "{\"op\" : \"divert\", \"entry\" : {".getBytes(StandardCharsets.UTF_8);
        assertThrows(IOException.class, () -> ManifestCodec.decodeJournal(torn));
        assertThrows(IOException.class, () -> ManifestCodec.decode(torn));
    }

    @Test void journalIsWrittenBeforeTheMoveAndRemovedAfterTheManifest() throws Exception {
        openFixedClock();
        Path ws = Files.createDirectory(tmp.resolve("ws"));
        Path f = Files.writeString(ws.resolve("a.txt"), "content");
        String token = Long.toString(T);
        Path journal = dir("journal").resolve(token + ".divert.json");
        Path manifest = dir("manifest").resolve(token + ".json");
        Path payload = dir("payload").resolve(token);
        List<String> seen = new ArrayList<>();
        AtomicReference<byte[]> journalBytes = new AtomicReference<>();
        store.failPoint = p -> {
            if (p.equals("divert:journaled")) journalBytes.set(Files.readAllBytes(journal));
            seen.add(p + " " + state(journal, f, payload, manifest));
        };
        TrashEntry e = store.divert(f, f.toString(), "s1", "soft-del", "rm a.txt");
        assertEquals(token, e.token());
        assertEquals(TrashEntry.STORAGE_RENAME, e.storage());
        assertEquals(List.of("divert:journaled journal=true source=true payload=false manifest=false",
                "divert:moved journal=true source=false payload=true manifest=false"), seen);
        assertEquals("journal=false source=false payload=true manifest=true", state(journal, f, payload, manifest));
        assertArrayEquals(ManifestCodec.mapper().writeValueAsBytes(e), Files.readAllBytes(manifest));
        JournalRecord r = ManifestCodec.mapper().readValue(journalBytes.get(), JournalRecord.class);
        assertEquals(JournalRecord.DIVERT, r.op());
        assertEquals(f.toString(), r.source());
        assertEquals(token, r.entry().token());
        assertArrayEquals(ManifestCodec.mapper().writeValueAsBytes(r), journalBytes.get());
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(manifest)));
        try (Stream<Path> s = Stream.concat(Files.list(dir("journal")), Files.list(dir("manifest")))) {
            assertEquals(List.of(manifest), s.toList(), "no temporaries or journals left behind");
        }
    }

    @Test void staleTemporariesOfACrashedWriterAreReplaced() throws Exception {
        openFixedClock();
        String token = Long.toString(T);
        // Left by another process that crashed mid-write while this store was open (open() would have removed them).
        Path staleJournal = Files.writeString(dir("journal").resolve(token + ".divert.json.tmp"), "{\"op\" : \"div");
        Path staleManifest = Files.writeString(dir("manifest").resolve(token + ".json.tmp"),
                "garbage longer than any manifest ".repeat(60));
        Files.setPosixFilePermissions(staleManifest, PosixFilePermissions.fromString("rw-rw-rw-"));
        Path ws = Files.createDirectory(tmp.resolve("ws"));
        Path f = Files.writeString(ws.resolve("b.txt"), "bee");
        TrashEntry e = store.divert(f, f.toString(), "s1", "soft-del", "rm b.txt");
        assertEquals(token, e.token());
        assertFalse(Files.exists(staleJournal, NOFOLLOW));
        assertFalse(Files.exists(staleManifest, NOFOLLOW));
        Path manifest = dir("manifest").resolve(token + ".json");
        assertArrayEquals(ManifestCodec.encode(e), Files.readAllBytes(manifest));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(manifest)));
        assertEquals(e, store.get(token).orElseThrow());
        assertFalse(Files.exists(dir("journal").resolve(token + ".divert.json")));
    }

    @Test void aTokenIsSkippedWhileAnyOfItsNamesIsOnDisk() throws Exception {
        openFixedClock();
        // Each of the six names a token can have, for six consecutive tokens; the payload names as
        // dangling symlinks, which only an lstat sees (a diverted dangling symlink is a valid payload).
        Files.createSymbolicLink(dir("payload").resolve(Long.toString(T)), tmp.resolve("nowhere"));
        Files.createSymbolicLink(dir("payload").resolve((T + 1) + ".partial"), tmp.resolve("nowhere"));
        Files.writeString(dir("manifest").resolve((T + 2) + ".json"), "{}");
        Files.writeString(dir("journal").resolve((T + 3) + ".divert.json"), "{}");
        Files.writeString(dir("journal").resolve((T + 4) + ".restore.json"), "{}");
        Files.writeString(dir("journal").resolve((T + 5) + ".purge.json"), "{}");
        Path ws = Files.createDirectory(tmp.resolve("ws"));
        Path f = Files.writeString(ws.resolve("c.txt"), "sea");
        TrashEntry e = store.divert(f, f.toString(), "s1", "soft-del", "rm c.txt");
        assertEquals(Long.toString(T + 6), e.token());
        assertTrue(Files.isSymbolicLink(dir("payload").resolve(Long.toString(T))), "the dangling-symlink payload was not overwritten");
        assertEquals("sea", Files.readString(dir("payload").resolve(e.token())));
    }

    @Test void hashesStayRightWithAReusedDigest() throws Exception {
        Random rnd = new Random(42);
        List<Path> files = new ArrayList<>();
        for (int size : new int[] {0, 1, 1024, 65_535, 65_536, 65_537, 300_001}) {
            byte[] b = new byte[size];
            rnd.nextBytes(b);
            files.add(Files.write(tmp.resolve("h" + size), b));
        }
        Path notAFile = Files.createDirectory(tmp.resolve("dir"));
        for (int round = 0; round < 2; round++) {
            for (Path p : files) {
                assertThrows(IOException.class, () -> FileSnapshot.sha256(notAFile));   // a failed hash must not leak into the next
                assertEquals(freshSha256(p), FileSnapshot.sha256(p), p.toString());
            }
        }
        AtomicReference<Object> other = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                other.set(FileSnapshot.sha256(files.get(6)));
            } catch (IOException ex) {
                other.set(ex);
            }
        });
        t.start();
        t.join();
        assertEquals(freshSha256(files.get(6)), other.get());
    }

    private static String freshSha256(Path p) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    }

    @Test void renameOrCopyIsDecidedPerSourceWithTheCachedTrashDevice() throws Exception {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && !Files.getAttribute(shm, "unix:dev").equals(Files.getAttribute(tmp, "unix:dev")),
                "needs /dev/shm on a different filesystem than the temp dir");
        shmDir = Files.createTempDirectory(shm, "agentsh-trash-test");
        store = TrashStore.open(tmp.resolve("trash"));
        Path local = Files.createDirectory(tmp.resolve("ws"));
        List<String> storages = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Path a = Files.writeString(local.resolve("l" + i), "local " + i);
            Path b = Files.writeString(shmDir.resolve("s" + i), "shm " + i);
            storages.add(store.divert(a, a.toString(), "s", "r", null).storage());
            storages.add(store.divert(b, b.toString(), "s", "r", null).storage());
            assertFalse(Files.exists(a));
            assertFalse(Files.exists(b));
        }
        assertEquals(List.of("rename", "copy", "rename", "copy"), storages);
        for (TrashEntry e : store.list(null)) {
            store.restore(e.token(), null, false);
            String name = Path.of(e.originalPath()).getFileName().toString();
            assertEquals((name.startsWith("l") ? "local " : "shm ") + name.substring(1), Files.readString(Path.of(e.originalPath())));
        }
    }
}
