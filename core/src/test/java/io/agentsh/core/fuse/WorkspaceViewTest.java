package io.agentsh.core.fuse;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.agentsh.core.ns.MountNamespaces;
import io.agentsh.core.ns.MountTable;
import io.agentsh.core.ns.SessionMountNamespace;
import io.agentsh.core.trash.SoftDeleter;
import io.agentsh.core.trash.TrashEntry;
import io.agentsh.core.trash.TrashStore;
import io.agentsh.policy.Decision;
import io.agentsh.policy.FileOperation;
import io.agentsh.policy.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Mounts the view over a temp workspace (never a real host directory) and drives it. Needs root and /dev/fuse. */
class WorkspaceViewTest {
    @TempDir Path tmp;
    Path ws;
    WorkspaceMounts mounts;
    TrashStore store;
    final List<String> softDeleted = Collections.synchronizedList(new ArrayList<>());
    final List<String> blocked = Collections.synchronizedList(new ArrayList<>());
    WorkspaceMount view;
    MountNamespaces namespaces;
    SessionMountNamespace sessionNs;

    /** deny writes to secret.txt and deleting keep.txt, soft_delete deletes, allow everything else. */
    FilePolicy policy() {
        return (path, op) -> {
            if (path.endsWith("/secret.txt") && (op == FileOperation.WRITE || op == FileOperation.CREATE)) {
                return Verdict.simple(Decision.DENY, Decision.DENY, "no-secrets", "");
            }
            if (path.endsWith("/keep.txt") && op == FileOperation.DELETE) {
                return Verdict.simple(Decision.DENY, Decision.DENY, "keep-it", "");
            }
            if (op == FileOperation.DELETE || op == FileOperation.RMDIR) {
                return Verdict.simple(Decision.SOFT_DELETE, Decision.SOFT_DELETE, "keep-deletes", "");
            }
            return Verdict.simple(Decision.ALLOW, Decision.ALLOW, "allow-all", "");
        };
    }

    @BeforeEach void setUp() throws IOException {
        assumeTrue(WorkspaceMounts.fuseAvailable(), "needs /dev/fuse");
        ws = Files.createDirectory(tmp.resolve("ws"));
        store = TrashStore.open(tmp.resolve("trash"));
        mounts = new WorkspaceMounts(tmp.resolve("sessions"));
        SoftDeleter deleter = new SoftDeleter(store, e -> softDeleted.add(e.stderrNotice()));
        view = mounts.mount("sess-1", ws, new WorkspaceMounts.ViewSpec(policy(), AuditMode.MONITOR, deleter,
                (s, p, op, v) -> blocked.add(op + " " + p + " " + v.rule())));
        namespaces = MountNamespaces.open(tmp.resolve("ns"));
        sessionNs = namespaces.create("sess-1");
        view.showIn(sessionNs);
    }

    @AfterEach void tearDown() throws IOException {
        if (mounts != null) mounts.close();
        if (namespaces != null) namespaces.close();
        if (store != null) store.close();
    }

    private static Result sh(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "command finished");
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    record Result(int code, String out, String err) {}

    /** Runs a shell line inside the session's mount namespace, in the workspace (where the view is). */
    private Result inSession(String script) throws Exception {
        // chdir by path after setns: a directory fd opened before entering (nsenter --wd) would still be the plain dir.
        return sh("nsenter", "--mount=" + sessionNs.path(), "--", "sh", "-c", "cd " + ws + " && " + script);
    }

    @Test void createWriteReadRemoveThroughTheMountPoint() throws Exception {
        Path mp = view.mountPoint();
        assertEquals(tmp.resolve("sessions/sess-1/workspace-mnt"), mp);
        Path f = mp.resolve("hello.txt");
        byte[] data = new byte[300_000];
        new java.util.Random(7).nextBytes(data);
        Files.write(f, data);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-----"));
        assertArrayEquals(data, Files.readAllBytes(f));
        assertArrayEquals(data, Files.readAllBytes(ws.resolve("hello.txt")), "passes through to the backing dir");

        Files.delete(f);
        assertFalse(Files.exists(f), "gone from the view");
        assertFalse(Files.exists(ws.resolve("hello.txt")), "gone from the workspace");
        List<TrashEntry> l = store.list("sess-1");
        assertEquals(1, l.size());
        TrashEntry e = l.get(0);
        assertEquals(ws.resolve("hello.txt").toString(), e.originalPath());
        assertEquals("keep-deletes", e.rule());
        assertEquals(List.of(e.stderrNotice()), softDeleted);

        store.restore(e.token(), null, false);
        assertArrayEquals(data, Files.readAllBytes(f), "restored byte-identical, visible in the view");
        assertEquals("rwxr-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test void shellInTheSessionNamespaceSeesTheViewAtTheWorkspacePath() throws Exception {
        Result r = inSession("stat -f -c %T . && echo data > a.txt && cat a.txt && mkdir d && echo x > d/y"
                + " && rm d/y && rmdir d && rm a.txt && ls -A");
        assertEquals(0, r.code(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith("fuse"), "statfs type of the view: " + lines[0]);
        assertEquals("data", lines[1]);
        assertEquals(2, lines.length, "workspace empty after rm: " + r.out());
        assertEquals(3, store.list(null).size(), "file, nested file and the emptied dir are in the trash");
        assertFalse(Files.exists(ws.resolve("d")));
        // The host's view of the same path is the plain directory: the bind exists only in the session namespace.
        assertNotEquals("fuse", sh("stat", "-f", "-c", "%T", ws.toString()).out().trim());
    }

    @Test void openFilesAreHandedToTheKernelSoTheirDataNeverReachesTheDaemon() throws Exception {
        String release = Files.readString(Path.of("/proc/sys/kernel/osrelease")).trim();
        String[] v = release.split("[.-]");
        boolean kernelHasPassthrough = Integer.parseInt(v[0]) > 6 || (Integer.parseInt(v[0]) == 6 && Integer.parseInt(v[1]) >= 9);
        assumeTrue(kernelHasPassthrough, "FUSE passthrough needs Linux 6.9+ (this is " + release + ")");
        assertTrue(mounts.passthroughOffered("sess-1"), "the kernel (" + release + ") offered passthrough at INIT");
        byte[] data = new byte[3 << 20];
        new java.util.Random(11).nextBytes(data);
        Path f = view.mountPoint().resolve("big.bin");
        Files.write(f, data);
        assertArrayEquals(data, Files.readAllBytes(f));
        Result r = inSession("cat big.bin > copy.bin && cmp big.bin copy.bin && echo same");
        assertEquals("same", r.out().trim(), r.err());
        assertTrue(mounts.passthrough("sess-1"), "BACKING_OPEN was accepted");
        assertTrue(view.passthrough());
        assertEquals(0, mounts.requestsServed("sess-1", FuseAbi.READ), "no READ reached the daemon");
        assertEquals(0, mounts.requestsServed("sess-1", FuseAbi.WRITE), "no WRITE reached the daemon");
        assertTrue(mounts.requestsServed("sess-1", FuseAbi.OPEN) + mounts.requestsServed("sess-1", FuseAbi.CREATE) >= 3);
        assertArrayEquals(data, Files.readAllBytes(ws.resolve("copy.bin")), "the data is in the backing dir");
    }

    @Test void withoutPassthroughTheViewServesReadsAndWritesItself() throws Exception {
        // The path a kernel without passthrough (or a daemon without CAP_SYS_ADMIN) takes.
        mounts.allowPassthrough(false);
        Path ws5 = Files.createDirectory(tmp.resolve("ws5"));
        WorkspaceMount m = mounts.mount("sess-5", ws5, new WorkspaceMounts.ViewSpec(policy(), AuditMode.MONITOR, null, null));
        assertFalse(mounts.passthrough("sess-5"));
        byte[] data = new byte[3 << 20];
        new java.util.Random(5).nextBytes(data);
        Path f = m.mountPoint().resolve("big.bin");
        Files.write(f, data);
        assertArrayEquals(data, Files.readAllBytes(f));
        assertArrayEquals(data, Files.readAllBytes(ws5.resolve("big.bin")));
        assertTrue(mounts.requestsServed("sess-5", FuseAbi.READ) > 0, "reads were served by the daemon");
        assertTrue(mounts.requestsServed("sess-5", FuseAbi.WRITE) > 0, "writes were served by the daemon");
        Result r = sh("python3", "-c", "import mmap,os,sys; fd=os.open(sys.argv[1],os.O_RDWR|os.O_CREAT,0o600);"
                + " os.ftruncate(fd,8192); mm=mmap.mmap(fd,8192); mm[10:13]=b'abc'; mm.flush(); mm.close(); os.close(fd);"
                + " print(open(sys.argv[1],'rb').read()[10:13].decode())", m.mountPoint().resolve("m.bin").toString());
        assertEquals("abc", r.out().trim(), r.err());
        // No kept page cache: a same-size change outside is read at the next open.
        Files.writeString(ws5.resolve("s.txt"), "first version");
        assertEquals("first version", Files.readString(m.mountPoint().resolve("s.txt")));
        Files.writeString(ws5.resolve("s.txt"), "other version");
        assertEquals("other version", Files.readString(m.mountPoint().resolve("s.txt")));
        m.close();
    }

    @Test void namesLinksModesTimesAndLongListingsPassThrough() throws Exception {
        Result r = inSession("echo hello > a.txt && ln -s a.txt l && readlink l && cat l && ln a.txt h && stat -c %h h"
                + " && chmod 640 a.txt && touch -d @1000000000 a.txt && stat -c '%a %Y' a.txt && truncate -s 2 a.txt && cat a.txt && echo"
                + " && mkfifo p && stat -c %F p && mkdir -p d/e && mv d/e d/f && ls d"
                + " && for i in $(seq 1 300); do : > many-name-to-fill-the-page-$i; done && ls | grep -c many-name");
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("a.txt", "hello", "2", "640 1000000000", "he", "fifo", "f", "300"),
                List.of(r.out().split("\n")));
        assertEquals("he", Files.readString(ws.resolve("h")), "the hard link shares the truncated file");
        assertTrue(Files.isSymbolicLink(ws.resolve("l")));
        assertTrue(Files.isDirectory(ws.resolve("d/f")));
    }

    @Test void aRealWorkloadRunsThroughTheView() throws Exception {
        // Parallel writers, a tree copied with tar, mmap, git, sed -i (a rename over the original),
        // then rm -rf: every file deleted through the view lands in the trash.
        Result r = inSession(String.join(" && ",
                "for j in 1 2 3 4; do (for d in $(seq 1 10); do mkdir -p t/d$j-$d; for f in $(seq 1 5); do"
                        + " seq 1 $((j * d * f)) > t/d$j-$d/f$f; done; done) & done; wait",
                "find t -type f | wc -l",
                "tar cf - t | (mkdir copy && cd copy && tar xf -)",
                "diff -r t copy/t && echo same",
                "python3 -c \"import mmap,os; fd=os.open('m.bin',os.O_RDWR|os.O_CREAT,0o600); os.ftruncate(fd,8192);"
                        + " m=mmap.mmap(fd,8192); m[100:105]=b'hello'; m.flush(); m.close(); os.close(fd);"
                        + " print(open('m.bin','rb').read()[100:105].decode())\"",
                "git init -q g && cd g && echo one > a && git add a"
                        + " && git -c user.email=t@t -c user.name=t commit -qm first && git log --oneline | wc -l && cd ..",
                "sed -i s/one/two/ g/a && cat g/a",
                "rm -rf t copy && ls"));
        assertEquals(0, r.code(), r.err());
        assertEquals(List.of("200", "same", "hello", "1", "two", "g", "m.bin"), List.of(r.out().split("\\n")));
        assertEquals("two\n", Files.readString(ws.resolve("g/a")));
        // rm -rf sent every file and directory of both trees to the trash (the copy's: 200 files, 40 dirs)
        List<TrashEntry> l = store.list("sess-1");
        assertTrue(l.stream().filter(e -> e.originalPath().contains("/copy/t/")).count() >= 240, "the copy's files and dirs are in the trash");
        assertTrue(l.stream().anyMatch(e -> e.originalPath().equals(ws.resolve("g/a").toString())), "sed -i's victim is in the trash");
    }

    @Test void deletesIntoATrashOnAnotherFilesystemAreCopiedThere() throws Exception {
        // The trash on tmpfs, the workspace on the temp dir's filesystem: each divert is a copy,
        // run off the request loop; a small one and a large one, both restorable byte for byte.
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm), "needs /dev/shm");
        Path otherFs = Files.createTempDirectory(shm, "agentsh-view-trash");
        assumeTrue(!Files.getAttribute(otherFs, "unix:dev").equals(Files.getAttribute(tmp, "unix:dev")),
                "/dev/shm is on the temp dir's filesystem here");
        Path ws4 = Files.createDirectory(tmp.resolve("ws4"));
        try (TrashStore far = TrashStore.open(otherFs.resolve("trash"))) {
            WorkspaceMount m = mounts.mount("sess-4", ws4, new WorkspaceMounts.ViewSpec(policy(), AuditMode.MONITOR,
                    new SoftDeleter(far, null), null));
            byte[] big = new byte[1 << 20];
            new java.util.Random(3).nextBytes(big);
            Files.write(m.mountPoint().resolve("big.bin"), big);
            Files.writeString(m.mountPoint().resolve("small.txt"), "small");
            Files.delete(m.mountPoint().resolve("big.bin"));
            Files.delete(m.mountPoint().resolve("small.txt"));
            try (var s = Files.list(ws4)) { assertEquals(0, s.count(), "both gone from the workspace"); }
            List<TrashEntry> l = far.list("sess-4");
            assertEquals(2, l.size(), l.toString());
            assertTrue(l.stream().allMatch(e -> e.storage().equals(TrashEntry.STORAGE_COPY)), l.toString());
            for (TrashEntry e : l) far.restore(e.token(), null, false);
            assertArrayEquals(big, Files.readAllBytes(ws4.resolve("big.bin")));
            assertEquals("small", Files.readString(ws4.resolve("small.txt")));
            m.close();
        } finally {
            try (var w = Files.walk(otherFs)) {
                w.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test void renameOverAnExistingFileQuarantinesTheVictim() throws Exception {
        Files.writeString(ws.resolve("file"), "precious");
        Files.writeString(ws.resolve("other"), "replacement");
        Result r = inSession("mv other file && cat file");
        assertEquals(0, r.code(), r.err());
        assertEquals("replacement\n".trim(), r.out().trim());
        List<TrashEntry> l = store.list(null);
        assertEquals(1, l.size());
        assertEquals(ws.resolve("file").toString(), l.get(0).originalPath());
        store.restore(l.get(0).token(), ws.resolve("file.orig"), false);
        assertEquals("precious", Files.readString(ws.resolve("file.orig")));
    }

    @Test void renameThatCannotReplaceMovesNothingToTheTrash() throws Exception {
        Files.createDirectories(ws.resolve("dir/sub"));
        Files.writeString(ws.resolve("plain"), "p");
        Result r = inSession("python3 -c \"import os; os.rename('plain', 'dir')\"");
        assertNotEquals(0, r.code(), "a file cannot replace a directory");
        Files.createDirectories(ws.resolve("src"));
        Result r2 = inSession("python3 -c \"import os; os.rename('src', 'dir')\"");
        assertNotEquals(0, r2.code(), "a directory cannot replace a non-empty one");
        assertTrue(Files.exists(ws.resolve("dir/sub")));
        assertTrue(store.list(null).isEmpty(), "nothing quarantined");
    }

    @Test void aTrashInsideTheWorkspaceIsInvisibleToTheView() throws Exception {
        Path ws3 = Files.createDirectory(tmp.resolve("ws3"));
        try (TrashStore inner = TrashStore.open(ws3.resolve(".agentsh_trash"))) {
            WorkspaceMount m = mounts.mount("sess-3", ws3, new WorkspaceMounts.ViewSpec(policy(), AuditMode.MONITOR,
                    new SoftDeleter(inner, null), null));
            Files.writeString(m.mountPoint().resolve("x"), "x");
            Files.delete(m.mountPoint().resolve("x"));
            assertEquals(1, inner.list(null).size());
            try (var s = Files.list(m.mountPoint())) { assertEquals(0, s.count(), "the trash is not listed"); }
            assertFalse(Files.exists(m.mountPoint().resolve(".agentsh_trash")));
            assertThrows(IOException.class, () -> Files.writeString(m.mountPoint().resolve(".agentsh_trash/evil"), "x"));
            m.close();
        }
    }

    @Test void concurrentDeletesAllLandInTheTrash() throws Exception {
        for (int i = 0; i < 200; i++) Files.writeString(ws.resolve("c" + i), "content " + i);
        Result r = inSession("for k in 0 1 2 3; do (for i in $(seq $k 4 199); do rm c$i; done) & done; wait; ls -A | wc -l");
        assertEquals(0, r.code(), r.err());
        assertEquals("0", r.out().trim());
        List<TrashEntry> l = store.list("sess-1");
        assertEquals(200, l.size());
        assertEquals(200, l.stream().map(TrashEntry::token).distinct().count());
        TrashEntry some = l.get(77);
        store.restore(some.token(), null, false);
        String name = Path.of(some.originalPath()).getFileName().toString();
        assertEquals("content " + name.substring(1), Files.readString(ws.resolve(name)));
    }

    @Test void extendedAttributesPassThrough() throws Exception {
        Path f = view.mountPoint().resolve("x.txt");
        Files.writeString(f, "x");
        var v = Files.getFileAttributeView(f, java.nio.file.attribute.UserDefinedFileAttributeView.class);
        v.write("agentsh.test", java.nio.ByteBuffer.wrap("value".getBytes(StandardCharsets.UTF_8)));
        assertTrue(v.list().contains("agentsh.test"));
        var back = Files.getFileAttributeView(ws.resolve("x.txt"), java.nio.file.attribute.UserDefinedFileAttributeView.class);
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(back.size("agentsh.test"));
        back.read("agentsh.test", buf);
        assertEquals("value", new String(buf.array(), StandardCharsets.UTF_8));
    }

    @Test void deniedWriteIsEaccesAndChangesNothing() throws Exception {
        assertThrows(AccessDeniedException.class, () -> Files.writeString(view.mountPoint().resolve("secret.txt"), "x"));
        Result r = inSession("echo leak > secret.txt");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("Permission denied"), r.err());
        assertFalse(Files.exists(ws.resolve("secret.txt")));
        assertTrue(blocked.stream().anyMatch(b -> b.contains("secret.txt") && b.endsWith("no-secrets")), blocked.toString());
    }

    @Test void aChangeOutsideTheViewIsNeverServedFromItsPageCache() throws Exception {
        Path inView = view.mountPoint().resolve("shared.txt");
        Files.writeString(ws.resolve("shared.txt"), "first version");
        assertEquals("first version", Files.readString(inView));
        assertEquals("first version", Files.readString(inView), "second open: served from the kept page cache");
        // Same size, right away (well inside the 1 s attr timeout): only the mtime tells. Every open rechecks it.
        Files.writeString(ws.resolve("shared.txt"), "other version");
        assertEquals("other version", Files.readString(inView));
        // A new size shows once the kernel's attributes expire (attr_timeout=1), with the new pages.
        Files.writeString(ws.resolve("shared.txt"), "a third, longer version");
        Thread.sleep(1100);
        assertEquals("a third, longer version", Files.readString(inView));
    }

    @Test void truncatingOpenOfAnExistingFileIsCheckedAsAWrite() throws Exception {
        Files.writeString(ws.resolve("log.txt"), "a long first version");
        Files.writeString(ws.resolve("secret.txt"), "keep me");
        Result r = inSession("echo short > log.txt && cat log.txt; echo leak > secret.txt");
        assertEquals("short\n", r.out(), r.err());
        assertTrue(r.err().contains("Permission denied"), r.err());
        assertEquals("short\n", Files.readString(ws.resolve("log.txt")));
        assertEquals("keep me", Files.readString(ws.resolve("secret.txt")), "the denied O_TRUNC open truncated nothing");
        assertTrue(blocked.stream().anyMatch(b -> b.startsWith(FileOperation.WRITE + " ") && b.contains("secret.txt")), blocked.toString());
    }

    @Test void theViewReadsAheadAMebibyte() throws Exception {
        long dev = ((Number) Files.getAttribute(view.mountPoint(), "unix:dev")).longValue();
        Path knob = FuseReadahead.knobOf(dev);
        assumeTrue(Files.isWritable(knob), "needs root and a writable sysfs");
        assertEquals("1024", Files.readString(knob).trim());
    }

    /** The trash is written when the last holder closes (the kernel sends that RELEASE asynchronously). */
    private List<TrashEntry> trashSoon(int expected) throws Exception {
        for (int i = 0; i < 100 && store.list("sess-1").size() < expected; i++) Thread.sleep(20);
        return store.list("sess-1");
    }

    @Test void aFileDeletedWhileOpenGoesToTheTrashUnderItsOwnName() throws Exception {
        Path f = view.mountPoint().resolve("held.log");
        Files.writeString(f, "line 1\n");
        try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            Files.delete(f);
            assertFalse(Files.exists(f));
            // The holder keeps working on the file it has open: fstat, write, read back.
            assertEquals(7, ch.size());
            ch.write(java.nio.ByteBuffer.wrap("line 2\n".getBytes(StandardCharsets.UTF_8)), 7);
            java.nio.ByteBuffer back = java.nio.ByteBuffer.allocate(14);
            ch.read(back, 0);
            assertEquals("line 1\nline 2\n", new String(back.array(), StandardCharsets.UTF_8));
        }
        List<TrashEntry> l = trashSoon(1);
        assertEquals(1, l.size(), l.toString());
        assertEquals(ws.resolve("held.log").toString(), l.get(0).originalPath());
        try (var s = Files.list(ws)) {
            assertEquals(List.of(), s.map(p -> p.getFileName().toString()).toList(), "no stand-in left");
        }
        store.restore(l.get(0).token(), null, false);
        assertEquals("line 1\nline 2\n", Files.readString(ws.resolve("held.log")));
    }

    @Test void renameOverAnOpenFileQuarantinesItUnderItsOwnName() throws Exception {
        Files.writeString(ws.resolve("target"), "old");
        Files.writeString(ws.resolve("new"), "new");
        try (var in = java.nio.channels.FileChannel.open(view.mountPoint().resolve("target"))) {
            Files.move(view.mountPoint().resolve("new"), view.mountPoint().resolve("target"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(3);
            in.read(b, 0);
            assertEquals("old", new String(b.array(), StandardCharsets.UTF_8), "the holder still reads what it opened");
        }
        assertEquals("new", Files.readString(ws.resolve("target")));
        List<TrashEntry> l = trashSoon(1);
        assertEquals(1, l.size(), l.toString());
        assertEquals(ws.resolve("target").toString(), l.get(0).originalPath());
    }

    @Test void holdingAFileOpenDoesNotGetItsDeleteAroundThePolicy() throws Exception {
        Files.writeString(ws.resolve("keep.txt"), "precious");
        try (var in = Files.newInputStream(view.mountPoint().resolve("keep.txt"))) {
            assertThrows(AccessDeniedException.class, () -> Files.delete(view.mountPoint().resolve("keep.txt")));
        }
        assertEquals("precious", Files.readString(ws.resolve("keep.txt")));
        try (var s = Files.list(ws)) {
            assertEquals(List.of("keep.txt"), s.map(p -> p.getFileName().toString()).toList());
        }
        assertTrue(blocked.stream().anyMatch(b -> b.contains("keep.txt") && b.endsWith("keep-it")), blocked.toString());
    }

    @Test void rmdirOfANonEmptyDirectoryStillFails() throws Exception {
        Files.createDirectories(ws.resolve("full"));
        Files.writeString(ws.resolve("full/f"), "f");
        Result r = inSession("rmdir full");
        assertNotEquals(0, r.code());
        assertTrue(Files.exists(ws.resolve("full/f")));
        assertTrue(store.list(null).isEmpty());
    }

    @Test void deferredMountHappensOnFirstUse() throws Exception {
        Path ws2 = Files.createDirectory(tmp.resolve("ws2"));
        DeferredMount d = mounts.defer("sess-2", ws2, new WorkspaceMounts.ViewSpec(policy(), AuditMode.SOFT_BLOCK, null, null));
        Path mp = tmp.resolve("sessions/sess-2/workspace-mnt");
        assertFalse(d.isMounted());
        assertFalse(MountTable.isMountPoint(mp));
        WorkspaceMount m = d.get();
        assertSame(m, d.get());
        assertTrue(MountTable.isFuseMount(mp));
        Files.writeString(mp.resolve("f"), "x");
        // soft_block (global) with a policy that says soft_delete: the rule wins and, with no trash, fails closed (EIO), deleting nothing.
        assertThrows(IOException.class, () -> Files.delete(mp.resolve("f")));
        assertTrue(Files.exists(ws2.resolve("f")));
        m.close();
        assertFalse(MountTable.isMountPoint(mp));
    }

    @Test void closingEndsTheFuseLoopEvenWhenTheNamespaceWasMadeAfterTheMount() throws Exception {
        // setUp made the session's namespace after mounting, so it holds a copy of the view at the
        // mount point; close must detach that copy too, or the loop outlives close().
        Path mp = view.mountPoint();
        assertEquals("fuseblk", inSession("stat -f -c %T " + mp).out().trim(), "the namespace has its own copy of the view");
        view.close();
        assertEquals(0, mounts.deferredReleases(), "the FUSE loop had ended when close() returned");
        assertNotEquals("fuseblk", inSession("stat -f -c %T " + ws).out().trim());
    }

    @Test void unmountLeavesNothingBehindAndSweepRemovesStaleMounts() throws Exception {
        Path mp = view.mountPoint();
        assertEquals("fuseblk", inSession("stat -f -c %T .").out().trim(), "the view is over the workspace inside the namespace");
        // A second manager (a restarted daemon) sees the first one's mounts as stale.
        WorkspaceMounts restarted = new WorkspaceMounts(tmp.resolve("sessions"));
        List<Path> swept = restarted.sweepStale();
        assertTrue(swept.contains(mp), swept.toString());
        assertFalse(MountTable.isMountPoint(mp));
        view.close();
        assertFalse(MountTable.isMountPoint(mp));
        assertNotEquals("fuseblk", inSession("stat -f -c %T .").out().trim(), "closing the view takes it out of the namespace too");
        restarted.close();
    }
}
