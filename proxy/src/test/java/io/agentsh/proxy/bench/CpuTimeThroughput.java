package io.agentsh.proxy.bench;

import io.agentsh.proxy.dlp.DlpEngine;
import io.agentsh.proxy.dlp.DlpMode;
import io.agentsh.proxy.dlp.DlpSettings;
import io.agentsh.proxy.dlp.Redactor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The redaction benchmark measured in CPU time of the benchmarking thread instead of wall time,
 * so the figure stays meaningful on a machine shared with other busy processes (wall-clock JMH
 * numbers there mostly measure the scheduler). Run by {@code -Pjmh} before JMH.
 */
public final class CpuTimeThroughput {
    private CpuTimeThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Redactor r = Redactor.forSession(DlpEngine.compile(new DlpSettings(DlpMode.REDACT, null,
                MixedText.EXE_DEV_PATTERNS, null)), DlpMode.REDACT);
        String text = MixedText.generate(1 << 20, 42);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 200; i++) {
            r.redactText(text);   // warm-up: let the JIT compile the scanners
        }
        for (int round = 1; round <= 5; round++) {
            long cpu0 = mx.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            int n = 100;
            for (int i = 0; i < n; i++) {
                r.redactText(text);
            }
            double cpuS = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9;
            double wallS = (System.nanoTime() - wall0) / 1e9;
            System.out.printf("DLP 1 MiB mixed text, all built-ins + 8 exe.dev patterns: round %d: %.0f MB/s per CPU-second"
                    + " (%.0f MB/s wall)%n", round, n * 1.048576 / cpuS, n * 1.048576 / wallS);
        }
    }
}
