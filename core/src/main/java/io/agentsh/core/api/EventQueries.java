package io.agentsh.core.api;

import io.agentsh.core.audit.EventQuery;
import io.agentsh.core.json.GoTime;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the query parameters of /events/search and /history (reference app.go parseEventQuery). */
public final class EventQueries {
    private static final Pattern AGO = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h|d|w)");

    private EventQueries() {}

    public static EventQuery parse(Function<String, String> q, String sessionId) {
        String types = q.apply("type");
        List<String> typeList = types == null || types.isBlank() ? List.of()
                : Arrays.stream(types.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
        return new EventQuery(sessionId != null ? sessionId : blank(q.apply("session_id")), blank(q.apply("command_id")),
                typeList, blank(q.apply("decision")), blank(q.apply("path_like")), blank(q.apply("domain_like")),
                blank(q.apply("text_like")), time("since", q.apply("since")), time("until", q.apply("until")),
                integer(q.apply("limit")), integer(q.apply("offset")), "asc".equalsIgnoreCase(q.apply("order")));
    }

    private static String blank(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static int integer(String s) {
        if (s == null || s.isEmpty()) return 0;
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** RFC3339, or a duration with s/m/h/d/w meaning "that long ago". */
    static Instant time(String name, String v) {
        if (v == null || v.isEmpty()) return null;
        if (!v.contains("T")) {
            Matcher m = AGO.matcher(v.trim());
            long nanos = 0;
            int pos = 0;
            boolean ok = true;
            while (pos < v.trim().length()) {
                if (!m.find(pos) || m.start() != pos) {
                    ok = false;
                    break;
                }
                double n = Double.parseDouble(m.group(1));
                nanos += (long) (n * switch (m.group(2)) {
                    case "ns" -> 1d;
                    case "us" -> 1e3;
                    case "ms" -> 1e6;
                    case "s" -> 1e9;
                    case "m" -> 60e9;
                    case "h" -> 3600e9;
                    case "d" -> 86400e9;
                    default -> 604800e9;
                });
                pos = m.end();
            }
            if (ok && pos > 0) return Instant.now().minus(Duration.ofNanos(nanos));
        }
        try {
            return GoTime.parse(v);
        } catch (DateTimeParseException e) {
            throw new ApiException(400, name + ": parsing time \"" + v + "\": expected RFC3339 or a duration like 1h");
        }
    }
}
