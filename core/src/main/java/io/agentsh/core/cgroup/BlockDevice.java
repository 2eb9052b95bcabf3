package io.agentsh.core.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The whole disk ("MAJOR:MINOR") a path lives on, for io.max / blkio throttling; null when not a block device. */
public final class BlockDevice {
    private BlockDevice() {}

    public static String of(Path path) {
        try {
            long dev = ((Number) Files.getAttribute(path, "unix:dev")).longValue();
            long major = ((dev >>> 8) & 0xfff) | ((dev >>> 32) & ~0xfffL);
            long minor = (dev & 0xff) | ((dev >>> 12) & ~0xffL);
            if (major == 0) return null; // overlay, tmpfs, FUSE: no disk to throttle
            Path sys = Path.of("/sys/dev/block/" + major + ":" + minor);
            if (!Files.exists(sys)) return null;
            Path real = sys.toRealPath();
            if (Files.exists(real.resolve("partition"))) return Files.readString(real.getParent().resolve("dev")).trim();
            return major + ":" + minor;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null;
        }
    }
}
