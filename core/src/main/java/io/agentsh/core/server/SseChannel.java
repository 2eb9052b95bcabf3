package io.agentsh.core.server;

/** The writing end of a server-sent-events response. */
public interface SseChannel {
    /** Writes one frame; returns false once the client has gone away. */
    boolean send(String event, String data);

    boolean isOpen();
}
