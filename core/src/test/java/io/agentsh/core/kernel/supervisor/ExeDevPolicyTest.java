package io.agentsh.core.kernel.supervisor;

import static org.junit.jupiter.api.Assertions.*;

import io.agentsh.policy.Engine;
import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * compat/exe.dev/default.yaml (HOME=/root, PROJECT_ROOT=a temp dir) enforced in the kernel on a
 * governed tree. Writes the policy denies go to uniquely named paths, plus a stand-in directory
 * under /run that only the policy's catch-all covers (the same rule that protects /etc), and the
 * test removes anything a broken enforcement might have created.
 */
class ExeDevPolicyTest {
    @TempDir Path project;
    Path standIn;
    final List<Path> mustNotExist = new ArrayList<>();
    GovernedHarness h;
    String id;

    @BeforeEach
    void setUp() throws Exception {
        Path policyFile = compat().resolve("exe.dev/default.yaml");
        Engine engine = Engine.compile(PolicyLoader.load(policyFile), EngineOptions.builder()
                .variable("HOME", "/root").variable("PROJECT_ROOT", project.toString()).environment(k -> null).build());
        id = UUID.randomUUID().toString().substring(0, 8);
        standIn = Files.createDirectories(Path.of("/run/agentsh-kt-" + id));
        Files.writeString(standIn.resolve("f"), "original\n");
        h = new GovernedHarness(new EngineKernelPolicy(engine), project.resolve(".run"), GovernedHarness.defaultPlan());
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Path p : mustNotExist) {
            if (Files.isDirectory(p)) Files.deleteIfExists(p); else Files.deleteIfExists(p);
        }
        try (var s = Files.walk(standIn)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static Path compat() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path c = p.resolve("shared/compat");
            if (Files.isDirectory(c)) return c;
        }
        throw new IllegalStateException("shared/compat not found");
    }

    private GovernedHarness.Result sh(String script) throws Exception {
        return h.run(Map.of("P", project.toString(), "X", standIn.toString()), project, "/bin/sh", "-c", script);
    }

    private long denialsNaming(String rule) {
        return h.denials.stream().filter(d -> d.contains("rule=" + rule)).count();
    }

    @Test
    void privilegeEscalationIsDeniedWhereverItIsExecd() throws Exception {
        Path script = project.resolve("escalate.sh");
        Files.writeString(script, "#!/bin/sh\nsudo whoami\n");
        script.toFile().setExecutable(true);
        String[] attempts = {
            "env sudo whoami",
            "echo whoami | xargs sudo",
            "find /tmp -maxdepth 0 -exec sudo whoami \\;",
            script.toString(),
            "/usr/bin/python3 -c \"import subprocess,sys; sys.exit(subprocess.run(['sudo','whoami']).returncode)\"",
            "/usr/bin/python3 -c \"import os,sys; sys.exit(os.system('sudo whoami') >> 8)\"",
            "/usr/bin/sudo whoami",
            "/lib64/ld-linux-x86-64.so.2 /usr/bin/sudo whoami",
        };
        for (String a : attempts) {
            int before = h.denials.size();
            var r = sh(a);
            // find reports a failed -exec on stderr but still exits 0
            assertTrue(r.exit() != 0 || r.stderr().contains("Permission denied"), a + " ran: " + r);
            assertFalse(r.stdout().contains("root"), a + " printed: " + r);
            assertTrue(h.denials.subList(before, h.denials.size()).stream().anyMatch(d -> d.contains("rule=block-shell-escape")),
                    a + ": no block-shell-escape event: " + h.denials + " failures=" + h.failures);
        }
    }

    @Test
    void pythonSubprocessFailsWithPermissionError() throws Exception {
        var r = sh("/usr/bin/python3 -c \"import subprocess\ntry:\n subprocess.run(['sudo','whoami'])\nexcept PermissionError as e: print('EACCES', e.errno)\"");
        assertTrue(r.stdout().contains("EACCES 13"), r.toString());
    }

    @Test
    void allowedCommandsKeepWorking() throws Exception {
        var r = sh("env /usr/bin/whoami; find /tmp -maxdepth 0 -exec /usr/bin/echo found \\; ; "
                + "/usr/bin/python3 -c \"import subprocess; print(subprocess.run(['ls','-d','/tmp'], capture_output=True, text=True).stdout.strip())\"");
        assertEquals(0, r.exit(), r.toString() + h.denials + h.failures);
        assertEquals(List.of("root", "found", "/tmp"), r.stdout().lines().toList(), r + " " + h.denials);
    }

    @Test
    void standardStreamsThroughDevAndProcSelfFdWork() throws Exception {
        var r = sh("echo out > /dev/stdout; echo in | cat /dev/stdin; echo err > /dev/stderr; echo fd > /proc/self/fd/1; "
                + "echo null > /dev/null; echo done");
        assertEquals("out\nin\nfd\ndone\n", r.stdout(), r + " " + h.denials);
        assertEquals("err\n", r.stderr(), r.toString());
    }

    @Test
    void workspaceAndTmpWritesSucceed() throws Exception {
        var r = sh("echo a > $P/a.txt && mkdir -p $P/src/x && mv $P/a.txt $P/src/x/b.txt && echo t > /tmp/agentsh-kt-" + id
                + " && cat $P/src/x/b.txt /tmp/agentsh-kt-" + id + " && rm /tmp/agentsh-kt-" + id);
        assertEquals(0, r.exit(), r.toString() + h.denials);
        assertEquals("a\nt\n", r.stdout());
    }

    @Test
    void writesOutsideTheAllowedAreasFailWithEaccesAndChangeNothing() throws Exception {
        Path etcFile = Path.of("/etc/agentsh-kt-" + id);
        Path etcNew = Path.of("/etc/agentsh-kt-" + id + "-new");
        Path etcDir = Path.of("/etc/agentsh-kt-" + id + "-d");
        Path etcPy = Path.of("/etc/agentsh-kt-" + id + "-py");
        Path usrBin = Path.of("/usr/bin/agentsh-kt-" + id + "-evil");
        mustNotExist.addAll(List.of(etcFile, etcNew, etcDir, etcPy, usrBin));
        var r = sh("echo x > " + etcFile + "; echo rc=$?; touch " + etcNew + "; echo rc=$?; echo e | tee " + usrBin
                + " >/dev/null; echo rc=$?; mkdir " + etcDir + "; echo rc=$?; "
                + "/usr/bin/python3 -c \"open('" + etcPy + "','w')\" 2>&1 | tail -1; "
                + "echo x > $X/f; echo rc=$?; touch $X/new; echo rc=$?; mkdir $X/d; echo rc=$?; rm $X/f; echo rc=$?; "
                + "echo e | tee $X/evil >/dev/null; echo rc=$?");
        for (Path p : mustNotExist) assertFalse(Files.exists(p), p + " was created: " + r);
        assertEquals(List.of(standIn.resolve("f")), Files.list(standIn).toList(), r.toString());
        assertEquals("original\n", Files.readString(standIn.resolve("f")));
        assertEquals(0, r.stdout().lines().filter(l -> l.equals("rc=0")).count(), r.toString());
        assertTrue(r.stdout().contains("PermissionError: [Errno 13]"), r.toString());
        assertTrue(r.stderr().contains("Permission denied"), r.toString());
        assertTrue(denialsNaming("default-deny-files") >= 8, h.denials.toString());
    }

    @Test
    void credentialReadsFailEvenThroughASymlink() throws Exception {
        Files.writeString(project.resolve(".env"), "API_KEY=TOPSECRET\n");
        Files.writeString(project.resolve(".netrc"), "machine x password TOPSECRET\n");
        var r = sh("ln -s $P/.env /tmp/agentsh-kt-l-" + id + " && cat /tmp/agentsh-kt-l-" + id + "; echo rc=$?; rm -f /tmp/agentsh-kt-l-" + id
                + "; cat $P/.netrc; echo rc=$?; cat /proc/1/environ; echo rc=$?; head -c 40 /proc/self/environ >/dev/null; echo self=$?");
        assertFalse(r.stdout().contains("TOPSECRET"), r.toString());
        assertEquals(3, r.stdout().lines().filter(l -> l.startsWith("rc=") && !l.equals("rc=0")).count(), r.toString());
        assertTrue(r.stdout().contains("self=0"), "own environ stays readable: " + r);
        assertTrue(denialsNaming("approve-env-files") >= 1, h.denials.toString());
        assertTrue(denialsNaming("deny-proc-sys") >= 1, h.denials.toString());
    }
}
