package io.agentsh.core.fuse;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The view's open files and directories by the handle ({@code fh}) the kernel quotes back:
 * each holds a backing fd opened with the caller's flags (fstat, truncate, fsync and, without
 * passthrough, reads and writes go to it) and, for a directory, the listing being read.
 */
final class OpenFiles {
    static final class Handle {
        final long fh;
        final int fd;
        final NodeTable.Node node;
        /** The passthrough backing id this open uses, or 0. */
        final int backingId;
        /** A directory's entries, listed when reading starts at offset 0. */
        volatile List<DirEntry> entries;

        Handle(long fh, int fd, NodeTable.Node node, int backingId) {
            this.fh = fh;
            this.fd = fd;
            this.node = node;
            this.backingId = backingId;
        }
    }

    record DirEntry(long ino, int type, String name) {}

    private final Map<Long, Handle> handles = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong(1);

    Handle add(int fd, NodeTable.Node node, int backingId) {
        Handle h = new Handle(next.getAndIncrement(), fd, node, backingId);
        handles.put(h.fh, h);
        return h;
    }

    Handle get(long fh) {
        return handles.get(fh);
    }

    /** Some open handle of {@code node} (for a node that has lost its name but is still open), or null. */
    Handle anyOf(NodeTable.Node node) {
        for (Handle h : handles.values()) if (h.node == node) return h;
        return null;
    }

    Handle remove(long fh) {
        return handles.remove(fh);
    }

    /** Every handle still open (closed when the connection ends). */
    List<Handle> drain() {
        List<Handle> all = List.copyOf(handles.values());
        handles.clear();
        return all;
    }
}
