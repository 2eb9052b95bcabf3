package io.agentsh.proxy.llm;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.Locale;

/** The provider API a request speaks, decided (as in the reference) by its headers only. */
public enum Dialect {
    ANTHROPIC, OPENAI;

    /** x-api-key or anthropic-version: Anthropic; else any Authorization: OpenAI; else null (400). */
    public static Dialect detect(HttpHeaders h) {
        if (h.contains("x-api-key") || h.contains("anthropic-version")) {
            return ANTHROPIC;
        }
        if (h.contains("authorization")) {
            return OPENAI;
        }
        return null;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
