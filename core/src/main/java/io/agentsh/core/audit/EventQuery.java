package io.agentsh.core.audit;

import java.time.Instant;
import java.util.List;

/** Filters of /events/search and /history (reference §2.8); null means "not filtered". */
public record EventQuery(String sessionId, String commandId, List<String> types, String decision,
                         String pathLike, String domainLike, String textLike, Instant since, Instant until,
                         int limit, int offset, boolean ascending) {
    public static final int DEFAULT_LIMIT = 200;
    public static final int MAX_LIMIT = 5000;

    public EventQuery {
        types = types == null ? List.of() : List.copyOf(types);
        if (limit <= 0 || limit > MAX_LIMIT) limit = DEFAULT_LIMIT;
        if (offset < 0) offset = 0;
    }

    public EventQuery withSession(String id) {
        return new EventQuery(id, commandId, types, decision, pathLike, domainLike, textLike, since, until,
                limit, offset, ascending);
    }
}
