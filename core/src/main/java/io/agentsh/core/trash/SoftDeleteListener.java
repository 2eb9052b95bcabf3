package io.agentsh.core.trash;

/**
 * Told about every soft delete, so the daemon can emit {@code file_soft_deleted} (path,
 * trash_token, restore_hint) and add {@link TrashEntry#stderrNotice()} to the exec result.
 */
@FunctionalInterface
public interface SoftDeleteListener {
    SoftDeleteListener NONE = e -> { };

    void softDeleted(TrashEntry entry);
}
