package io.agentsh.core.server;

/** The sending end of a WebSocket; safe from any thread. */
public interface WebSocketChannel {
    /** Sends one text frame; false once the socket is closed. */
    boolean sendText(String text);

    /** Sends one binary frame; blocks (never on the I/O thread) while the client is not keeping up. */
    boolean sendBinary(byte[] data, int off, int len);

    /** Stops (false) or resumes (true) reading frames: back-pressure for input the server cannot take yet. */
    void reading(boolean on);

    /** A normal close frame, then the connection closes. */
    void close();

    boolean isOpen();
}
