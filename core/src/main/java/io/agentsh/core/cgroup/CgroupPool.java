package io.agentsh.core.cgroup;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Per-command cgroups made ahead of time, so a command's request path only takes one. Creating a
 * cgroup (mkdir in each hierarchy: a memory cgroup allocates its per-CPU counters) and writing its
 * limits cost ~0.4 ms, removing it more; both happen here on one background thread (never a
 * Netty event loop). A command {@link #take}s a cgroup whose limits were written when it was made
 * and gives it back with {@link Taken#finish}: the usage is read at once (it goes into the
 * response), the directories are removed later on the background thread.
 *
 * <p>Entries are kept per distinct {@link CgroupLimits} (a session policy's limits; normally one
 * or two values per daemon). An entry is taken by exactly one command (removed from its shelf
 * atomically) and never returns to a shelf: each command gets a cgroup nobody else was in.
 *
 * <p>Entries older than {@link #MAX_AGE_NANOS} are replaced: another daemon sharing the hierarchy
 * sweeps empty {@code agentsh-*} cgroups older than {@link CommandCgroups#STALE_AFTER} at its
 * start, and must never remove one we are about to hand out. Shelves nobody took from for
 * {@link #IDLE_NANOS} are emptied. Left-overs of a daemon that crashed are empty and old: the
 * existing sweep removes them.
 */
public final class CgroupPool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(CgroupPool.class.getName());
    static final long MAX_AGE_NANOS = TimeUnit.MINUTES.toNanos(2);
    static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(10);
    static final long MAINTAIN_EVERY_SECONDS = 30;

    private final CgroupBackend backend;
    private final int depth;
    private final String namePrefix;
    private final LongSupplier clock;
    private final ScheduledExecutorService background;
    private final AtomicLong counter = new AtomicLong();
    private final Map<CgroupLimits, Shelf> shelves = new ConcurrentHashMap<>();
    private volatile boolean closed;

    /**
     * @param depth how many ready cgroups to keep per limits value
     */
    CgroupPool(CgroupBackend backend, int depth, LongSupplier clock, ScheduledExecutorService background) {
        this.backend = backend;
        this.depth = depth;
        this.clock = clock;
        this.background = background;
        this.namePrefix = CommandCgroups.PREFIX + "pool-" + ProcessHandle.current().pid() + "-";
    }

    /** A pool with its own background thread ({@code agentsh-cgroup-pool}), maintained every 30 s. */
    static CgroupPool start(CgroupBackend backend, int depth) {
        ScheduledExecutorService bg = Executors.newSingleThreadScheduledExecutor(r ->
                Thread.ofPlatform().daemon().name("agentsh-cgroup-pool").unstarted(() -> {
                    lowerPriority();
                    r.run();
                }));
        CgroupPool p = new CgroupPool(backend, depth, System::nanoTime, bg);
        bg.scheduleWithFixedDelay(p::maintain, MAINTAIN_EVERY_SECONDS, MAINTAIN_EVERY_SECONDS, TimeUnit.SECONDS);
        // At SIGTERM the ready cgroups go at once, not after the daemon's orderly close (a
        // service manager or the testbed may SIGKILL soon after). After a SIGKILL they are
        // empty left-overs the next daemon's start-up sweep removes.
        try {
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("agentsh-cgroup-pool-close").unstarted(p::close));
        } catch (IllegalStateException e) {
            // already shutting down
        }
        return p;
    }

    /**
     * Making and removing cgroups must not take the CPU from commands being armed, nor delay a
     * finished command's parent: the pool's thread runs at SCHED_IDLE (nice 10 where that is refused).
     */
    private static void lowerPriority() {
        io.agentsh.core.kernel.sys.BackgroundScheduling.applyToCurrentThread();
    }

    /** A made cgroup and when it was made. */
    private record Entry(CommandCgroup cgroup, long madeAt) {}

    /** The ready cgroups for one limits value. */
    private final class Shelf {
        final CgroupLimits limits;
        final ConcurrentLinkedDeque<Entry> ready = new ConcurrentLinkedDeque<>();
        /** ready.size() is O(n) on a linked deque; this counts entries on the shelf and being made. */
        final AtomicInteger stocked = new AtomicInteger();
        final AtomicBoolean refilling = new AtomicBoolean();
        volatile long lastTaken;

        Shelf(CgroupLimits limits) {
            this.limits = limits;
            this.lastTaken = clock.getAsLong();
        }

        Entry poll() {
            Entry e = ready.pollFirst();
            if (e != null) stocked.decrementAndGet();
            return e;
        }
    }

    /**
     * A cgroup with {@code limits} written, for one command only. From the shelf when one is
     * ready (and young enough), else made now; either way the shelf is refilled in the background.
     *
     * @throws IOException the cgroup cannot be made (the backend's reason)
     */
    public Taken take(CgroupLimits limits) throws IOException {
        Shelf shelf = shelves.computeIfAbsent(limits, Shelf::new);
        long now = clock.getAsLong();
        shelf.lastTaken = now;
        Entry e;
        while ((e = shelf.poll()) != null && now - e.madeAt() > MAX_AGE_NANOS) discard(e.cgroup());
        CommandCgroup cg = e != null ? e.cgroup() : make(limits);
        // Waking the background thread now would compete with this command for the CPU: the
        // shelf is topped up when the command finishes, or now if it runs low.
        if (e == null || shelf.stocked.get() <= depth / 2) refill(shelf);
        return new Taken(cg, shelf);
    }

    private CommandCgroup make(CgroupLimits limits) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            try {
                return backend.create(namePrefix + counter.incrementAndGet(), limits);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                last = e; // a name left by an earlier daemon with our pid: the next number
            }
        }
        throw last;
    }

    /** Tops the shelf up to {@link #depth} on the background thread (one refill per shelf at a time). */
    private void refill(Shelf shelf) {
        if (closed || shelf.stocked.get() >= depth || !shelf.refilling.compareAndSet(false, true)) return;
        try {
            background.execute(() -> {
                try {
                    while (!closed && shelf.stocked.get() < depth && shelves.get(shelf.limits) == shelf) {
                        CommandCgroup cg;
                        try {
                            cg = PreopenedCgroup.of(make(shelf.limits));
                        } catch (IOException | RuntimeException e) {
                            // take() makes its own and reports the reason; nothing to stock meanwhile
                            LOG.log(Level.FINE, "cannot stock a cgroup: " + e.getMessage(), e);
                            return;
                        }
                        shelf.stocked.incrementAndGet();
                        shelf.ready.addLast(new Entry(cg, clock.getAsLong()));
                    }
                } finally {
                    shelf.refilling.set(false);
                }
                if (closed) drain(shelf);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            shelf.refilling.set(false);
        }
    }

    /**
     * Every {@link #MAINTAIN_EVERY_SECONDS}: replaces entries older than {@link #MAX_AGE_NANOS}
     * and empties shelves idle for {@link #IDLE_NANOS}. Runs on the background thread.
     */
    void maintain() {
        long now = clock.getAsLong();
        for (Shelf shelf : shelves.values()) {
            if (now - shelf.lastTaken > IDLE_NANOS) {
                shelves.remove(shelf.limits, shelf);
                drain(shelf);
                continue;
            }
            Entry e;
            while ((e = shelf.ready.peekFirst()) != null && now - e.madeAt() > MAX_AGE_NANOS) {
                if (shelf.ready.remove(e)) {
                    shelf.stocked.decrementAndGet();
                    e.cgroup().finish();
                }
            }
            refill(shelf);
        }
    }

    private void drain(Shelf shelf) {
        Entry e;
        while ((e = shelf.poll()) != null) e.cgroup().finish();
    }

    /** Removes an unused cgroup on the background thread (or here once the pool is closed). */
    private void discard(CommandCgroup cg) {
        removeLater(cg);
    }

    private void removeLater(CommandCgroup cg) {
        if (!closed) {
            try {
                background.execute(cg::remove);
                return;
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shutting down: below
            }
        }
        cg.remove();
    }

    /** How many ready cgroups the shelf for {@code limits} holds now (tests, diagnostics). */
    int ready(CgroupLimits limits) {
        Shelf s = shelves.get(limits);
        return s == null ? 0 : s.ready.size();
    }

    /** Empties every shelf (removing its cgroups) and stops the background thread after the removals queued so far. */
    @Override
    public synchronized void close() {
        closed = true;
        for (Shelf s : shelves.values()) drain(s);
        background.shutdown();
        try {
            background.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Shelf s : shelves.values()) drain(s);
    }

    /**
     * A command's cgroup from the pool. {@link #finish} kills what is left and reads the usage at
     * once; the directories are removed on the pool's thread, so the command's response never
     * waits for rmdir.
     */
    public final class Taken implements CommandCgroup {
        private final CommandCgroup cgroup;
        private final Shelf shelf;
        private final AtomicBoolean removing = new AtomicBoolean();

        private Taken(CommandCgroup cgroup, Shelf shelf) {
            this.cgroup = cgroup;
            this.shelf = shelf;
        }

        @Override public String name() { return cgroup.name(); }

        @Override public void join(long pid) throws IOException { cgroup.join(pid); }

        @Override public java.util.List<java.nio.file.Path> selfJoinFiles() { return cgroup.selfJoinFiles(); }

        @Override public int[] takeSelfJoinDescriptors() { return cgroup.takeSelfJoinDescriptors(); }

        @Override public void verifyJoined(long pid) throws IOException { cgroup.verifyJoined(pid); }

        @Override public CgroupUsage usage() { return cgroup.usage(); }

        @Override public CgroupUsage stop() { return cgroup.stop(); }

        @Override
        public void remove() {
            if (!removing.compareAndSet(false, true)) return;
            removeLater(cgroup);
            refill(shelf);
        }

        @Override
        public CgroupUsage finish() {
            CgroupUsage u = cgroup.stop();
            remove();
            return u;
        }
    }
}
