package io.agentsh.core.trash;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrashStoreTest {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final Instant MTIME = Instant.parse("2024-03-04T05:06:07.123456Z");

    @TempDir Path tmp;
    Path ws;
    Path trashDir;
    TrashStore store;

    @BeforeEach void setUp() throws IOException {
        ws = Files.createDirectory(tmp.resolve("ws"));
        trashDir = tmp.resolve("trash");
        store = TrashStore.open(trashDir);
    }

    @AfterEach void tearDown() throws IOException { store.close(); }

    private Path file(String name, String content, String perms) throws IOException {
        Path p = ws.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        Files.setLastModifiedTime(p, FileTime.from(MTIME));
        return p;
    }

    private TrashEntry divert(Path p) throws IOException { return store.divert(p, p.toString(), "s1", "soft-del", "rm"); }

    private TrashStore reopen() throws IOException {
        store.close();
        store = TrashStore.open(trashDir);
        return store;
    }

    private static String perms(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, NOFOLLOW));
    }

    @Test void fileRoundTripKeepsContentModeOwnerAndTimes() throws Exception {
        Path f = file("a/notes.txt", "hello trash\n", "rwxr-x---");
        boolean root = TreeOps.isRoot();
        if (root) Files.setAttribute(f, "unix:uid", 1234);
        if (root) Files.setAttribute(f, "unix:gid", 2345);
        TrashEntry e = divert(f);
        assertFalse(Files.exists(f, NOFOLLOW), "source gone");
        assertTrue(e.token().matches("[0-9]{19}"), e.token());
        assertEquals("sha256", e.hashAlgo());
        assertEquals(FileSnapshot.sha256(trashDir.resolve("payload").resolve(e.token())), e.hash());
        assertEquals(12, e.size());
        assertEquals(0750, e.mode());
        assertEquals(TrashEntry.STORAGE_RENAME, e.storage());
        assertEquals("soft-del", e.rule());
        assertTrue(Files.exists(trashDir.resolve("manifest").resolve(e.token() + ".json")));
        assertEquals(List.of(e.token()), store.list(null).stream().map(TrashEntry::token).toList());

        TrashStore.Restored r = store.restore(e.token(), null, false);
        assertEquals(f, r.path());
        assertEquals("hello trash\n", Files.readString(f));
        assertEquals("rwxr-x---", perms(f));
        assertEquals(MTIME, Files.getLastModifiedTime(f).toInstant());
        if (root) {
            assertEquals(1234, Files.getAttribute(f, "unix:uid"));
            assertEquals(2345, Files.getAttribute(f, "unix:gid"));
        }
        assertTrue(store.list(null).isEmpty());
        assertFalse(Files.exists(trashDir.resolve("payload").resolve(e.token())));
    }

    @Test void directoryIsKeptWholeWithMembersMetadata() throws Exception {
        Path d = Files.createDirectories(ws.resolve("proj"));
        file("proj/src/Main.java", "class Main {}", "rw-r-----");
        file("proj/run.sh", "#!/bin/sh\n", "rwx------");
        Files.createSymbolicLink(ws.resolve("proj/link"), Path.of("run.sh"));
        Files.createDirectories(ws.resolve("proj/empty"));
        Files.setPosixFilePermissions(ws.resolve("proj/src"), PosixFilePermissions.fromString("rwx--x---"));
        Files.setLastModifiedTime(ws.resolve("proj/src"), FileTime.from(MTIME));
        Files.setLastModifiedTime(d, FileTime.from(MTIME));

        TrashEntry e = divert(d);
        assertFalse(Files.exists(d));
        assertEquals(TrashEntry.TYPE_DIR, e.type());
        assertEquals(13 + 10, e.size());
        Set<String> members = new HashSet<>(e.tree().stream().map(TreeEntry::path).toList());
        assertEquals(Set.of("src", "src/Main.java", "run.sh", "link", "empty"), members);
        assertTrue(e.tree().stream().filter(t -> t.path().equals("run.sh")).findFirst().orElseThrow().hash() != null);

        store.restore(e.token(), null, false);
        assertEquals("class Main {}", Files.readString(ws.resolve("proj/src/Main.java")));
        assertEquals("rw-r-----", perms(ws.resolve("proj/src/Main.java")));
        assertEquals("rwx--x---", perms(ws.resolve("proj/src")));
        assertEquals("rwx------", perms(ws.resolve("proj/run.sh")));
        assertEquals(Path.of("run.sh"), Files.readSymbolicLink(ws.resolve("proj/link")));
        assertTrue(Files.isDirectory(ws.resolve("proj/empty")));
        assertEquals(MTIME, Files.getLastModifiedTime(ws.resolve("proj/src")).toInstant());
        assertEquals(MTIME, Files.getLastModifiedTime(d).toInstant());
    }

    @Test void symlinkIsMovedNotItsTarget() throws Exception {
        Path target = file("real.txt", "data", "rw-r--r--");
        Path link = Files.createSymbolicLink(ws.resolve("ln"), Path.of("real.txt"));
        Path dangling = Files.createSymbolicLink(ws.resolve("dangling"), Path.of("/nonexistent/x"));
        TrashEntry e1 = divert(link);
        TrashEntry e2 = divert(dangling);
        assertEquals("real.txt", e1.symlinkTarget());
        assertEquals(TrashEntry.TYPE_SYMLINK, e2.type());
        assertTrue(Files.exists(target), "the link's target is untouched");
        store.restore(e1.token(), null, false);
        store.restore(e2.token(), null, false);
        assertEquals(Path.of("real.txt"), Files.readSymbolicLink(link));
        assertEquals(Path.of("/nonexistent/x"), Files.readSymbolicLink(dangling));
    }

    @Test void hashMismatchRefusesAndChangesNothing() throws Exception {
        Path f = file("x.txt", "original", "rw-r--r--");
        TrashEntry e = divert(f);
        Path payload = trashDir.resolve("payload").resolve(e.token());
        Files.writeString(payload, "tampered");
        TrashException ex = assertThrows(TrashException.IntegrityFailure.class, () -> store.restore(e.token(), null, false));
        assertTrue(ex.getMessage().startsWith("hash mismatch on restore: expected " + e.hash() + " got "), ex.getMessage());
        assertFalse(Files.exists(f));
        assertTrue(store.get(e.token()).isPresent());
        assertEquals("tampered", Files.readString(payload));
    }

    @Test void restoreOntoExistingWithoutForceRefusesAndChangesNothing() throws Exception {
        Path f = file("x.txt", "old", "rw-r--r--");
        TrashEntry e = divert(f);
        Files.writeString(f, "new content the agent wrote");
        TrashException ex = assertThrows(TrashException.DestinationExists.class, () -> store.restore(e.token(), null, false));
        assertEquals("destination exists: " + f + " (use --force to overwrite)", ex.getMessage());
        assertEquals("new content the agent wrote", Files.readString(f));
        assertEquals(1, store.list(null).size());
        assertTrue(Files.exists(trashDir.resolve("payload").resolve(e.token())));
    }

    @Test void forcedRestoreMovesTheOccupantToTheTrash() throws Exception {
        Path f = file("x.txt", "old", "rw-r--r--");
        TrashEntry e = divert(f);
        Files.writeString(f, "newer");
        TrashStore.Restored r = store.restore(e.token(), null, true);
        assertEquals("old", Files.readString(f));
        assertNotNull(r.displaced());
        assertEquals("restore-overwrite", r.displaced().rule());
        store.restore(r.displaced().token(), ws.resolve("x.newer"), false);
        assertEquals("newer", Files.readString(ws.resolve("x.newer")));
    }

    @Test void restoreToAnotherPathCreatesParents() throws Exception {
        Path f = file("x.txt", "payload", "rw-------");
        TrashEntry e = divert(f);
        Path dest = ws.resolve("restored/deep/y.txt");
        store.restore(e.token(), dest, false);
        assertEquals("payload", Files.readString(dest));
        assertEquals("rw-------", perms(dest));
        assertFalse(Files.exists(f));
    }

    @Test void unknownTokenAndMissingSource() throws Exception {
        assertThrows(TrashException.NoSuchEntry.class, () -> store.restore("123", null, false));
        assertThrows(TrashException.NoSuchEntry.class, () -> store.restore("../../etc/passwd", null, false));
        assertThrows(NoSuchFileException.class, () -> divert(ws.resolve("absent")));
        assertTrue(store.list(null).isEmpty());
    }

    @Test void purgeByTtlQuotaAndSession() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
        store.close();
        store = TrashStore.open(trashDir, TrashStore.DEFAULT_HASH_LIMIT, clock);
        TrashEntry old = store.divert(file("old", "x".repeat(100), "rw-r--r--"), "/w/old", "s1", "r", null);
        clock.advance(Duration.ofDays(8));
        TrashEntry mid = store.divert(file("mid", "y".repeat(200), "rw-r--r--"), "/w/mid", "s2", "r", null);
        clock.advance(Duration.ofHours(1));
        TrashEntry young = store.divert(file("young", "z".repeat(300), "rw-r--r--"), "/w/young", "s1", "r", null);

        PurgeResult dry = store.purge(new PurgeRequest(Duration.ofDays(7), null, null, true));
        assertEquals(List.of(old.token()), dry.removed().stream().map(TrashEntry::token).toList());
        assertEquals(3, store.list(null).size(), "dry run removes nothing");

        PurgeResult ttl = store.purge(new PurgeRequest(TrashDurations.parse("7d"), null, null, false));
        assertEquals(List.of(old.token()), ttl.removed().stream().map(TrashEntry::token).toList());
        assertEquals(100, ttl.bytesFreed());
        assertFalse(Files.exists(trashDir.resolve("payload").resolve(old.token())));

        PurgeResult quota = store.purge(new PurgeRequest(null, 300L, null, false));
        assertEquals(List.of(mid.token()), quota.removed().stream().map(TrashEntry::token).toList());
        assertEquals(List.of(young.token()), store.list(null).stream().map(TrashEntry::token).toList());

        PurgeResult session = store.purge(new PurgeRequest(null, null, "s1", false));
        assertEquals(1, session.removed().size());
        assertTrue(store.list(null).isEmpty());
        assertEquals(0, store.totalBytes());
    }

    @Test void survivesRestart() throws Exception {
        Path f = file("keep.txt", "persist me", "rw-r--r--");
        TrashEntry e = divert(f);
        reopen();
        assertTrue(store.recovery().isEmpty());
        assertEquals(e, store.get(e.token()).orElseThrow());
        store.restore(e.token(), null, false);
        assertEquals("persist me", Files.readString(f));
    }

    @Test void tokensAreUniqueDigits() throws Exception {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) seen.add(divert(file("f" + i, "", "rw-r--r--")).token());
        assertEquals(50, seen.size());
        assertTrue(seen.stream().allMatch(t -> t.matches("[0-9]+")));
    }

    @Test void crashBeforeTheMoveLeavesTheFileInPlace() throws Exception {
        Path f = file("c.txt", "crash", "rw-r--r--");
        store.failPoint = p -> { if (p.equals("divert:journaled")) throw new IOException("simulated crash at " + p); };
        assertThrows(IOException.class, () -> divert(f));
        reopen();
        assertEquals(1, store.recovery().actions().size(), store.recovery().toString());
        assertEquals("crash", Files.readString(f));
        assertTrue(store.list(null).isEmpty());
    }

    @Test void crashAfterTheMoveCompletesTheEntry() throws Exception {
        Path f = file("c.txt", "crash", "rw-r--r--");
        store.failPoint = p -> { if (p.equals("divert:moved")) throw new IOException("simulated crash at " + p); };
        assertThrows(IOException.class, () -> divert(f));
        assertFalse(Files.exists(f));
        reopen();
        List<TrashEntry> l = store.list(null);
        assertEquals(1, l.size());
        assertNotNull(l.get(0).hash());
        store.restore(l.get(0).token(), null, false);
        assertEquals("crash", Files.readString(f));
    }

    @Test void crashDuringRestoreRollsBack() throws Exception {
        Path f = file("r.txt", "rr", "rw-r--r--");
        TrashEntry e = divert(f);
        store.failPoint = p -> { if (p.equals("restore:journaled")) throw new IOException("simulated crash at " + p); };
        assertThrows(IOException.class, () -> store.restore(e.token(), null, false));
        reopen();
        assertTrue(store.get(e.token()).isPresent());
        assertFalse(Files.exists(f));
        store.restore(e.token(), null, false);
        assertEquals("rr", Files.readString(f));
    }

    @Test void crashDuringPurgeFinishesIt() throws Exception {
        TrashEntry e = divert(file("p.txt", "pp", "rw-r--r--"));
        store.failPoint = p -> { if (p.equals("purge:journaled")) throw new IOException("simulated crash at " + p); };
        assertThrows(IOException.class, () -> store.purge(new PurgeRequest(null, null, "s1", false)));
        reopen();
        assertTrue(store.list(null).isEmpty());
        assertFalse(Files.exists(trashDir.resolve("payload").resolve(e.token())));
    }

    @Test void aPayloadWhoseManifestWasLostIsAdopted() throws Exception {
        TrashEntry e = divert(file("lost.txt", "orphaned", "rw-r--r--"));
        store.close();
        Files.delete(trashDir.resolve("manifest").resolve(e.token() + ".json"));   // as an unsynced write lost to a power cut
        store = TrashStore.open(trashDir);
        assertEquals(1, store.recovery().actions().size(), store.recovery().toString());
        TrashEntry adopted = store.get(e.token()).orElseThrow();
        assertEquals("recovered-orphan", adopted.rule());
        TrashException ex = assertThrows(TrashException.class, () -> store.restore(e.token(), null, false));
        assertTrue(ex.getMessage().contains("--to"), ex.getMessage());
        store.restore(e.token(), ws.resolve("found.txt"), false);
        assertEquals("orphaned", Files.readString(ws.resolve("found.txt")));
    }

    @Test void crashAfterRestoreMovedCompletesIt() throws Exception {
        Path f = file("m.txt", "moved", "rwx------");
        TrashEntry e = divert(f);
        store.failPoint = p -> { if (p.equals("restore:moved")) throw new IOException("simulated crash at " + p); };
        assertThrows(IOException.class, () -> store.restore(e.token(), null, false));
        reopen();
        assertTrue(store.list(null).isEmpty(), "the manifest of a completed restore is gone");
        assertEquals("moved", Files.readString(f));
        assertEquals("rwx------", perms(f));
    }

    @Test void durations() {
        assertEquals(Duration.ofDays(7), TrashDurations.parse("7d"));
        assertEquals(Duration.ofHours(12), TrashDurations.parse("12h"));
        assertEquals(Duration.ofMinutes(90), TrashDurations.parse("1h30m"));
        assertEquals(Duration.ofDays(8).plusHours(1), TrashDurations.parse("1w1d1h"));
        assertThrows(IllegalArgumentException.class, () -> TrashDurations.parse("7 days"));
        assertThrows(IllegalArgumentException.class, () -> TrashDurations.parse("d"));
        assertEquals("1h2m3s", TrashDurations.format(Duration.ofSeconds(3723)));
        assertEquals("1m0s", TrashDurations.format(Duration.ofSeconds(60)));
        assertEquals(5_000_000_000L, ByteSize.parse("5GB"));
        assertEquals(1024, ByteSize.parse("1KiB"));
        assertEquals(1_000_000, ByteSize.parse("1_000_000"));
        assertThrows(IllegalArgumentException.class, () -> ByteSize.parse("5 parsecs"));
    }

    static final class MutableClock extends Clock {
        private Instant now;
        MutableClock(Instant now) { this.now = now; }
        void advance(Duration d) { now = now.plus(d); }
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return now; }
    }
}
