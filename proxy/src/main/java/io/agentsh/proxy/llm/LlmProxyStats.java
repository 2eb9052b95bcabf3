package io.agentsh.proxy.llm;

/** Counters for {@code GET /api/v1/sessions/{id}/proxy} (the reference's ProxyStatus numbers). */
public record LlmProxyStats(long totalRequests, long requestsWithRedactions, long totalInputTokens,
                            long totalOutputTokens) {
}
