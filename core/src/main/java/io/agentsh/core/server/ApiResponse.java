package io.agentsh.core.server;

import io.agentsh.core.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A complete response, an SSE stream produced by {@link #stream}, or a WebSocket conversation
 * ({@link #socket}: the transport completes the upgrade handshake, then hands it the socket).
 */
public record ApiResponse(int status, String contentType, byte[] body, SseBody stream, WebSocketBody socket) {
    public ApiResponse(int status, String contentType, byte[] body, SseBody stream) {
        this(status, contentType, body, stream, null);
    }

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

    /** Switches protocols; only for requests that asked for a WebSocket upgrade. */
    public static ApiResponse webSocket(WebSocketBody body) {
        return new ApiResponse(101, null, new byte[0], null, body);
    }

    public static ApiResponse sse(SseBody body) {
        return new ApiResponse(200, "text/event-stream", null, body);
    }
}
