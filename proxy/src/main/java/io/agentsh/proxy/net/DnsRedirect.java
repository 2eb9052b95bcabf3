package io.agentsh.proxy.net;

import java.net.InetAddress;
import java.util.Objects;

/** A matched {@code dns_redirects} rule: answer with {@code resolveTo} instead of asking upstream. */
public record DnsRedirect(String rule, InetAddress resolveTo, String visibility) {
    public DnsRedirect {
        Objects.requireNonNull(resolveTo, "resolveTo");
        if (visibility == null || visibility.isEmpty()) visibility = "audit_only";
    }

    public boolean silent() {
        return "silent".equals(visibility);
    }
}
