package io.agentsh.proxy.net;

import io.agentsh.proxy.dns.DnsProxy;
import io.agentsh.proxy.transparent.SessionNetns;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * A session's network attachment, returned by {@link NetworkService#openSession}. Explicit mode:
 * a proxy on the daemon's loopback and the variables that point at it. Transparent mode: in
 * addition, the session's namespace ({@link #netnsPath()}: the exec path must place commands in
 * it), whose every TCP connection and DNS query is governed whether or not the client honours
 * the variables.
 */
public final class SessionNetwork implements AutoCloseable {
    private final SessionContext context;
    private final ExplicitProxy explicit;
    private final SessionNetns netns;
    private final TransparentTcp tcp;
    private final DnsProxy dns;
    private final String fallbackReason;

    SessionNetwork(SessionContext context, ExplicitProxy explicit, SessionNetns netns, TransparentTcp tcp, DnsProxy dns,
                   String fallbackReason) {
        this.context = context;
        this.explicit = explicit;
        this.netns = netns;
        this.tcp = tcp;
        this.dns = dns;
        this.fallbackReason = fallbackReason;
    }

    public String sessionId() { return context.sessionId(); }

    /** "transparent" or "explicit". */
    public String mode() { return netns != null ? "transparent" : "explicit"; }

    /** Variables to add to every command of the session (proxy URL valid where the command runs). */
    public Map<String, String> environment() { return explicit.environment(); }

    public String proxyUrl() { return explicit.url(); }

    /** The namespace file to setns(2) into before exec; empty in explicit mode. */
    public Optional<Path> netnsPath() { return netns == null ? Optional.empty() : Optional.of(netns.path()); }

    /** The name for {@code ip netns exec NAME}; empty in explicit mode. */
    public Optional<String> netnsName() { return netns == null ? Optional.empty() : Optional.of(netns.name()); }

    /**
     * A command prefix that runs a command inside the session's namespace ({@code ip netns exec
     * NAME}), for exec paths that do not setns themselves; empty in explicit mode.
     */
    public java.util.List<String> execPrefix() {
        return netns == null ? java.util.List.of() : java.util.List.of("ip", "netns", "exec", netns.name());
    }

    /** Why transparent mode was asked for but not used, or null. */
    public String fallbackReason() { return fallbackReason; }

    /** Policy reload: new connections and queries of this session use {@code p}. */
    public void setPolicy(NetworkPolicy p) { context.setPolicy(p); }

    public SessionContext context() { return context; }

    @Override
    public void close() {
        explicit.close();
        if (tcp != null) tcp.close();
        if (dns != null) dns.close();
        if (netns != null) netns.close();
    }
}
