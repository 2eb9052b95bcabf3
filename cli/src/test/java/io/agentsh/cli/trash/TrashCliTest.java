package io.agentsh.cli.trash;

import static org.junit.jupiter.api.Assertions.*;

import io.agentsh.cli.Main;
import io.agentsh.core.trash.TrashEntry;
import io.agentsh.core.trash.TrashStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrashCliTest {
    @TempDir Path tmp;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new Result(code, out.toString(), err.toString());
    }

    private TrashEntry trashed(Path trash, String name, String content, String session) throws Exception {
        Path f = tmp.resolve("ws").resolve(name);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r-----"));
        try (TrashStore s = TrashStore.open(trash)) {
            return s.divert(f, f.toString(), session, "soft-delete-ws", "rm " + name);
        }
    }

    @Test void listRestorePurge() throws Exception {
        Path trash = tmp.resolve("trash");
        assertEquals("trash empty\n", run("trash", "list", "--trash-path", trash.toString()).out());
        TrashEntry a = trashed(trash, "a.txt", "alpha", "s1");
        TrashEntry b = trashed(trash, "b.txt", "bravo!", "s2");

        Result list = run("trash", "--trash-path", trash.toString(), "list");
        assertEquals(0, list.code(), list.err());
        String[] lines = list.out().split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].matches(a.token() + "\t" + tmp.resolve("ws/a.txt") + "\t5 bytes\t\\d+s ago"), lines[0]);
        assertTrue(lines[1].startsWith(b.token() + "\t"), lines[1]);

        Result s2 = run("trash", "--trash-path", trash.toString(), "list", "--session", "s2", "--json");
        assertTrue(s2.out().contains("\"token\" : \"" + b.token() + "\""), s2.out());
        assertFalse(s2.out().contains(a.token()));

        // Restore onto an existing file: refused, clear message, nothing changed.
        Files.writeString(tmp.resolve("ws/a.txt"), "new");
        Result refused = run("trash", "--trash-path", trash.toString(), "restore", a.token());
        assertEquals(1, refused.code());
        assertEquals("agentsh: destination exists: " + tmp.resolve("ws/a.txt") + " (use --force to overwrite)\n", refused.err());
        assertEquals("new", Files.readString(tmp.resolve("ws/a.txt")));

        Result to = run("trash", "--trash-path", trash.toString(), "restore", a.token(), "--to", tmp.resolve("ws/a.old").toString());
        assertEquals(0, to.code(), to.err());
        assertEquals("restored to " + tmp.resolve("ws/a.old") + "\n", to.out());
        assertEquals("alpha", Files.readString(tmp.resolve("ws/a.old")));

        Result unknown = run("trash", "--trash-path", trash.toString(), "restore", "42");
        assertEquals(1, unknown.code());
        assertEquals("agentsh: no trash entry with token 42\n", unknown.err());

        Result badTtl = run("trash", "--trash-path", trash.toString(), "purge", "--ttl", "7 days");
        assertEquals(2, badTtl.code());
        assertTrue(badTtl.err().contains("invalid duration"), badTtl.err());

        assertEquals("removed 0 entr(y/ies)\n", run("trash", "--trash-path", trash.toString(), "purge", "--ttl", "7d").out());
        assertEquals("removed 1 entr(y/ies)\n", run("trash", "--trash-path", trash.toString(), "purge", "--quota", "0B").out());
        assertEquals("trash empty\n", run("trash", "--trash-path", trash.toString(), "list").out());
    }
}
