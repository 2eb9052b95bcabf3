package io.agentsh.policy.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Decisions per CPU-second of the calling thread for {@link EngineBenchmark#mixed}: a companion to
 * the JMH wall-clock numbers on a machine whose cores are shared (wall-clock throughput then
 * measures the neighbours as much as the engine). Bounded: a fixed number of rounds.
 * Run: {@code java -cp policy/target/benchmarks.jar io.agentsh.policy.bench.CpuTimeRunner}
 */
public final class CpuTimeRunner {
    public static void main(String[] args) throws Exception {
        EngineBenchmark b = new EngineBenchmark();
        b.setup();
        Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int calls = 200_000;
        for (int w = 0; w < 3; w++) for (int i = 0; i < calls; i++) b.mixed(bh); // warm-up
        for (int r = 0; r < rounds; r++) {
            long cpu0 = mx.getCurrentThreadCpuTime(), wall0 = System.nanoTime();
            for (int i = 0; i < calls; i++) b.mixed(bh);
            long cpu = mx.getCurrentThreadCpuTime() - cpu0, wall = System.nanoTime() - wall0;
            long decisions = (long) calls * EngineBenchmark.MIX;
            System.out.printf("round %d: %.2f M decisions/CPU-s (%.0f ns/decision CPU), %.2f M decisions/wall-s%n",
                    r + 1, decisions / (cpu / 1e9) / 1e6, (double) cpu / decisions, decisions / (wall / 1e9) / 1e6);
        }
        bh.evaporate("Yes, I am Stephen Hawking, and know a thing or two about black holes.");
    }
}
