package io.agentsh.cli.shim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Installs and removes the shim in a temp root laid out like Debian 12 (merged /usr, /bin/sh a
 * symlink to dash). The root's {@code bin} is an ABSOLUTE symlink to /usr/bin: resolved naively
 * it would point at this machine's /usr/bin, so these tests also prove the installer stays
 * inside --root.
 */
class ShimCommandTest {
    private static final byte[] BASH = elf("original bash");
    private static final byte[] DASH = elf("original dash");
    private static final byte[] SHIM = elf("agentsh shell shim");

    @TempDir
    Path tmp;
    Path root;
    Path shim;

    record Run(int code, String out, String err) { }

    @BeforeEach
    void layout() throws IOException {
        root = tmp.resolve("root");
        Path usrBin = Files.createDirectories(root.resolve("usr/bin"));
        write(usrBin.resolve("bash"), BASH, "rwxr-xr-x");
        write(usrBin.resolve("dash"), DASH, "rwxr-xr-x");
        Files.createSymbolicLink(usrBin.resolve("sh"), Path.of("dash"));
        Files.createSymbolicLink(root.resolve("bin"), Path.of("/usr/bin"));
        Files.createDirectories(root.resolve("etc"));
        shim = tmp.resolve("agentsh-shell-shim");
        write(shim, SHIM, "rwxr-xr-x");
    }

    @org.junit.jupiter.api.AfterEach
    void dropAbsoluteLink() throws IOException {
        Files.deleteIfExists(root.resolve("bin")); // so the temp-dir cleanup never looks at /usr/bin
    }

    @Test
    void installReplacesBothShellsAndKeepsOriginals() throws IOException {
        Run r = run("install-shell", "--root", root.toString(), "--shim", shim.toString(), "--bash", "--force");
        assertEquals(0, r.code(), r.err());
        assertEquals("", r.out());
        Path bin = root.resolve("usr/bin");
        assertArrayEquals(SHIM, Files.readAllBytes(bin.resolve("bash")));
        assertArrayEquals(BASH, Files.readAllBytes(bin.resolve("bash.real")));
        assertFalse(Files.isSymbolicLink(bin.resolve("sh")), "the symlink is replaced by the shim itself");
        assertArrayEquals(SHIM, Files.readAllBytes(bin.resolve("sh")));
        assertArrayEquals(DASH, Files.readAllBytes(bin.resolve("sh.real")), "a symlinked shell's target is copied to .real");
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(bin.resolve("bash"))));
        String conf = Files.readString(root.resolve("etc/agentsh/shim.conf"));
        assertTrue(conf.startsWith(ShimConf.HEADER + "\n"), conf);
        assertTrue(conf.contains("force=true\n"), conf);
        assertArrayEquals(DASH, Files.readAllBytes(bin.resolve("dash")), "dash itself is untouched");
    }

    @Test
    void installIsIdempotent() throws IOException {
        assertEquals(0, run("install-shell", "--root", root.toString(), "--shim", shim.toString(), "--bash", "--force").code());
        Map<String, String> first = snapshot();
        Run again = run("install-shell", "--root", root.toString(), "--shim", shim.toString(), "--bash", "--force");
        assertEquals(0, again.code(), again.err());
        assertEquals(first, snapshot());
        Run plan = run("install-shell", "--root", root.toString(), "--shim", shim.toString(), "--bash", "--force", "--dry-run");
        assertEquals(String.join("\n",
                "skip " + root.resolve("usr/bin/sh") + " (shim already installed)",
                "skip " + root.resolve("usr/bin/bash") + " (shim already installed)", ""), plan.out());
    }

    @Test
    void uninstallRestoresByteIdenticalOriginalsAndTheSymlink() throws IOException {
        Map<String, String> before = snapshot();
        assertEquals(0, run("install-shell", "--root", root.toString(), "--shim", shim.toString(), "--bash").code());
        Run r = run("uninstall-shell", "--root", root.toString(), "--bash");
        assertEquals(0, r.code(), r.err());
        Path bin = root.resolve("usr/bin");
        assertArrayEquals(BASH, Files.readAllBytes(bin.resolve("bash")));
        assertTrue(Files.isSymbolicLink(bin.resolve("sh")));
        assertEquals(Path.of("dash"), Files.readSymbolicLink(bin.resolve("sh")));
        assertFalse(Files.exists(bin.resolve("bash.real"), LinkOption.NOFOLLOW_LINKS));
        assertFalse(Files.exists(bin.resolve("sh.real"), LinkOption.NOFOLLOW_LINKS));
        Map<String, String> after = snapshot();
        after.remove("etc/agentsh");
        after.remove("etc/agentsh/shim.conf");
        assertEquals(before, after);
        assertFalse(Files.readString(root.resolve("etc/agentsh/shim.conf")).contains("orig_link"));
        // A second uninstall is a no-op.
        Run again = run("uninstall-shell", "--root", root.toString(), "--bash");
        assertEquals(0, again.code(), again.err());
        assertEquals(after, withoutConf(snapshot()));
    }

    @Test
    void bashOnlyLeavesShAlone() throws IOException {
        assertEquals(0, run("install-shell", "--root", root.toString(), "--shim", shim.toString(), "--bash-only").code());
        assertTrue(Files.isSymbolicLink(root.resolve("usr/bin/sh")));
        assertArrayEquals(SHIM, Files.readAllBytes(root.resolve("usr/bin/bash")));
    }

    @Test
    void statusReportsEachState() throws IOException {
        Run none = run("status", "--root", root.toString(), "--shim", shim.toString(), "--bash");
        assertEquals("root=" + root + "\nshim=" + shim + "\n"
                + "sh: state=not_installed target=/bin/sh exists=true type=symlink link=dash real_exists=false shim_matches=false\n"
                + "bash: state=not_installed target=/bin/bash exists=true type=file real_exists=false shim_matches=false\n", none.out());
        run("install-shell", "--root", root.toString(), "--shim", shim.toString(), "--bash");
        JsonNode doc = new ObjectMapper().readTree(run("status", "--root", root.toString(), "--shim", shim.toString(), "--bash", "--output", "json").out());
        assertEquals("installed", doc.at("/bash/state").asText());
        assertEquals("file", doc.at("/bash/target_type").asText());
        assertEquals("0755", doc.at("/bash/target_mode").asText());
        assertTrue(doc.at("/bash/real_exists").asBoolean());
        assertTrue(doc.at("/sh/shim_matches").asBoolean());
        assertEquals(shim.toString(), doc.at("/shim_path").asText());
        Files.delete(root.resolve("usr/bin/bash.real"));
        assertTrue(run("status", "--root", root.toString(), "--shim", shim.toString(), "--bash").out()
                .contains("bash: state=partial_missing_real"));
        Files.delete(root.resolve("usr/bin/bash"));
        assertTrue(run("status", "--root", root.toString(), "--bash-only").out()
                .contains("bash: state=missing target=/bin/bash exists=false real_exists=false"));
    }

    @Test
    void dryRunPrintsThePlanAndChangesNothing() throws IOException {
        Map<String, String> before = snapshot();
        Run r = run("install-shell", "--root", root.toString(), "--shim", shim.toString(), "--bash", "--force", "--dry-run");
        assertEquals(0, r.code(), r.err());
        Path bin = root.resolve("usr/bin");
        assertEquals(String.join("\n",
                "write " + bin.resolve("sh.real") + " (copy of the resolved binary " + bin.resolve("dash") + ")",
                "write " + bin.resolve("sh") + " (write shim bytes)",
                "rename " + bin.resolve("bash") + " -> " + bin.resolve("bash.real"),
                "write " + bin.resolve("bash") + " (write shim bytes)",
                "write " + root.resolve("etc/agentsh/shim.conf") + " (set force=true in shim.conf (preserves existing keys))", ""), r.out());
        JsonNode json = new ObjectMapper().readTree(run("install-shell", "--root", root.toString(), "--shim", shim.toString(),
                "--dry-run", "--output", "json").out());
        assertEquals(root.toString(), json.get("root").asText());
        assertEquals("write", json.at("/actions/0/op").asText());
        assertEquals(bin.resolve("sh").toString(), json.at("/actions/1/path").asText());
        assertEquals(before, snapshot());
    }

    @Test
    void nonForceInstallClearsAStaleForce() throws IOException {
        Files.createDirectories(root.resolve("etc/agentsh"));
        Files.writeString(root.resolve("etc/agentsh/shim.conf"), "force=true\nready_gate=1\ncustom=kept\n");
        assertEquals(0, run("install-shell", "--root", root.toString(), "--shim", shim.toString()).code());
        assertEquals(ShimConf.HEADER + "\ncustom=kept\nforce=false\norig_link_sh=dash\nready_gate=1\n",
                Files.readString(root.resolve("etc/agentsh/shim.conf")));
    }

    @Test
    void invalidShimConfIsAnErrorAndNothingIsTouched() throws IOException {
        Files.createDirectories(root.resolve("etc/agentsh"));
        Files.writeString(root.resolve("etc/agentsh/shim.conf"), "force=tru\n");
        Map<String, String> before = snapshot();
        Run r = run("install-shell", "--root", root.toString(), "--shim", shim.toString(), "--bash");
        assertEquals(1, r.code());
        assertEquals("agentsh shim: shim.conf: invalid force value \"tru\" (expected true, 1, false, or 0)\n", r.err());
        assertEquals(before, snapshot());
    }

    @Test
    void usageErrorsHaveTheReferenceMessages() {
        assertEquals(new Run(1, "", "--shim is required\n"), run("install-shell", "--root", root.toString()));
        assertEquals(new Run(1, "", "--bash and --bash-only are mutually exclusive\n"),
                run("install-shell", "--root", root.toString(), "--shim", shim.toString(), "--bash", "--bash-only"));
        Run notElf = run("install-shell", "--root", root.toString(), "--shim", root.resolve("etc").toString());
        assertEquals(1, notElf.code());
        assertTrue(notElf.err().contains("not a regular file"), notElf.err());
    }

    @Test
    void hostRootNeedsTheAcknowledgement() {
        // The shim path does not exist: even if the refusal were broken, nothing could be written.
        Run r = run("install-shell", "--root", "/", "--shim", tmp.resolve("no-such-shim").toString(), "--bash");
        assertEquals(new Run(1, "", "refusing to modify host rootfs (\"/\"); pass --i-understand-this-modifies-the-host to continue\n"), r);
        Run u = run("uninstall-shell", "--root", "/", "--bash");
        assertEquals(1, u.code());
        assertTrue(u.err().startsWith("refusing to modify host rootfs"), u.err());
    }

    @Test
    void resolutionNeverLeavesTheRoot() throws IOException {
        RootPaths r = new RootPaths(root);
        assertEquals(root.resolve("usr/bin/bash"), r.resolveParent("/bin/bash"));
        assertEquals(root.resolve("usr/bin/dash"), r.resolve("/bin/sh"));
        assertEquals(root.resolve("usr/bin/dash"), r.resolve("/../../../bin/sh"));
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new ShimCommand());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    /** Every path under the root with its type and content (or link text). */
    private Map<String, String> snapshot() throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String key = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    m.put(key, "-> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p)) {
                    m.put(key, new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
                } else {
                    m.put(key, "dir");
                }
            }
        }
        return m;
    }

    private static Map<String, String> withoutConf(Map<String, String> m) {
        m.remove("etc/agentsh");
        m.remove("etc/agentsh/shim.conf");
        return m;
    }

    private static void write(Path p, byte[] b, String perms) throws IOException {
        Files.write(p, b);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
    }

    private static byte[] elf(String body) {
        byte[] text = body.getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[4 + text.length];
        b[0] = 0x7f;
        b[1] = 'E';
        b[2] = 'L';
        b[3] = 'F';
        System.arraycopy(text, 0, b, 4, text.length);
        return b;
    }
}
