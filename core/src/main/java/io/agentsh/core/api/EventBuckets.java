package io.agentsh.core.api;

import io.agentsh.core.audit.Event;
import java.util.ArrayList;
import java.util.List;

/** Sorts a command's events into the response's buckets and applies include_events (reference §2.6). */
public final class EventBuckets {
    private EventBuckets() {}

    public static ExecResponse.Events classify(List<Event> events, String includeEvents) {
        List<Event> file = new ArrayList<>();
        List<Event> net = new ArrayList<>();
        List<Event> blocked = new ArrayList<>();
        List<Event> other = new ArrayList<>();
        for (Event e : events) {
            String t = e.type();
            if (e.isBlocked()) blocked.add(e);
            if (t.startsWith("file_") || t.startsWith("dir_") || t.startsWith("symlink_")) file.add(e);
            else if (t.startsWith("net_") || t.equals("dns_query")) net.add(e);
            else other.add(e);
        }
        int fc = file.size(), nc = net.size(), bc = blocked.size(), oc = other.size();
        String mode = includeEvents == null ? "all" : includeEvents;
        Boolean truncated = null;
        switch (mode) {
            case "none" -> {
                file = List.of(); net = List.of(); blocked = List.of(); other = List.of();
                truncated = true;
            }
            case "blocked" -> {
                file = List.of(); net = List.of(); other = List.of();
                truncated = true;
            }
            case "summary" -> {
                file = List.of(); net = List.of(); other = List.of();
                if (blocked.size() > 25) blocked = blocked.subList(0, 25);
                truncated = true;
            }
            default -> { }
        }
        return new ExecResponse.Events(file, net, blocked, other.isEmpty() ? null : other, nz(fc), nz(nc), nz(bc),
                nz(oc), truncated);
    }

    /** A pre-check denial: the one blocked event, counted as blocked only (reference core.go). */
    public static ExecResponse.Events denied(Event precheck, String includeEvents) {
        String mode = includeEvents == null ? "all" : includeEvents;
        boolean hide = mode.equals("none");
        return new ExecResponse.Events(List.of(), List.of(), hide ? List.of() : List.of(precheck), null, null, null, 1,
                null, hide || mode.equals("blocked") || mode.equals("summary") ? Boolean.TRUE : null);
    }

    private static Integer nz(int n) {
        return n == 0 ? null : n;
    }
}
