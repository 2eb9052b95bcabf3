package io.agentsh.core.fuse;

import java.io.IOException;
import java.nio.file.Path;

/** Lets tests outside this package read the mount table. */
public final class MountTableProbe {
    private MountTableProbe() {}

    public static boolean isFuse(Path p) throws IOException { return MountTable.isFuseMount(p); }

    public static boolean anyFuseUnder(Path dir) throws IOException {
        return MountTable.read().stream().anyMatch(m -> m.mountPoint().startsWith(dir) && m.fsType().startsWith("fuse"));
    }
}
