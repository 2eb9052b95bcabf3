package io.agentsh.proxy.llm;

import java.time.Instant;
import java.util.Map;

/**
 * An audit event from the LLM proxy, in the reference's event vocabulary: {@code type} is one of
 * {@code llm_proxy_started} ({@code proxy_url}), {@code llm_proxy_failed} ({@code error}),
 * {@code llm_request} (request_id, dialect, method, path, model, status, duration_ms,
 * input_tokens, output_tokens, dlp_redactions[{field,type,count}], dlp_blocked, error). Never
 * holds a secret: DLP findings are types and counts.
 */
public record LlmEvent(String type, String sessionId, Instant timestamp, Map<String, Object> fields) {
    public LlmEvent {
        fields = Map.copyOf(fields);
    }
}
