package io.agentsh.policy.internal;

import com.google.re2j.Pattern;
import io.agentsh.policy.ConnectRedirect;
import io.agentsh.policy.DnsRedirect;
import io.agentsh.policy.model.ConnectRedirectRule;
import io.agentsh.policy.model.DnsRedirectRule;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** {@code dns_redirects} / {@code connect_redirects} lookup (reference §10): first unanchored regex match wins. */
final class Redirects {
    private record Dns(Pattern match, DnsRedirect value) {}
    private record Conn(Pattern match, ConnectRedirect value) {}

    private final Dns[] dns;
    private final Conn[] conn;

    Redirects(List<DnsRedirectRule> d, List<ConnectRedirectRule> c) {
        dns = d.stream().map(r -> new Dns(Pattern.compile(r.match()),
                new DnsRedirect(r.name(), r.resolveTo(), r.visibility(), r.onFailure()))).toArray(Dns[]::new);
        conn = c.stream().map(r -> new Conn(Pattern.compile(r.match()), new ConnectRedirect(r.name(), r.redirectTo(),
                r.redirectToUnix(), r.tlsMode(), r.sni(), r.visibility(), r.message(), r.onFailure()))).toArray(Conn[]::new);
    }

    Optional<DnsRedirect> dns(String host) {
        if (host == null || dns.length == 0) return Optional.empty();
        String h = host.trim().toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) h = h.substring(0, h.length() - 1);
        for (Dns d : dns) if (d.match.matcher(h).find()) return Optional.of(d.value);
        return Optional.empty();
    }

    Optional<ConnectRedirect> connect(String host, int port) {
        if (host == null || conn.length == 0) return Optional.empty();
        String key = host.trim().toLowerCase(Locale.ROOT) + ":" + port;
        for (Conn c : conn) if (c.match.matcher(key).find()) return Optional.of(c.value);
        return Optional.empty();
    }
}
