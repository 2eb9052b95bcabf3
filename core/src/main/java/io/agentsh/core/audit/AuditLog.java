package io.agentsh.core.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The audit pipeline: every event goes to live listeners at once (SSE, the exec call collecting
 * its own events) and, through a bounded queue, to the durable sinks on one named writer thread
 * in batches. A full queue blocks the producer briefly; an event is dropped only after that wait,
 * and every drop is counted (exported in /metrics) and logged. Never silent.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());
    private static final Event POISON = Event.builder("__stop__", "").build();

    private final BlockingQueue<Event> queue;
    private final List<EventSink> sinks;
    private final int batchSize;
    private final long flushIntervalNanos;
    private final long offerWaitNanos;
    /** How long the writer lets a burst of events gather after the first one (at most the flush interval, 5 ms). */
    private final long lingerNanos;
    private final List<Consumer<Event>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong sinkFailures = new AtomicLong();
    private final Thread writer;
    private volatile boolean closed;

    public AuditLog(List<EventSink> sinks, int queueCapacity, int batchSize, long flushIntervalMillis,
                    long offerWaitMillis) {
        this.sinks = List.copyOf(sinks);
        this.queue = new ArrayBlockingQueue<>(Math.max(16, queueCapacity));
        this.batchSize = Math.max(1, batchSize);
        this.flushIntervalNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(1, flushIntervalMillis));
        this.offerWaitNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(0, offerWaitMillis));
        this.lingerNanos = Math.min(flushIntervalNanos, TimeUnit.MILLISECONDS.toNanos(5));
        this.writer = Thread.ofPlatform().name("agentsh-audit-writer").daemon(true).unstarted(this::drainLoop);
        writer.start();
    }

    /** Publishes an event. Returns false when it could not be queued for storage (counted, logged). */
    public boolean emit(Event event) {
        for (Consumer<Event> l : listeners) {
            try {
                l.accept(event);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "audit listener failed", e);
            }
        }
        if (sinks.isEmpty()) return true;
        boolean queued;
        try {
            queued = !closed && queue.offer(event, offerWaitNanos, TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            queued = false;
        }
        if (!queued) {
            long n = dropped.incrementAndGet();
            LOG.warning("audit event dropped (queue full or closed): type=" + event.type() + " session="
                    + event.sessionId() + " dropped_total=" + n);
        }
        return queued;
    }

    public Runnable subscribe(Consumer<Event> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    public long droppedCount() { return dropped.get(); }

    public long writtenCount() { return written.get(); }

    public long sinkFailureCount() { return sinkFailures.get(); }

    /** Waits until everything queued so far has reached the sinks (used by queries and tests). */
    public void flush(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (!queue.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        synchronized (this) { /* the writer holds the monitor while writing a batch */ }
    }

    private void drainLoop() {
        List<Event> batch = new ArrayList<>(batchSize);
        while (true) {
            try {
                Event first = queue.poll(flushIntervalNanos, TimeUnit.NANOSECONDS);
                if (first == null) continue;
                synchronized (this) {
                    boolean stop = first == POISON;
                    if (!stop) batch.add(first);
                    // A command emits its events in a burst (decision, cgroup, exec, file, end).
                    // Sleeping through the burst and taking it in one go costs one wake-up per
                    // batch; waiting on the queue would be woken by every event, each time taking
                    // a CPU from the command being governed.
                    if (!stop && queue.size() < batchSize - 1) Thread.sleep(Math.max(1, lingerNanos / 1_000_000));
                    if (!stop) queue.drainTo(batch, batchSize - 1);
                    stop |= batch.remove(POISON);
                    if (stop) queue.drainTo(batch);
                    batch.remove(POISON);
                    writeBatch(batch);
                    batch.clear();
                    if (stop) return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void writeBatch(List<Event> batch) {
        if (batch.isEmpty()) return;
        for (EventSink sink : sinks) {
            try {
                sink.write(batch);
            } catch (Exception e) {
                // A failing sink loses this batch for that sink only: count it as dropped and say so.
                sinkFailures.incrementAndGet();
                dropped.addAndGet(batch.size());
                LOG.log(Level.SEVERE, "audit sink " + sink.getClass().getSimpleName() + " failed; "
                        + batch.size() + " events not stored: " + e.getMessage());
            }
        }
        written.addAndGet(batch.size());
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        try {
            queue.put(POISON);
            writer.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (EventSink s : sinks) s.close();
    }
}
