package io.agentsh.proxy.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** A deliberately dumb HTTP/1.1 client: sends exactly the bytes given, so tests control the request line. */
public final class RawHttp implements AutoCloseable {
    public record Response(int status, String head, String body) {}

    private final Socket socket;
    private final InputStream in;

    public RawHttp(InetSocketAddress to) throws IOException {
        socket = new Socket();
        socket.connect(to, 5000);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
    }

    public Response send(String request) throws IOException {
        socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
        return read();
    }

    public Response read() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) return new Response(-1, "", "");
                throw new IOException("EOF inside headers: " + head);
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1);
        int status = Integer.parseInt(h.substring(9, 12));
        String lower = h.toLowerCase(Locale.ROOT);
        int cl = lower.indexOf("content-length:");
        byte[] body;
        if (cl >= 0) {
            int end = lower.indexOf('\r', cl);
            int n = Integer.parseInt(h.substring(cl + 15, end).strip());
            body = in.readNBytes(n);
        } else if (lower.contains("transfer-encoding: chunked")) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                String line = readLine();
                int size = Integer.parseInt(line.strip().split(";")[0], 16);
                if (size == 0) { readLine(); break; }
                b.write(in.readNBytes(size));
                readLine();
            }
            body = b.toByteArray();
        } else if (status == 200 && h.startsWith("HTTP/1.1 200 Connection")) {
            body = new byte[0];
        } else {
            body = in.readAllBytes();
        }
        return new Response(status, h, new String(body, StandardCharsets.UTF_8));
    }

    private String readLine() throws IOException {
        StringBuilder sb = new StringBuilder();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') sb.append((char) b);
        return sb.toString();
    }

    public Socket socket() {
        return socket;
    }

    /** True when the server closed the connection (EOF) within the socket timeout. */
    public boolean closedByPeer() {
        try {
            return in.read() < 0;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
