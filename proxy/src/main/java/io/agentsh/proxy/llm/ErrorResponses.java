package io.agentsh.proxy.llm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The proxy's own error answers, shaped like the provider's errors so SDKs show the message
 * (Anthropic {@code {"type":"error","error":{...}}}, OpenAI {@code {"error":{...}}}); plain text
 * when the dialect is unknown.
 */
final class ErrorResponses {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ErrorResponses() {
    }

    static FullHttpResponse of(Dialect dialect, HttpResponseStatus status, String message, boolean keepAlive,
                               long retryAfterSeconds) {
        byte[] body;
        String type;
        if (dialect == null) {
            body = (message + "\n").getBytes(StandardCharsets.UTF_8);
            type = "text/plain; charset=utf-8";
        } else {
            String kind = switch (status.code()) {
                case 400 -> "invalid_request_error";
                case 403 -> "permission_error";
                case 404 -> "not_found_error";
                case 413 -> "request_too_large";
                case 429 -> "rate_limit_error";
                default -> "api_error";
            };
            ObjectNode root = JSON.createObjectNode();
            if (dialect == Dialect.ANTHROPIC) {
                root.put("type", "error");
                root.putObject("error").put("type", kind).put("message", message);
            } else {
                root.putObject("error").put("message", message).put("type", kind).putNull("code");
            }
            body = root.toString().getBytes(StandardCharsets.UTF_8);
            type = "application/json";
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.length);
        r.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        if (retryAfterSeconds > 0) {
            r.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
        }
        return r;
    }
}
