package io.agentsh.proxy.net;

import java.nio.charset.StandardCharsets;

/**
 * Finds the Host header of an HTTP/1.x request head in the first bytes of a connection (the
 * transparent listener's way to learn the name a client resolved without our DNS proxy).
 */
final class HttpHost {
    /** {@code complete}: the head ended (or cannot be HTTP); {@code host} the header's host, without port, or null. */
    record Result(boolean complete, String host) {}

    private static final Result MORE = new Result(false, null);
    private static final Result NONE = new Result(true, null);

    private HttpHost() {}

    static Result find(byte[] b, int n) {
        // The request line must look like "METHOD SP target SP HTTP/"; anything else is not HTTP.
        int i = 0;
        while (i < n && b[i] >= 'A' && b[i] <= 'Z') i++;
        if (i == n) return i < 16 ? MORE : NONE;
        if (i == 0 || b[i] != ' ') return NONE;
        int lineEnd = indexOf(b, n, 0);
        if (lineEnd < 0) return MORE;
        int p = lineEnd + 2;
        while (true) {
            int e = indexOf(b, n, p);
            if (e < 0) return MORE;
            if (e == p) return NONE; // end of the head without a Host header
            if (e - p > 5 && regionIsHost(b, p)) {
                String v = new String(b, p + 5, e - p - 5, StandardCharsets.ISO_8859_1).strip();
                return new Result(true, stripPort(v));
            }
            p = e + 2;
        }
    }

    private static boolean regionIsHost(byte[] b, int p) {
        return (b[p] | 0x20) == 'h' && (b[p + 1] | 0x20) == 'o' && (b[p + 2] | 0x20) == 's' && (b[p + 3] | 0x20) == 't'
                && b[p + 4] == ':';
    }

    private static String stripPort(String v) {
        if (v.isEmpty()) return null;
        if (v.charAt(0) == '[') return null; // an address literal: no name to learn
        int colon = v.lastIndexOf(':');
        return colon >= 0 ? v.substring(0, colon) : v;
    }

    private static int indexOf(byte[] b, int n, int from) {
        for (int i = from; i + 1 < n; i++) if (b[i] == '\r' && b[i + 1] == '\n') return i;
        return -1;
    }
}
