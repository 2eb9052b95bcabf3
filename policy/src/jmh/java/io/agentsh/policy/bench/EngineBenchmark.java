package io.agentsh.policy.bench;

import io.agentsh.policy.Engine;
import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.FileOperation;
import io.agentsh.policy.PolicyLoader;
import io.agentsh.policy.Verdict;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decisions per second against compat/exe.dev/default.yaml (HOME=/root, PROJECT_ROOT=/root) for a
 * realistic mix: exec pre-checks with args (allowed, denied, args regexes), execve checks with full
 * paths, file operations across the rule list (reads, writes, deletes, credential paths, catch-all)
 * and network destinations (names, IP literals, dialled addresses). One thread.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms256m", "-Xmx256m"})
public class EngineBenchmark {
    private Engine engine;

    private record Cmd(String command, List<String> args) {}
    private record Exe(String filename, List<String> argv) {}
    private record File(String path, FileOperation op) {}
    private record Net(String host, int port, List<InetAddress> dialled) {}

    private Cmd[] cmds;
    private Exe[] exes;
    private File[] files;
    private Net[] nets;

    static final int MIX = 32;

    @Setup
    public void setup() throws Exception {
        Path policy = locate("exe.dev/default.yaml");
        engine = Engine.compile(PolicyLoader.load(policy), EngineOptions.builder().variable("HOME", "/root")
                .variable("PROJECT_ROOT", "/root").environment(k -> null).build());
        cmds = new Cmd[] {
            new Cmd("ls", List.of("-la", "/root")), new Cmd("git", List.of("status")), new Cmd("npm", List.of("test")),
            new Cmd("rm", List.of("-rf", "/tmp/x")), new Cmd("sudo", List.of("id")), new Cmd("python3", List.of("app.py")),
            new Cmd("grep", List.of("-r", "TODO", ".")), new Cmd("cargo", List.of("build", "--release"))};
        exes = new Exe[] {
            new Exe("/usr/bin/git", List.of("git", "commit", "-m", "x")), new Exe("/usr/bin/cat", List.of("cat", "README.md")),
            new Exe("/usr/bin/rm", List.of("rm", "file.txt")), new Exe("/usr/bin/ssh", List.of("ssh", "host"))};
        files = new File[] {
            new File("/root/project/src/main.c", FileOperation.READ), new File("/root/project/src/main.c", FileOperation.WRITE),
            new File("/usr/lib/x86_64-linux-gnu/libc.so.6", FileOperation.OPEN), new File("/tmp/build/out.o", FileOperation.CREATE),
            new File("/root/.ssh/id_rsa", FileOperation.READ), new File("/workspace/a/b/c.txt", FileOperation.STAT),
            new File("/etc/passwd", FileOperation.READ), new File("/etc/shadow", FileOperation.READ),
            new File("/workspace/old.log", FileOperation.DELETE), new File("/usr/bin/evil", FileOperation.WRITE),
            new File("/proc/self/status", FileOperation.READ), new File("/dev/null", FileOperation.WRITE)};
        InetAddress lo = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
        InetAddress pub = InetAddress.getByAddress(new byte[] {93, (byte) 184, (byte) 216, 34});
        nets = new Net[] {
            new Net("registry.npm.example", 443, List.of(pub)), new Net("evil.com", 443, List.of()),
            new Net("169.254.169.254", 80, List.of()), new Net("localhost", 8080, List.of(lo)),
            new Net("api.example.org", 443, List.of(pub)), new Net("pypi.example", 443, List.of())};
    }

    static Path locate(String rel) {
        String prop = System.getProperty("agentsh.compat");
        if (prop != null) return Path.of(prop).resolve(rel);
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            Path c = p.resolve("shared").resolve("compat");
            if (Files.isDirectory(c)) return c.resolve(rel);
            p = p.getParent();
        }
        throw new IllegalStateException("shared/compat not found; pass -Dagentsh.compat=DIR");
    }

    /** The realistic mix: 8 exec pre-checks, 4 execve checks, 12 file checks, 8 network checks per invocation. */
    @Benchmark
    @OperationsPerInvocation(MIX)
    public void mixed(Blackhole bh) {
        for (Cmd c : cmds) bh.consume(engine.checkCommand(c.command, c.args));
        for (Exe e : exes) bh.consume(engine.checkExecve(e.filename, e.argv, 1));
        for (File f : files) bh.consume(engine.checkFile(f.path, f.op));
        for (int i = 0; i < 8; i++) {
            Net n = nets[i % nets.length];
            bh.consume(engine.checkNetwork(n.host, n.port, n.dialled));
        }
    }

    @Benchmark
    @OperationsPerInvocation(12)
    public void files(Blackhole bh) {
        for (File f : files) bh.consume(engine.checkFile(f.path, f.op));
    }

    @Benchmark
    @OperationsPerInvocation(8)
    public void commands(Blackhole bh) {
        for (Cmd c : cmds) bh.consume(engine.checkCommand(c.command, c.args));
    }

    @Benchmark
    @OperationsPerInvocation(6)
    public void network(Blackhole bh) {
        for (Net n : nets) bh.consume(engine.checkNetwork(n.host, n.port, n.dialled));
    }

    /** The allow path alone: must allocate nothing beyond the shared verdicts. */
    @Benchmark
    @OperationsPerInvocation(4)
    public void allowPath(Blackhole bh) {
        Verdict a = engine.checkFile("/root/project/src/main.c", FileOperation.READ);
        Verdict b = engine.checkCommand("git", cmds[1].args);
        Verdict c = engine.checkExecve("/usr/bin/cat", exes[1].argv, 1);
        Verdict d = engine.checkNetwork("registry.npm.example", 443, List.of());
        bh.consume(a); bh.consume(b); bh.consume(c); bh.consume(d);
    }
}
