package io.agentsh.proxy.llm;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Collects token usage from a response: a whole JSON body, or SSE events one by one.
 * Anthropic: {@code usage.input_tokens/output_tokens}; in streams {@code message_start} carries
 * the input side and {@code message_delta} a cumulative output count (max is kept). OpenAI chat:
 * {@code usage.prompt_tokens/completion_tokens} (the last chunk with usage); OpenAI responses
 * API: {@code response.usage.input_tokens/output_tokens} in {@code response.completed}.
 */
final class UsageTracker {
    private long input;
    private long output;
    private boolean seen;

    void onBody(JsonNode body) {
        if (body != null) {
            take(body.get("usage"));
        }
    }

    void onEvent(JsonNode event) {
        if (event == null || !event.isObject()) {
            return;
        }
        String type = event.path("type").asText("");
        switch (type) {
            case "message_start" -> take(event.path("message").get("usage"));
            case "message_delta" -> take(event.get("usage"));
            case "response.completed", "response.done" -> take(event.path("response").get("usage"));
            default -> {
                JsonNode u = event.get("usage");
                if (u != null && u.isObject() && (u.path("prompt_tokens").asLong() > 0 || u.path("completion_tokens").asLong() > 0)) {
                    input = u.path("prompt_tokens").asLong();
                    output = u.path("completion_tokens").asLong();
                    seen = true;
                }
            }
        }
    }

    private void take(JsonNode u) {
        if (u == null || !u.isObject()) {
            return;
        }
        long in = u.has("input_tokens") ? u.path("input_tokens").asLong() : u.path("prompt_tokens").asLong();
        long out = u.has("output_tokens") ? u.path("output_tokens").asLong() : u.path("completion_tokens").asLong();
        input = Math.max(input, in);
        output = Math.max(output, out);
        seen = true;
    }

    Usage usage() {
        return seen ? new Usage(input, output) : null;
    }
}
