package io.agentsh.core.layers;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long the daemon's parts of arming a command took, for the benchmarks (bench/shim-cost.sh
 * reads them from /metrics): the last {@link #WINDOW} samples of each phase, rendered as
 * {@code agentsh_command_phase_microseconds{phase="...",quantile="0.5|0.9"}} and a count. A
 * sample is two stores into a ring; nothing is sorted until /metrics is read.
 */
final class PhaseTimings {
    static final int WINDOW = 1024;

    private static final class Ring {
        final long[] micros = new long[WINDOW];
        long count;

        synchronized void add(long us) {
            micros[(int) (count++ % WINDOW)] = us;
        }

        synchronized long count() {
            return count;
        }

        synchronized long[] snapshot() {
            return Arrays.copyOf(micros, (int) Math.min(count, WINDOW));
        }
    }

    private final Map<String, Ring> phases = new ConcurrentHashMap<>();

    /** Records that {@code phase} took from {@code startNanos} (System.nanoTime) until now. */
    void since(String phase, long startNanos) {
        phases.computeIfAbsent(phase, k -> new Ring()).add((System.nanoTime() - startNanos) / 1000);
    }

    String prometheus() {
        StringBuilder b = new StringBuilder("# HELP agentsh_command_phase_microseconds Daemon-side arming phases of the last "
                + WINDOW + " commands.\n# TYPE agentsh_command_phase_microseconds summary\n");
        new java.util.TreeMap<>(phases).forEach((phase, ring) -> {
            long[] s = ring.snapshot();
            if (s.length == 0) return;
            Arrays.sort(s);
            for (double q : new double[] {0.5, 0.9}) {
                b.append("agentsh_command_phase_microseconds{phase=\"").append(phase).append("\",quantile=\"").append(q)
                        .append("\"} ").append(s[Math.min(s.length - 1, (int) (q * s.length))]).append('\n');
            }
            b.append("agentsh_command_phase_microseconds_count{phase=\"").append(phase).append("\"} ").append(ring.count()).append('\n');
        });
        return b.toString();
    }
}
