package io.agentsh.core.kernel.supervisor;

/**
 * A {@code connect_redirects} rule matched by an AF_INET/AF_INET6 connect: connect to
 * {@code host:port} instead (or {@code unixPath}, which a TCP socket cannot reach: a failure).
 * {@code fallsBack}: on_failure fail_open / retry_original, connect to the original address
 * when the target cannot be used; otherwise the connect fails (EACCES).
 */
public record KernelRedirect(String rule, String host, int port, String unixPath, boolean fallsBack,
                             boolean silent, String message) {

    /** "host:port" or the unix path, for events. */
    public String target() {
        if (unixPath != null) return unixPath;
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
