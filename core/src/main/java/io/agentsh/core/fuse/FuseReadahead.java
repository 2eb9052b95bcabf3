package io.agentsh.core.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Widens the readahead window of a mounted view. The kernel starts a FUSE mount's backing-device
 * readahead at the block layer's default (128 KiB) and the init reply's {@code max_readahead} can
 * only lower it. Passthrough files do not use it (the backing file's own readahead applies); it
 * matters when the daemon serves reads itself (no passthrough), where a 1 MiB window lets the
 * kernel ask for a whole 1 MiB READ ahead of the reader.
 * ({@code /sys/class/bdi/MAJ:MIN/read_ahead_kb} of the mount's anonymous device; root only.)
 */
final class FuseReadahead {
    /** Matches the {@code max_readahead} the view asks for at INIT. */
    static final int WINDOW_KIB = FuseAbi.MAX_IO / 1024;

    private FuseReadahead() {}

    /**
     * Sets the window of the FUSE mount at {@code mountPoint}; returns whether it could. Failing is
     * harmless (reads work, only slower: not root, sysfs read-only), so callers only note it.
     */
    static boolean widen(Path mountPoint) {
        try {
            Path knob = knobOf(((Number) Files.getAttribute(mountPoint, "unix:dev")).longValue());
            Files.writeString(knob, Integer.toString(WINDOW_KIB));
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The sysfs file of a device number as stat(2) reports it (glibc's dev_t encoding). */
    static Path knobOf(long dev) {
        long major = ((dev >>> 8) & 0xfffL) | ((dev >>> 32) & 0xfffff000L);
        long minor = (dev & 0xffL) | ((dev >>> 12) & 0xffffff00L);
        return Path.of("/sys/class/bdi/" + major + ":" + minor + "/read_ahead_kb");
    }
}
