package io.agentsh.proxy.net;

/**
 * Where network events go; the daemon wires it to the audit store (adding command_id from the
 * session's current command). Called on event loops: must not block.
 */
@FunctionalInterface
public interface NetEventSink {
    void emit(NetEvent event);

    NetEventSink DISCARD = e -> { };
}
