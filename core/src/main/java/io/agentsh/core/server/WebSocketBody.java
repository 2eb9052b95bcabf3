package io.agentsh.core.server;

/** A WebSocket conversation: opened once the upgrade is done, fed frames in arrival order. */
@FunctionalInterface
public interface WebSocketBody {
    /** Called on the I/O thread; must not block. */
    Handler open(WebSocketChannel channel);

    /** Frame callbacks, on the I/O thread: they must not block (hand work to another thread). */
    interface Handler {
        void text(String text);

        void binary(byte[] data);

        /** The socket is gone (client close, error or server close). Called once. */
        void closed();
    }
}
