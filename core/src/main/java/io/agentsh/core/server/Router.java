package io.agentsh.core.server;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Method + path-template routing ("/api/v1/sessions/{id}/exec"). */
public final class Router {
    @FunctionalInterface
    public interface Handler {
        ApiResponse handle(ApiRequest request) throws Exception;
    }

    public record Route(String method, String[] segments, Handler handler, Access access) {}

    public record Match(Route route, Map<String, String> params, boolean pathKnown) {}

    /** Layers may add routes while the server runs (copy-on-write: reads never lock). */
    private final List<Route> routes = new java.util.concurrent.CopyOnWriteArrayList<>();

    public Router add(String method, String template, Access access, Handler handler) {
        routes.add(new Route(method, split(template), handler, access));
        return this;
    }

    /** The route for method+path; a null route with pathKnown=true means 405. */
    public Match match(String method, String path) {
        String[] parts = split(path);
        boolean pathKnown = false;
        for (Route r : routes) {
            Map<String, String> params = bind(r.segments(), parts);
            if (params == null) continue;
            if (r.method().equals(method)) return new Match(r, params, true);
            pathKnown = true;
        }
        return new Match(null, Map.of(), pathKnown);
    }

    private static Map<String, String> bind(String[] tpl, String[] parts) {
        if (tpl.length != parts.length) return null;
        Map<String, String> params = null;
        for (int i = 0; i < tpl.length; i++) {
            String t = tpl[i];
            if (t.startsWith("{") && t.endsWith("}")) {
                if (parts[i].isEmpty()) return null;
                if (params == null) params = new HashMap<>(4);
                params.put(t.substring(1, t.length() - 1), parts[i]);
            } else if (!t.equals(parts[i])) {
                return null;
            }
        }
        return params == null ? Map.of() : params;
    }

    private static String[] split(String path) {
        String p = path.startsWith("/") ? path.substring(1) : path;
        if (p.endsWith("/") && p.length() > 1) p = p.substring(0, p.length() - 1);
        return p.isEmpty() ? new String[0] : p.split("/", -1);
    }
}
