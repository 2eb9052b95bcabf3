package io.agentsh.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.agentsh.core.json.Json;
import io.agentsh.core.policy.FilePolicyProvider;
import io.agentsh.policy.ServerConfigLoader;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bounded loopback load: 50 clients x 40 execs; no errors and nothing leaked afterwards. */
class LoadTest {
    static final int CLIENTS = 50;
    static final int EXECS = 40;

    @Test
    void fiftyClientsFortyExecsEachLeaveNothingBehind(@TempDir Path ws) throws Exception {
        Path exe = TestDaemon.compat().resolve("exe.dev");
        FilePolicyProvider policies = new FilePolicyProvider(exe, "default",
                ServerConfigLoader.load(exe.resolve("config.yaml")).config().engineOptions(), Duration.ofSeconds(1));
        try (TestDaemon d = TestDaemon.start(policies, b -> b.policiesDir = exe)) {
            List<String> sids = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) sids.add(d.session(ws, null));
            // warm up every path once so pools and caches exist before the baseline
            run(d, sids, 1, new ConcurrentLinkedQueue<>());
            settle();
            long fdsBefore = fds();
            int threadsBefore = ownThreads();

            ConcurrentLinkedQueue<String> errors = new ConcurrentLinkedQueue<>();
            run(d, sids, EXECS, errors);
            assertTrue(errors.isEmpty(), errors.size() + " errors, first: " + errors.peek());

            settle();
            assertEquals(List.of(), children(), "no child process outlives its exec");
            long fdsAfter = fds();
            assertTrue(fdsAfter <= fdsBefore + 2, "fds before " + fdsBefore + " after " + fdsAfter + ": " + fdTargets());
            assertEquals(threadsBefore, ownThreads(), "threads: " + threadNames());
            // The JDK's own caches (process reaper, virtual-thread carriers, HttpClient workers) idle out
            // after 60 s; they must at least stay bounded by the concurrency.
            int all = ManagementFactory.getThreadMXBean().getThreadCount();
            assertTrue(all <= threadsBefore + CLIENTS + 24, "threads " + all + ": " + threadNames());
            String metrics = d.get("/metrics").body();
            assertTrue(metrics.contains("agentsh_execs_total{outcome=\"ok\"} " + (CLIENTS * (EXECS + 1))), metrics);
            assertTrue(metrics.contains("agentsh_audit_dropped_events_total 0"), metrics);
        }
    }

    private static void run(TestDaemon d, List<String> sids, int execs, ConcurrentLinkedQueue<String> errors)
            throws Exception {
        // A client of its own, closed at the end, so its connection pool is not counted as ours.
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> all = new ArrayList<>();
            for (String sid : sids) {
                all.add(pool.submit(() -> {
                    for (int i = 0; i < execs; i++) {
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                    URI.create(d.base + "/api/v1/sessions/" + sid + "/exec"))
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"command\":\"/bin/true\"}"))
                                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
                            if (r.statusCode() != 200
                                    || Json.MAPPER.readTree(r.body()).at("/result/exit_code").asInt(-1) != 0) {
                                errors.add(r.statusCode() + " " + r.body());
                            }
                        } catch (Exception e) {
                            errors.add(e.toString());
                        }
                    }
                }));
            }
            for (Future<?> f : all) f.get();
        }
    }

    private static String fdTargets() throws IOException {
        java.util.Map<String, Integer> byTarget = new java.util.TreeMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : s.toList()) {
                try {
                    byTarget.merge(Files.readSymbolicLink(p).toString().replaceAll("\\d+", "#"), 1, Integer::sum);
                } catch (IOException ignored) {
                    // closed meanwhile
                }
            }
        }
        return byTarget.toString();
    }

    /** Platform threads other than the idle-timeout caches (the JDK's, and the kernel layer's reused threads). */
    private static int ownThreads() {
        int n = 0;
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            String name = t.getName();
            if (!name.startsWith("process reaper") && !name.startsWith("ForkJoinPool")
                    && !name.startsWith("HttpClient") && !name.startsWith("Cleaner")
                    && !name.startsWith("agentsh-kernel-idle")) n++;
        }
        return n;
    }

    private static String threadNames() {
        java.util.Map<String, Integer> byName = new java.util.TreeMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            byName.merge(t.getName().replaceAll("\\d+", "#"), 1, Integer::sum);
        }
        return byName.toString();
    }

    private static void settle() throws InterruptedException {
        System.gc();
        Thread.sleep(1500);
    }

    private static long fds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    private static List<String> children() throws IOException {
        String self = Long.toString(ProcessHandle.current().pid());
        List<String> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (f[1].equals(self)) out.add(p.getFileName() + " " + stat.substring(0, stat.lastIndexOf(')') + 1));
                } catch (IOException ignored) {
                    // gone
                }
            }
        }
        return out;
    }
}
