package io.agentsh.core.exec;

import java.time.Duration;
import java.util.logging.Logger;
import jnr.constants.platform.Signal;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;

/** Signals whole process groups (every command is its own session and group: pgid == pid). */
public final class ProcessGroups {
    private static final Logger LOG = Logger.getLogger(ProcessGroups.class.getName());
    private static final POSIX POSIX_API = POSIXFactory.getNativePOSIX();

    private ProcessGroups() {}

    /** kill(-pgid, sig); false if the group no longer exists. */
    public static boolean signal(long pgid, Signal sig) {
        if (pgid <= 1) throw new IllegalArgumentException("refusing to signal process group " + pgid);
        return POSIX_API.kill(-(int) pgid, sig.intValue()) == 0;
    }

    public static boolean exists(long pgid) {
        return pgid > 1 && POSIX_API.kill(-(int) pgid, 0) == 0;
    }

    /** SIGTERM to the group, then SIGKILL to whatever is left after the grace period. */
    public static void terminate(long pgid, Duration grace) {
        if (!signal(pgid, Signal.SIGTERM)) return;
        long deadline = System.nanoTime() + grace.toNanos();
        while (System.nanoTime() < deadline) {
            if (!exists(pgid)) return;
            sleep(20);
        }
        if (signal(pgid, Signal.SIGKILL)) LOG.fine("process group " + pgid + " needed SIGKILL");
    }

    public static void kill(long pgid) {
        signal(pgid, Signal.SIGKILL);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
