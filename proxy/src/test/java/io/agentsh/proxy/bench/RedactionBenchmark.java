package io.agentsh.proxy.bench;

import io.agentsh.proxy.dlp.DlpEngine;
import io.agentsh.proxy.dlp.DlpMode;
import io.agentsh.proxy.dlp.DlpSettings;
import io.agentsh.proxy.dlp.Redaction;
import io.agentsh.proxy.dlp.Redactor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * DLP throughput on 1 MiB of mixed text (see {@link MixedText}) with all five built-ins and the
 * eight custom patterns of compat/exe.dev/config.yaml, on one thread. MB/s = ops/s x 1.048576.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class RedactionBenchmark {
    static final int SIZE = 1 << 20;

    Redactor redactor;
    String mixed;
    String clean;

    @Setup
    public void setUp() throws Exception {
        redactor = Redactor.forSession(DlpEngine.compile(new DlpSettings(DlpMode.REDACT, null,
                MixedText.EXE_DEV_PATTERNS, null)), DlpMode.REDACT);
        mixed = MixedText.generate(SIZE, 42);
        // the same text with every secret-ish character class thinned out: the common no-secret case
        clean = mixed.replace('@', ' ').replaceAll("[0-9]", "x").replace("sk-", "sk ").replace("AKIA", "AKIa");
        if (redactor.redactText(mixed).counts().isEmpty()) {
            throw new IllegalStateException("benchmark text has no secrets");
        }
    }

    @Benchmark
    public Redaction mixedText1MiB() {
        return redactor.redactText(mixed);
    }

    @Benchmark
    public Redaction cleanText1MiB() {
        return redactor.redactText(clean);
    }
}
