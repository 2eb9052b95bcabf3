package io.agentsh.cli.guard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentsh.cli.Main;
import io.agentsh.cli.guard.OperatorGuard.CallerAnswer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The verbs that weaken governance go through the guard before they act. */
class GuardedVerbsTest {
    private final Supplier<OperatorGuard> saved = OperatorCredential.guards;

    @AfterEach void restore() { OperatorCredential.guards = saved; }

    static String[] run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    static void governed() {
        OperatorCredential.guards = () -> new OperatorGuard(new OperatorGuardTest.FakeDaemon(CallerAnswer.GOVERNED), () -> 1);
    }

    @Test void governedCallerIsRefusedBeforeAnythingChanges(@TempDir Path root) throws Exception {
        Path sh = Files.createDirectories(root.resolve("bin")).resolve("sh");
        Files.writeString(sh, "real sh");
        Path trash = Files.createDirectories(root.resolve("trash"));
        governed();
        String[] r = run("shim", "uninstall-shell", "--root", root.toString());
        assertEquals("126", r[0], r[2]);
        assertTrue(r[2].contains("agentsh: shim uninstall-shell needs the operator credential inside a governed session"), r[2]);
        assertEquals("real sh", Files.readString(sh));
        r = run("trash", "--trash-path", trash.toString(), "purge", "--ttl", "1s");
        assertEquals("126", r[0], r[2]);
        assertTrue(r[2].contains("agentsh: trash purge needs the operator credential"), r[2]);
        // read-only and dry-run forms keep working
        assertEquals("0", run("trash", "--trash-path", trash.toString(), "list")[0]);
        assertEquals("0", run("trash", "--trash-path", trash.toString(), "purge", "--ttl", "1s", "--dry-run")[0]);

        Path token = root.resolve("op.token");
        Files.writeString(token, OperatorGuardTest.GOOD + "\n");
        r = run("trash", "--trash-path", trash.toString(), "purge", "--ttl", "1s", "--operator-token-file", token.toString());
        assertEquals("0", r[0], r[2]);
        Files.writeString(token, "wrong\n");
        assertEquals("126", run("trash", "--trash-path", trash.toString(), "purge", "--ttl", "1s",
                "--operator-token-file", token.toString())[0]);
    }

    @Test void ungovernedCallerProceedsAsBefore(@TempDir Path root) throws Exception {
        OperatorCredential.guards = () -> new OperatorGuard(new OperatorGuardTest.FakeDaemon(CallerAnswer.UNGOVERNED), () -> 1);
        Path trash = Files.createDirectories(root.resolve("trash"));
        String[] r = run("trash", "--trash-path", trash.toString(), "purge", "--ttl", "1s");
        assertEquals("0", r[0], r[2]);
    }
}
