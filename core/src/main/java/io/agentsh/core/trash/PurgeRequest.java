package io.agentsh.core.trash;

import java.time.Duration;

/**
 * What {@link TrashStore#purge} removes. With only a session: everything of that session.
 * Otherwise (within the session, if given) entries older than {@code ttl}, then the oldest until
 * the total size is at most {@code quotaBytes}. Null fields do not apply.
 */
public record PurgeRequest(Duration ttl, Long quotaBytes, String session, boolean dryRun) {
    public static PurgeRequest limits(Duration ttl, long quotaBytes) { return new PurgeRequest(ttl, quotaBytes, null, false); }
}
