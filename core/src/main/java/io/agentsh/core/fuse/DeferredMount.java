package io.agentsh.core.fuse;

import java.io.IOException;

/** A view mounted the first time a command needs it ({@code sandbox.fuse.deferred}); later calls return the same mount. */
public final class DeferredMount {
    interface Mounter { WorkspaceMount mount() throws IOException; }

    private final Mounter mounter;
    private WorkspaceMount mounted;

    DeferredMount(Mounter mounter) { this.mounter = mounter; }

    public synchronized WorkspaceMount get() throws IOException {
        if (mounted == null) mounted = mounter.mount();
        return mounted;
    }

    public synchronized boolean isMounted() { return mounted != null; }
}
