package io.agentsh.core.trash;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Applies the configured TTL and quota in the background: every {@code interval}, and soon after
 * any soft delete ({@link #nudge}), so a burst of deletes cannot grow the trash without bound.
 */
public final class TrashJanitor implements AutoCloseable {
    private final TrashStore store;
    private final Duration ttl;
    private final long quota;
    private final Consumer<String> log;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "trash-janitor");
        t.setDaemon(true);
        return t;
    });

    public TrashJanitor(TrashStore store, Duration ttl, long quotaBytes, Duration interval, Consumer<String> log) {
        this.store = store;
        this.ttl = ttl;
        this.quota = quotaBytes;
        this.log = log;
        timer.scheduleWithFixedDelay(this::runOnce, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A listener that schedules a purge check after each soft delete. */
    public SoftDeleteListener nudger() { return e -> nudge(); }

    public void nudge() { timer.execute(this::runOnce); }

    void runOnce() {
        try {
            PurgeResult r = store.purge(PurgeRequest.limits(ttl, quota));
            if (!r.removed().isEmpty()) log.accept("trash: purged " + r.removed().size() + " entries, " + r.bytesFreed() + " bytes");
        } catch (IOException | RuntimeException e) {
            log.accept("trash: purge failed: " + e.getMessage());
        }
    }

    @Override public void close() { timer.shutdownNow(); }
}
