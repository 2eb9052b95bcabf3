package io.agentsh.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A streamed exec ends its response, not its connection, when the client asked for keep-alive: a
 * pooling client sends its next request on the same socket at once. Raw sockets, so the test sees
 * exactly what the server does with the connection instead of what a client library retries.
 */
class ExecStreamConnectionTest {
    static final String STREAM_BODY = "{\"command\":\"/bin/echo\",\"args\":[\"streamed\"]}";

    @TempDir Path ws;

    @Test
    void keepAliveStreamServesTheNextRequestOnTheSameConnection() throws Exception {
        try (TestDaemon d = TestDaemon.start(new FakePolicies(Map.of(), null), b -> { });
             Socket s = connect(d)) {
            String sid = d.session(ws, null);
            send(s, streamRequest(sid, "keep-alive"));
            String first = readResponse(s.getInputStream());
            assertTrue(first.startsWith("HTTP/1.1 200"), first);
            assertTrue(first.toLowerCase().contains("connection: keep-alive"), first);
            assertTrue(first.contains("event: done"), first);

            send(s, "GET /health HTTP/1.1\r\nHost: t\r\n\r\n");
            String second = readResponse(s.getInputStream());
            assertTrue(second.startsWith("HTTP/1.1 200"), "the connection must still serve: " + second);
            assertTrue(second.endsWith("ok\n"), second);
        }
    }

    @Test
    void closeRequestedStreamSaysCloseAndCloses() throws Exception {
        try (TestDaemon d = TestDaemon.start(new FakePolicies(Map.of(), null), b -> { });
             Socket s = connect(d)) {
            String sid = d.session(ws, null);
            send(s, streamRequest(sid, "close"));
            String first = readResponse(s.getInputStream());
            assertTrue(first.toLowerCase().contains("connection: close"), first);
            assertTrue(first.contains("event: done"), first);
            assertEquals(-1, s.getInputStream().read(), "closed after the stream");
        }
    }

    private static Socket connect(TestDaemon d) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", d.daemon.httpPort()), 5_000);
        s.setSoTimeout(20_000);
        return s;
    }

    private static String streamRequest(String sid, String connection) {
        byte[] body = STREAM_BODY.getBytes(StandardCharsets.UTF_8);
        return "POST /api/v1/sessions/" + sid + "/exec/stream HTTP/1.1\r\nHost: t\r\nConnection: " + connection
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n" + STREAM_BODY;
    }

    private static void send(Socket s, String request) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Head plus body: Content-Length or chunked, read to the end of this response and no further. */
    private static String readResponse(InputStream in) throws IOException {
        String head = readLinesUntilBlank(in);
        String lower = head.toLowerCase();
        StringBuilder body = new StringBuilder();
        if (lower.contains("transfer-encoding: chunked")) {
            while (true) {
                int size = Integer.parseInt(readLine(in).trim(), 16);
                if (size == 0) {
                    readLine(in);
                    break;
                }
                body.append(new String(in.readNBytes(size), StandardCharsets.UTF_8));
                readLine(in);
            }
        } else {
            int at = lower.indexOf("content-length: ");
            assertTrue(at >= 0, "no length in " + head);
            int len = Integer.parseInt(lower.substring(at + 16, lower.indexOf('\r', at)).trim());
            body.append(new String(in.readNBytes(len), StandardCharsets.UTF_8));
        }
        return head + body;
    }

    private static String readLinesUntilBlank(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        String line;
        while (!(line = readLine(in)).isEmpty()) sb.append(line).append("\r\n");
        return sb.append("\r\n").toString();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) throw new IOException("connection closed mid-response after: " + b);
            if (c != '\r') b.write(c);
        }
        return b.toString(StandardCharsets.UTF_8);
    }
}
