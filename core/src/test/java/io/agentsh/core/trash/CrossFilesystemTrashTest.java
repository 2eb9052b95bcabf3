package io.agentsh.core.trash;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workspace on tmpfs (/dev/shm), trash on the disk: the copy + sync + unlink path with its journal. */
class CrossFilesystemTrashTest {
    @TempDir Path tmp;
    Path ws;
    Path trashDir;
    TrashStore store;

    @BeforeEach void setUp() throws IOException {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && !Files.getAttribute(shm, "unix:dev").equals(Files.getAttribute(tmp, "unix:dev")),
                "needs /dev/shm on a different filesystem than the temp dir");
        ws = Files.createTempDirectory(shm, "agentsh-trash-test");
        trashDir = tmp.resolve("trash");
        store = TrashStore.open(trashDir);
    }

    @AfterEach void tearDown() throws IOException {
        if (store != null) store.close();
        if (ws != null) TreeOps.deleteTree(ws);
    }

    private Path tree() throws IOException {
        Path d = Files.createDirectories(ws.resolve("d/sub"));
        Files.writeString(d.resolve("a.txt"), "alpha");
        Files.setPosixFilePermissions(d.resolve("a.txt"), PosixFilePermissions.fromString("rw-------"));
        Files.setLastModifiedTime(d.resolve("a.txt"), FileTime.from(Instant.parse("2023-01-02T03:04:05Z")));
        return ws.resolve("d");
    }

    @Test void copyDivertAndRestore() throws Exception {
        Path d = tree();
        TrashEntry e = store.divert(d, d.toString(), "s", "r", null);
        assertEquals(TrashEntry.STORAGE_COPY, e.storage());
        assertFalse(Files.exists(d));
        store.restore(e.token(), null, false);
        assertEquals("alpha", Files.readString(d.resolve("sub/a.txt")));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d.resolve("sub/a.txt"))));
        assertEquals(Instant.parse("2023-01-02T03:04:05Z"), Files.getLastModifiedTime(d.resolve("sub/a.txt")).toInstant());
    }

    @Test void crashMidCopyKeepsTheSource() throws Exception {
        Path d = tree();
        store.failPoint = p -> { if (p.equals("divert:copied")) throw new IOException("simulated crash at " + p); };
        assertThrows(IOException.class, () -> store.divert(d, d.toString(), "s", "r", null));
        store.close();
        store = TrashStore.open(trashDir);
        assertEquals("alpha", Files.readString(d.resolve("sub/a.txt")));
        assertTrue(store.list(null).isEmpty());
        try (var s = Files.list(trashDir.resolve("payload"))) { assertEquals(0, s.count(), "partial copy removed"); }
    }

    @Test void crashAfterPublishFinishesTheMove() throws Exception {
        Path d = tree();
        store.failPoint = p -> { if (p.equals("divert:published")) throw new IOException("simulated crash at " + p); };
        assertThrows(IOException.class, () -> store.divert(d, d.toString(), "s", "r", null));
        assertTrue(Files.exists(d), "source still there at the crash");
        store.close();
        store = TrashStore.open(trashDir);
        assertFalse(Files.exists(d), "recovery finished removing the source");
        List<TrashEntry> l = store.list(null);
        assertEquals(1, l.size());
        store.restore(l.get(0).token(), null, false);
        assertEquals("alpha", Files.readString(d.resolve("sub/a.txt")));
    }
}
