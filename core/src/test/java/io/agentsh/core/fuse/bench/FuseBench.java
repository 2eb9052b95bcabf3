package io.agentsh.core.fuse.bench;

import io.agentsh.core.fuse.AuditMode;
import io.agentsh.core.fuse.FilePolicy;
import io.agentsh.core.fuse.WorkspaceMount;
import io.agentsh.core.fuse.WorkspaceMounts;
import io.agentsh.core.trash.SoftDeleter;
import io.agentsh.core.trash.TrashStore;
import io.agentsh.policy.Engine;
import io.agentsh.policy.EngineOptions;
import io.agentsh.policy.PolicyLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The view vs native, on a tmpfs workspace (/dev/shm: the fastest native case, so the worst ratio).
 * Driven by a separate process (python3) so the JVM serving FUSE is not also the client.
 * Phases: 1,000 small files create+write / read / delete (allow policy, monitor mode; and with
 * soft_delete), the same as a shell loop, and sequential reads of 1 GiB: backing on tmpfs (the
 * view's page cache dropped, then kept) and backing on disk with every cache dropped on both paths.
 * Usage: scripts/bench-fuse.sh [runs] [all|files|read|serve SECONDS]
 */
public final class FuseBench {
    private static final String SMALL = String.join("\n",
            "import os, sys, time",
            "d, n = sys.argv[1], int(sys.argv[2]); data = b'x' * 1024",
            "t = time.perf_counter()",
            "for i in range(n):",
            "    fd = os.open(f'{d}/f{i}', os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o644); os.write(fd, data); os.close(fd)",
            "for i in range(n):",
            "    fd = os.open(f'{d}/f{i}', os.O_RDONLY); os.read(fd, 4096); os.close(fd)",
            "for i in range(n):",
            "    os.unlink(f'{d}/f{i}')",
            "print(time.perf_counter() - t)");
    /** Reads argv[1] sequentially in 1 MiB reads after dropping the page cache of argv[2:]; prints MB/s and its own CPU seconds. */
    private static final String SEQ = String.join("\n",
            "import os, sys, time, resource",
            "for p in sys.argv[2:]:",
            "    fd = os.open(p, os.O_RDONLY); os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED); os.close(fd)",
            "buf = bytearray(1 << 20); total = 0",
            "r0 = resource.getrusage(resource.RUSAGE_SELF); t = time.perf_counter()",
            "with open(sys.argv[1], 'rb', buffering=0) as f:",
            "    while True:",
            "        n = f.readinto(buf)",
            "        if not n: break",
            "        total += n",
            "dt = time.perf_counter() - t; r1 = resource.getrusage(resource.RUSAGE_SELF)",
            "print(total / dt / 1e6, r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)");

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Path shm = Files.createTempDirectory(Path.of("/dev/shm"), "agentsh-bench");
        Path ws = Files.createDirectory(shm.resolve("ws")).toRealPath();
        Path base = Files.createTempDirectory("agentsh-bench-sessions");
        Path trash = Files.createTempDirectory(Path.of("/dev/shm"), "agentsh-bench-trash");
        Path policyFile = shm.resolve("bench-policy.yaml");
        try {
            run(runs, args, shm, ws, base, trash, policyFile);
        } finally {
            for (Path p : List.of(shm, trash, base)) {
                try (var s = Files.walk(p)) { s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete()); }
            }
        }
    }

    private static void run(int runs, String[] args, Path shm, Path ws, Path base, Path trash, Path policyFile) throws Exception {
        Files.writeString(policyFile, String.join("\n",
                "version: 1", "name: bench", "file_rules:",
                "  - name: soft-delete-ws", "    paths: [\"${PROJECT_ROOT}/soft/**\"]", "    operations: [delete, rmdir]",
                "    decision: soft_delete",
                "  - name: allow-ws", "    paths: [\"${PROJECT_ROOT}\", \"${PROJECT_ROOT}/**\"]", "    operations: [\"*\"]",
                "    decision: allow", ""));
        Engine engine = engineFor(policyFile, ws);
        try (TrashStore store = TrashStore.open(trash); WorkspaceMounts mounts = new WorkspaceMounts(base)) {
            WorkspaceMount view = mounts.mount("bench", ws, new WorkspaceMounts.ViewSpec(FilePolicy.of(() -> engine),
                    AuditMode.MONITOR, new SoftDeleter(store, null), null));
            Path mp = view.mountPoint();
            if (args.length > 1 && args[1].equals("serve")) {     // manual experiments: mount, print, wait
                System.out.println("ws " + ws + "\nview " + mp);
                Thread.sleep(Long.parseLong(args[2]) * 1000);
                return;
            }
            String phase = args.length > 1 ? args[1] : "all";
            Files.createDirectories(ws.resolve("soft"));
            Path small = Files.writeString(shm.resolve("small.py"), SMALL);
            Path seq = Files.writeString(shm.resolve("seq.py"), SEQ);
            if (!phase.equals("read")) fileLoops(runs, ws, mp, small, store);
            if (!phase.equals("files")) {
                sequentialReads(runs, ws, mp, seq);
                Path diskWs = Files.createTempDirectory("agentsh-bench-diskws").toRealPath();
                try {
                    Engine diskEngine = engineFor(policyFile, diskWs);
                    WorkspaceMount diskView = mounts.mount("bench-disk", diskWs, new WorkspaceMounts.ViewSpec(
                            FilePolicy.of(() -> diskEngine), AuditMode.MONITOR, new SoftDeleter(store, null), null));
                    coldReads(runs, diskWs, diskView.mountPoint(), seq);
                    diskView.close();
                } finally {
                    TreeOpsCleanup.delete(diskWs);
                }
            }
            view.close();
        }
    }

    private static Engine engineFor(Path policyFile, Path root) throws Exception {
        return Engine.compile(PolicyLoader.load(policyFile),
                EngineOptions.builder().variable("PROJECT_ROOT", root.toString()).skipUndefinedVariables(true).build());
    }

    private static void fileLoops(int runs, Path ws, Path mp, Path small, TrashStore store) throws Exception {
        System.out.println("small files (1,000 x create+write 1 KiB / read / unlink), seconds, median of " + runs);
        double[] sm = interleaved(runs, () -> py(small, ws.toString(), "1000"), () -> py(small, mp.toString(), "1000"),
                () -> py(small, mp.resolve("soft").toString(), "1000"));
        double nat = sm[0], fuse = sm[1], soft = sm[2];
        System.out.printf(Locale.ROOT, "  native %.4f  view %.4f (%.2fx)  view+soft_delete %.4f (%.2fx)%n",
                nat, fuse, fuse / nat, soft, soft / nat);
        store.purge(new io.agentsh.core.trash.PurgeRequest(null, 0L, null, false));

        // What an agent's shell does: a process per operation (echo is a builtin; cat and rm are not).
        String loop = "cd \"$1\" && for i in $(seq 1 1000); do echo hello > f$i; cat f$i > /dev/null; rm f$i; done";
        System.out.println("shell loop (1,000 x echo > f; cat f; rm f), seconds, median of " + runs);
        double[] sh = interleaved(runs, () -> timed("bash", "-c", loop, "bench", ws.toString()),
                () -> timed("bash", "-c", loop, "bench", mp.toString()),
                () -> timed("bash", "-c", loop, "bench", mp.resolve("soft").toString()));
        double natS = sh[0], viewS = sh[1], softS = sh[2];
        System.out.printf(Locale.ROOT, "  native %.3f  view %.3f (%.2fx)  view+soft_delete %.3f (%.2fx)%n",
                natS, viewS, viewS / natS, softS, softS / natS);
        store.purge(new io.agentsh.core.trash.PurgeRequest(null, 0L, null, false));

        // The store alone on the disk (/tmp here): what one soft delete costs when the trash is not on tmpfs.
        Path diskWs = Files.createTempDirectory("agentsh-bench-diskws");
        try (TrashStore disk = TrashStore.open(Files.createTempDirectory("agentsh-bench-disktrash"))) {
            for (int i = 0; i < 200; i++) Files.writeString(diskWs.resolve("f" + i), "x".repeat(1024));
            long t0 = System.nanoTime();
            for (int i = 0; i < 200; i++) disk.divert(diskWs.resolve("f" + i), diskWs.resolve("f" + i).toString(), "b", "r", null);
            System.out.printf(Locale.ROOT, "soft delete on disk (store only, 200 x 1 KiB): %.2f ms each%n",
                    (System.nanoTime() - t0) / 200 / 1e6);
            disk.purge(new io.agentsh.core.trash.PurgeRequest(null, 0L, null, false));
            TreeOpsCleanup.delete(disk.root());
        } finally {
            TreeOpsCleanup.delete(diskWs);
        }

    }

    /** Backing file in memory (tmpfs): native vs the view with its page cache dropped (the backing stays cached) and kept. */
    private static void sequentialReads(int runs, Path ws, Path mp, Path seq) throws Exception {
        Path big = writeGiB(ws.resolve("big.bin"));
        Path viewBig = mp.resolve("big.bin");
        System.out.println("sequential read of 1 GiB, backing on tmpfs, MB/s (CPU s per GiB: reader + daemon), median of " + runs);
        Read[] r = interleavedReads(runs, () -> read(seq, big), () -> read(seq, viewBig, viewBig), () -> read(seq, viewBig));
        System.out.printf(Locale.ROOT, "  native %s | view, its page cache dropped %s (%.0f%%) | view, cached %s (%.0f%%)%n",
                r[0], r[1], 100 * r[1].mbps / r[0].mbps, r[2], 100 * r[2].mbps / r[0].mbps);
        Files.delete(big);
    }

    /** Backing file on disk, every page cache on the path dropped before each read: native cold vs view cold. */
    private static void coldReads(int runs, Path diskWs, Path mp, Path seq) throws Exception {
        Path big = writeGiB(diskWs.resolve("big.bin"));
        Path viewBig = mp.resolve("big.bin");
        System.out.println("sequential read of 1 GiB, backing on " + Files.getFileStore(diskWs).type()
                + " (" + diskWs + "), all caches of the file dropped (posix_fadvise), MB/s, median of " + runs);
        Read[] r = interleavedReads(runs, () -> read(seq, big, big), () -> read(seq, viewBig, big, viewBig));
        System.out.printf(Locale.ROOT, "  native cold %s | view cold %s (%.0f%%)%n", r[0], r[1], 100 * r[1].mbps / r[0].mbps);
        Files.delete(big);
    }

    /** Real pages (not sparse: a hole on tmpfs reads the shared zero page, which flatters native), on stable storage. */
    private static Path writeGiB(Path big) throws IOException {
        byte[] chunk = new byte[1 << 20];
        new java.util.Random(1).nextBytes(chunk);
        try (var ch = java.nio.channels.FileChannel.open(big, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            for (int i = 0; i < 1024; i++) ch.write(java.nio.ByteBuffer.wrap(chunk));
            ch.force(true);   // dirty pages cannot be dropped: the cold reads need them written back
        }
        return big;
    }

    /** One read: throughput and the CPU it cost, the reader's and this JVM's (the daemon serving the view). */
    record Read(double mbps, double cpu) {
        @Override public String toString() { return String.format(Locale.ROOT, "%.0f (%.2f s)", mbps, cpu); }
    }

    interface ReadSample { Read take() throws Exception; }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    static Read read(Path script, Path file, Path... drop) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(file.toString()));
        for (Path d : drop) argv.add(d.toString());
        long cpu0 = OS.getProcessCpuTime();
        String[] out = pyOut(script, argv.toArray(String[]::new)).split(" ");
        double daemon = (OS.getProcessCpuTime() - cpu0) / 1e9;
        return new Read(Double.parseDouble(out[0]), Double.parseDouble(out[1]) + daemon);
    }

    /** Medians of throughput and of CPU, separately, of each variant, run in turn within each round. */
    static Read[] interleavedReads(int runs, ReadSample... variants) throws Exception {
        for (ReadSample v : variants) v.take();   // warm-up
        List<List<Read>> r = new ArrayList<>();
        for (ReadSample v : variants) r.add(new ArrayList<>());
        for (int i = 0; i < runs; i++) for (int k = 0; k < variants.length; k++) r.get(k).add(variants[k].take());
        return r.stream().map(l -> new Read(median(l.stream().map(Read::mbps).toList()),
                median(l.stream().map(Read::cpu).toList()))).toArray(Read[]::new);
    }

    static final class TreeOpsCleanup {
        static void delete(Path p) throws IOException {
            try (var s = Files.walk(p)) { s.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete()); }
        }
    }

    interface Sample { double take() throws Exception; }

    static double median(int runs, Sample s) throws Exception {
        s.take();   // warm-up
        List<Double> v = new ArrayList<>();
        for (int i = 0; i < runs; i++) v.add(s.take());
        return median(v);
    }

    /** Runs the variants in turn within each round, so a change in machine load hits all of them alike. */
    static double[] interleaved(int runs, Sample... variants) throws Exception {
        for (Sample v : variants) v.take();   // warm-up
        List<List<Double>> r = new ArrayList<>();
        for (Sample v : variants) r.add(new ArrayList<>());
        for (int i = 0; i < runs; i++) for (int k = 0; k < variants.length; k++) r.get(k).add(variants[k].take());
        return r.stream().mapToDouble(FuseBench::median).toArray();
    }

    static double median(List<Double> v) {
        double[] a = v.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a[a.length / 2];
    }

    static double timed(String... argv) throws IOException, InterruptedException {
        long t = System.nanoTime();
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) throw new IOException("bench command failed: " + out);
        return (System.nanoTime() - t) / 1e9;
    }

    static double py(Path script, String... args) throws IOException, InterruptedException {
        return Double.parseDouble(pyOut(script, args));
    }

    static String pyOut(Path script, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("python3", script.toString()));
        argv.addAll(List.of(args));
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0) throw new IOException("bench script failed: " + out);
        return out;
    }
}
