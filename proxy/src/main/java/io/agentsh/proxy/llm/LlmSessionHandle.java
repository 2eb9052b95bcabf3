package io.agentsh.proxy.llm;

import java.nio.file.Path;
import java.util.Map;

/**
 * What the daemon gets back when it registers a session: the base URLs to put into the
 * session's environment and where its request log is. {@code openaiBaseUrl} ends in
 * {@code /v1} because OpenAI SDKs expect the version in the base URL (the reference omits it,
 * which sends SDK calls to {@code /chat/completions} without the version).
 */
public record LlmSessionHandle(String sessionId, String anthropicBaseUrl, String openaiBaseUrl, Path requestLog) {

    /** ANTHROPIC_BASE_URL and OPENAI_BASE_URL for the session's commands. */
    public Map<String, String> environment() {
        return Map.of("ANTHROPIC_BASE_URL", anthropicBaseUrl, "OPENAI_BASE_URL", openaiBaseUrl);
    }
}
