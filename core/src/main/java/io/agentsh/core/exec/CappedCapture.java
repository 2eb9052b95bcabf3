package io.agentsh.core.exec;

import java.io.ByteArrayOutputStream;

/** Keeps the first {@code cap} bytes of a stream and counts all of it (reference: 1 MiB each). */
public final class CappedCapture {
    private final int cap;
    private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
    private long total;

    public CappedCapture(int cap) {
        this.cap = cap;
    }

    public synchronized void write(byte[] b, int off, int len) {
        total += len;
        int room = cap - kept.size();
        if (room > 0) kept.write(b, off, Math.min(room, len));
    }

    public synchronized byte[] bytes() { return kept.toByteArray(); }

    public synchronized long total() { return total; }

    public synchronized boolean truncated() { return total > kept.size(); }
}
