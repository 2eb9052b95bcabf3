package io.agentsh.core.server;

import io.agentsh.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A complete response, or an SSE stream produced by {@link #stream}. */
public record ApiResponse(int status, String contentType, byte[] body, SseBody stream) {
    public static final String JSON = "application/json";
    public static final String TEXT = "text/plain; charset=utf-8";

    /** Produces SSE frames; runs on a virtual thread and may block until the stream ends. */
    @FunctionalInterface
    public interface SseBody {
        void run(SseChannel channel) throws Exception;
    }

    public static ApiResponse json(int status, Object value) {
        return new ApiResponse(status, JSON, Json.encodeLine(value), null);
    }

    public static ApiResponse error(int status, String message) {
        return json(status, Map.of("error", message));
    }

    public static ApiResponse text(int status, String contentType, String body) {
        return new ApiResponse(status, contentType, body.getBytes(StandardCharsets.UTF_8), null);
    }

    public static ApiResponse noContent() {
        return new ApiResponse(204, null, new byte[0], null);
    }

    public static ApiResponse sse(SseBody body) {
        return new ApiResponse(200, "text/event-stream", null, body);
    }
}
