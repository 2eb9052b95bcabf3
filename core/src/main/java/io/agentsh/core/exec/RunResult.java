package io.agentsh.core.exec;

/** The outcome of one process run. startError is non-null when it never started (exit 127). */
public record RunResult(long pid, int exitCode, byte[] stdout, byte[] stderr, long stdoutTotal, long stderrTotal,
                        boolean stdoutTruncated, boolean stderrTruncated, boolean timedOut, String startError,
                        long durationMs) {}
