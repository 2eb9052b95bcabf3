package io.agentsh.proxy.net;

/**
 * A matched {@code connect_redirects} rule (reference §1.6): connect to {@code host:port} or to the
 * unix socket {@code unixPath} instead of the destination the client asked for. The policy still
 * decides on the original destination; the target is the policy author's own choice.
 *
 * @param tlsMode   passthrough | rewrite_sni. rewrite_sni is accepted and recorded but the tunnel
 *                  keeps the client's own server name: editing the ClientHello in flight changes
 *                  the handshake transcript both ends hash (TLS 1.2 Finished, TLS 1.3 key schedule),
 *                  so the server's answer could never verify (tried: "bad record mac"). The
 *                  reference's in-stream rewrite has the same flaw. Events say
 *                  {@code sni_rewritten: false}.
 * @param onFailure fail_closed (default): a failed redirect dial fails the connection;
 *                  fail_open / retry_original: dial the original destination instead
 */
public record ConnectRedirectTarget(String rule, String host, int port, String unixPath, String tlsMode, String sni,
                                    String visibility, String message, String onFailure) {
    public ConnectRedirectTarget {
        if (visibility == null || visibility.isEmpty()) visibility = "audit_only";
        if (tlsMode == null || tlsMode.isEmpty()) tlsMode = "passthrough";
        if (onFailure == null || onFailure.isEmpty()) onFailure = "fail_closed";
        if (message == null) message = "";
        if ((host == null) == (unixPath == null)) throw new IllegalArgumentException("exactly one of host or unixPath");
    }

    /** From the policy's {@code redirect_to} ("host:port", "[v6]:port") or {@code redirect_to_unix}; null if unusable. */
    public static ConnectRedirectTarget of(String rule, String redirectTo, String redirectToUnix, String tlsMode, String sni,
                                           String visibility, String message, String onFailure) {
        if (redirectToUnix != null && !redirectToUnix.isBlank()) {
            return new ConnectRedirectTarget(rule, null, 0, redirectToUnix.strip(), tlsMode, sni, visibility, message, onFailure);
        }
        HostPort hp = HostPort.parse(redirectTo, -1);
        if (hp == null || hp.port() < 1) return null;
        return new ConnectRedirectTarget(rule, hp.host(), hp.port(), null, tlsMode, sni, visibility, message, onFailure);
    }

    public boolean silent() { return "silent".equals(visibility); }

    public boolean unix() { return unixPath != null; }

    public boolean rewritesSni() { return "rewrite_sni".equals(tlsMode) && sni != null && !sni.isBlank(); }

    /** fail_open and retry_original both fall back to the original destination. */
    public boolean fallsBack() { return !"fail_closed".equals(onFailure); }

    /** "host:port" as written for events (empty for unix targets). */
    public String redirectTo() {
        return unix() ? "" : (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
