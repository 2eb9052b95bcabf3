package io.agentsh.proxy.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The upstream resolvers of the VM: the {@code nameserver} lines of /etc/resolv.conf (port 53). */
public final class ResolvConf {
    public static final Path DEFAULT = Path.of("/etc/resolv.conf");

    private ResolvConf() {}

    public static List<InetSocketAddress> nameservers(Path file) throws IOException {
        List<InetSocketAddress> out = new ArrayList<>();
        int lineNo = 0;
        for (String line : Files.readAllLines(file)) {
            lineNo++;
            String l = line.strip();
            if (!l.startsWith("nameserver")) continue;
            String[] parts = l.split("\\s+");
            if (parts.length < 2) continue;
            String addr = parts[1];
            int pct = addr.indexOf('%');
            if (pct >= 0) addr = addr.substring(0, pct);
            try {
                out.add(new InetSocketAddress(InetAddress.ofLiteral(addr), 53));
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ":" + lineNo + ": not an IP address: " + parts[1]);
            }
        }
        if (out.isEmpty()) throw new IOException(file + ": no nameserver line");
        return out;
    }

    /** Parses {@code host:port}, {@code [v6]:port} or a bare address (port 53) as given in config. */
    public static InetSocketAddress parseServer(String s) {
        String t = s.strip();
        String host = t;
        int port = 53;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) throw new IllegalArgumentException("bad DNS server address: " + s);
            host = t.substring(1, close);
            if (close + 1 < t.length()) port = Integer.parseInt(t.substring(close + 2));
        } else if (t.indexOf(':') == t.lastIndexOf(':') && t.indexOf(':') > 0) {
            host = t.substring(0, t.indexOf(':'));
            port = Integer.parseInt(t.substring(t.indexOf(':') + 1));
        }
        return new InetSocketAddress(InetAddress.ofLiteral(host), port);
    }
}
