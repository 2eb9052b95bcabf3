package io.agentsh.cli.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A small HTTP/1.1 client for the agentsh API over TCP ({@code http://host:port}) or a unix
 * socket ({@code unix:///path}). One request per connection ({@code Connection: close}), as the
 * native clients do; SSE responses are read incrementally.
 */
public final class ApiClient {
    /** A complete response. */
    public record Response(int status, String reason, String body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    /** A non-2xx answer, printed as the reference does: {@code METHOD path: 404 Not Found: body}. */
    public static final class HttpError extends IOException {
        private final Response response;

        HttpError(String method, String path, Response r) {
            super(method + " " + path + ": " + r.status() + " " + r.reason() + ": " + trimBody(r.body()));
            this.response = r;
        }

        public Response response() {
            return response;
        }

        private static String trimBody(String b) {
            String t = b.length() > 65536 ? b.substring(0, 65536) : b;
            return t.strip();
        }
    }

    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "agentsh-client-timeout");
        t.setDaemon(true);
        return t;
    });

    private final URI server;
    private final String apiKey;
    private final Duration timeout;
    private final Map<String, String> extraHeaders = new LinkedHashMap<>();

    public ApiClient(String server, String apiKey, Duration timeout) {
        this.server = URI.create(server.endsWith("/") ? server.substring(0, server.length() - 1) : server);
        if (!"http".equals(this.server.getScheme()) && !"unix".equals(this.server.getScheme())) {
            throw new IllegalArgumentException("unsupported server URL \"" + server + "\" (http:// or unix://)");
        }
        this.apiKey = apiKey;
        this.timeout = timeout;
    }

    /** The server URL (http://HOST:PORT or unix:///path). */
    public URI server() {
        return server;
    }

    /** The API key sent as X-API-Key, or null. */
    public String apiKey() {
        return apiKey;
    }

    public ApiClient header(String name, String value) {
        extraHeaders.put(name, value);
        return this;
    }

    /** Sends a request; non-2xx answers throw {@link HttpError}. */
    public Response call(String method, String path, String jsonBody) throws IOException {
        Response r = send(method, path, jsonBody);
        if (!r.ok()) throw new HttpError(method, path, r);
        return r;
    }

    /** Sends a request and returns whatever came back. */
    public Response send(String method, String path, String jsonBody) throws IOException {
        try (Conn c = connect(method, path)) {
            ScheduledFuture<?> watchdog = timeout.isZero() ? null
                    : TIMER.schedule(c::closeQuietly, timeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                write(c.out, method, path, jsonBody);
                Head h = readHead(c.in);
                byte[] body = readBody(c.in, h);
                return new Response(h.status, h.reason, new String(body, StandardCharsets.UTF_8));
            } catch (IOException e) {
                if (watchdog != null && watchdog.isDone()) {
                    throw new SocketTimeoutException("Client.Timeout exceeded while awaiting headers (" + timeout + ")");
                }
                throw e;
            } finally {
                if (watchdog != null) watchdog.cancel(false);
            }
        }
    }

    /**
     * Server-sent events: calls {@code onEvent(event, data)} per frame until the stream ends.
     * A non-2xx answer throws {@link HttpError} before any event.
     */
    public void stream(String method, String path, String jsonBody, BiConsumer<String, String> onEvent)
            throws IOException {
        try (Conn c = connect(method, path)) {
            write(c.out, method, path, jsonBody);
            Head h = readHead(c.in);
            if (h.status < 200 || h.status >= 300) {
                throw new HttpError(method, path, new Response(h.status, h.reason,
                        new String(readBody(c.in, h), StandardCharsets.UTF_8)));
            }
            InputStream body = h.chunked ? new ChunkedInput(c.in) : c.in;
            String event = null;
            StringBuilder data = new StringBuilder();
            String line;
            while ((line = readLine(body)) != null) {
                if (line.isEmpty()) {
                    if (event != null || !data.isEmpty()) onEvent.accept(event, data.toString());
                    event = null;
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) data.append('\n');
                    data.append(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
                }
            }
        }
    }

    private void write(OutputStream out, String method, String path, String body) throws IOException {
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(256);
        sb.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
        sb.append("Host: ").append("unix".equals(server.getScheme()) ? "localhost" : server.getAuthority()).append("\r\n");
        sb.append("User-Agent: agentsh-java\r\nConnection: close\r\n");
        if (apiKey != null && !apiKey.isEmpty()) sb.append("X-API-Key: ").append(apiKey).append("\r\n");
        String tp = System.getenv("TRACEPARENT");
        if (tp != null && !tp.isEmpty()) sb.append("Traceparent: ").append(tp).append("\r\n");
        extraHeaders.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        if (body != null) sb.append("Content-Type: application/json\r\n");
        sb.append("Content-Length: ").append(b.length).append("\r\n\r\n");
        out.write(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.write(b);
        out.flush();
    }

    private record Head(int status, String reason, long length, boolean chunked) {}

    private static Head readHead(InputStream in) throws IOException {
        String status = readLine(in);
        if (status == null) throw new IOException("EOF");
        String[] parts = status.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) throw new IOException("malformed HTTP response: " + status);
        int code = Integer.parseInt(parts[1]);
        long length = -1;
        boolean chunked = false;
        String line;
        while ((line = readLine(in)) != null && !line.isEmpty()) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (name.equals("content-length")) length = Long.parseLong(value);
            if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) chunked = true;
        }
        String reason = parts.length > 2 ? parts[2] : "";
        return new Head(code, reason, length, chunked);
    }

    private static byte[] readBody(InputStream in, Head h) throws IOException {
        if (h.chunked) return new ChunkedInput(in).readAllBytes();
        if (h.length >= 0) return in.readNBytes((int) h.length);
        return in.readAllBytes();
    }

    static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') break;
            buf.write(c);
        }
        if (c < 0 && buf.size() == 0) return null;
        String s = buf.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    /** Connects, describing a failure the way the reference's Go client does. */
    private Conn connect(String method, String path) throws IOException {
        try {
            return open();
        } catch (IOException e) {
            String verb = method.charAt(0) + method.substring(1).toLowerCase(Locale.ROOT);
            String where = "unix".equals(server.getScheme())
                    ? "dial unix " + server.getPath()
                    : "dial tcp " + server.getHost() + ":" + (server.getPort() < 0 ? 80 : server.getPort());
            String why = e instanceof java.net.ConnectException || (e.getMessage() != null
                    && e.getMessage().contains("refused")) ? "connect: connection refused"
                    : e instanceof java.net.SocketTimeoutException ? "i/o timeout"
                    : e.getMessage() != null && e.getMessage().contains("No such file") ? "connect: no such file or directory"
                    : String.valueOf(e.getMessage());
            throw new java.net.ConnectException(verb + " \"" + server + path + "\": " + where + ": " + why);
        }
    }

    private Conn open() throws IOException {
        if ("unix".equals(server.getScheme())) {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(server.getPath()));
            return new Conn(ch, new BufferedInputStream(Channels.newInputStream(ch)), Channels.newOutputStream(ch));
        }
        Socket s = new Socket();
        int port = server.getPort() < 0 ? 80 : server.getPort();
        s.connect(new InetSocketAddress(server.getHost(), port), (int) Math.min(Integer.MAX_VALUE,
                timeout.isZero() ? 0 : timeout.toMillis()));
        s.setTcpNoDelay(true);
        return new Conn(s, new BufferedInputStream(s.getInputStream()), s.getOutputStream());
    }

    private record Conn(Closeable handle, InputStream in, OutputStream out) implements Closeable {
        @Override
        public void close() throws IOException {
            handle.close();
        }

        void closeQuietly() {
            try {
                handle.close();
            } catch (IOException ignored) {
                // timing out
            }
        }
    }

    /** Decodes Transfer-Encoding: chunked. */
    private static final class ChunkedInput extends InputStream {
        private final InputStream in;
        private long left;
        private boolean done;

        ChunkedInput(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) return -1;
            if (left == 0) {
                String size = readLine(in);
                if (size == null) return -1;
                if (size.isEmpty()) size = readLine(in);
                if (size == null) return -1;
                int semi = size.indexOf(';');
                left = Long.parseLong((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
                if (left == 0) {
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) return -1;
            left -= n;
            if (left == 0) readLine(in);
            return n;
        }
    }
}
