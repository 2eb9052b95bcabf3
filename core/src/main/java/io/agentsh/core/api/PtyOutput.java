package io.agentsh.core.api;

import io.agentsh.core.pty.PtyRunner;
import io.agentsh.proxy.dlp.Redactor;
import io.agentsh.proxy.dlp.StreamingRedactor;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Output DLP on a terminal stream (CONTRACT: the PTY path is governed like the non-PTY path):
 * bytes are decoded as UTF-8 across chunk boundaries and go through the session's streaming
 * redactor. A terminal is interactive, so what the redactor holds back (an open word) is released
 * once the command has been quiet for a poll interval; a secret typed out with pauses longer than
 * that can therefore slip through in pieces, one printed at once cannot. Block mode cuts the
 * stream for good. With DLP off the bytes pass untouched. One producer thread.
 */
final class PtyOutput implements PtyRunner.Output {
    private final Redactor redactor;
    private final PtyRunner.Output out;
    private final StreamingRedactor stream;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private ByteBuffer carry = ByteBuffer.allocate(0);
    private boolean cut;

    PtyOutput(Redactor redactor, PtyRunner.Output out) {
        this.redactor = redactor;
        this.out = out;
        this.stream = redactor == null ? null : redactor.newStream();
    }

    @Override
    public synchronized void data(byte[] buf, int len) {
        if (stream == null) {
            out.data(buf, len);
            return;
        }
        if (cut) return;
        ByteBuffer in = ByteBuffer.allocate(carry.remaining() + len);
        in.put(carry).put(buf, 0, len).flip();
        CharBuffer chars = CharBuffer.allocate(in.remaining() + 1);
        decoder.decode(in, chars, false);
        carry = in.slice(); // an incomplete UTF-8 sequence waits for the next chunk
        chars.flip();
        emit(stream.feed(chars));
    }

    @Override
    public synchronized void idle() {
        if (stream != null && !cut) emit(stream.finish());
    }

    /** The command ended: release the rest. */
    synchronized void finish() {
        if (stream == null || cut) return;
        if (carry.hasRemaining()) {
            CharBuffer chars = CharBuffer.allocate(carry.remaining() + 1);
            decoder.decode(carry, chars, true);
            chars.flip();
            emit(stream.feed(chars));
        }
        emit(stream.finish());
    }

    private void emit(String text) {
        if (stream.blocked()) {
            cut = true;
            byte[] b = "\r\n[agentsh: output blocked by DLP]\r\n".getBytes(StandardCharsets.UTF_8);
            out.data(b, b.length);
            return;
        }
        if (text.isEmpty()) return;
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        out.data(b, b.length);
    }
}
