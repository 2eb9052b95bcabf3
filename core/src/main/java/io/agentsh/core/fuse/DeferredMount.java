package io.agentsh.core.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A view mounted the first time a command needs it ({@code sandbox.fuse.deferred}); later calls
 * return the same mount. As the reference: if /dev/fuse is not usable yet and the
 * {@code deferred_marker_file} exists, {@code deferred_enable_command} (e.g. {@code chmod 666
 * /dev/fuse}) is run once and FUSE is checked again; if it still cannot be used, {@link #get()}
 * fails and the caller falls back to the supervisor's soft delete.
 */
public final class DeferredMount {
    interface Mounter { WorkspaceMount mount() throws IOException; }

    private final Mounter mounter;
    private final BooleanSupplier fuseUsable;
    private final Path markerFile;
    private final List<String> enableCommand;
    private WorkspaceMount mounted;
    private boolean enableTried;

    DeferredMount(Mounter mounter, BooleanSupplier fuseUsable, Path markerFile, List<String> enableCommand) {
        this.mounter = mounter;
        this.fuseUsable = fuseUsable;
        this.markerFile = markerFile;
        this.enableCommand = enableCommand == null ? List.of() : List.copyOf(enableCommand);
    }

    public synchronized WorkspaceMount get() throws IOException {
        if (mounted != null) return mounted;
        if (!fuseUsable.getAsBoolean()) {
            boolean gated = markerFile != null && Files.exists(markerFile);
            if (!enableTried && gated && !enableCommand.isEmpty()) {
                enableTried = true;
                Commands.run(enableCommand);
            }
            if (!fuseUsable.getAsBoolean()) {
                throw new IOException("FUSE is not usable (/dev/fuse)" + (gated || enableCommand.isEmpty() ? ""
                        : "; deferred_enable_command not run: marker file " + markerFile + " is missing"));
            }
        }
        mounted = mounter.mount();
        return mounted;
    }

    public synchronized boolean isMounted() { return mounted != null; }
}
