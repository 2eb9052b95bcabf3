package io.agentsh.core.trash;

import java.util.List;

/** The entries a purge removed (or would remove, for a dry run) and the bytes freed. */
public record PurgeResult(List<TrashEntry> removed, long bytesFreed) {
    public PurgeResult { removed = List.copyOf(removed); }
}
