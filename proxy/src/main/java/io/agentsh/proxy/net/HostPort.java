package io.agentsh.proxy.net;

/**
 * A host and port as a client wrote them ({@code host:port}, {@code [v6]:port}, or a bare host
 * with a default port).
 */
record HostPort(String host, int port) {

    static HostPort parse(String s, int defaultPort) {
        if (s == null) return null;
        s = s.strip();
        if (s.isEmpty()) return null;
        String host;
        String portText = null;
        if (s.charAt(0) == '[') {
            int close = s.indexOf(']');
            if (close < 0) return null;
            host = s.substring(1, close);
            String rest = s.substring(close + 1);
            if (!rest.isEmpty()) {
                if (rest.charAt(0) != ':') return null;
                portText = rest.substring(1);
            }
        } else {
            int colon = s.lastIndexOf(':');
            if (colon >= 0 && s.indexOf(':') != colon) { // bare IPv6 without brackets: no port
                host = s;
            } else if (colon >= 0) {
                host = s.substring(0, colon);
                portText = s.substring(colon + 1);
            } else {
                host = s;
            }
        }
        if (host.isEmpty()) return null;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c <= ' ' || c == '/' || c == '\\' || c == '@' || c == '#' || c == '?') return null;
        }
        int port = defaultPort;
        if (portText != null) {
            if (portText.isEmpty() || portText.length() > 5) return null;
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                return null;
            }
            if (port < 1 || port > 65535) return null;
        }
        return new HostPort(host, port);
    }

    /** The host as the policy should see it: what the client asked for, brackets removed. */
    String hostForPolicy() {
        return host;
    }

    String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    String authorityForHostHeader(int defaultPort) {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == defaultPort ? h : h + ":" + port;
    }
}
