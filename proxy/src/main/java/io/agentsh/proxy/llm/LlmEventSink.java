package io.agentsh.proxy.llm;

/**
 * Where the proxy's audit events go; the daemon adapts this to its event store. Called from
 * Netty event-loop threads: implementations must not block (queue and return).
 */
@FunctionalInterface
public interface LlmEventSink {
    void emit(LlmEvent event);

    LlmEventSink NONE = e -> { };
}
