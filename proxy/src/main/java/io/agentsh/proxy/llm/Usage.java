package io.agentsh.proxy.llm;

/** Token usage of one exchange, normalised over the dialects. */
public record Usage(long inputTokens, long outputTokens) {
    public static final Usage NONE = new Usage(0, 0);

    public long total() {
        return inputTokens + outputTokens;
    }
}
