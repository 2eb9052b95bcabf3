package io.agentsh.proxy.transparent;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A session's own network namespace ({@code /run/netns/agentsh-<daemon pid>-<slot>-<session>}),
 * joined by a veth pair to the daemon's namespace, addressed from the session's /30 (and /64).
 * The exec path places a command in it by opening {@link #path()} and calling setns(fd,
 * CLONE_NEWNET) before exec (the wrapper), or with {@code ip netns exec NAME}.
 *
 * <p>The veth gives the namespace its default routes (so connect() to any address gets as far as
 * the redirect rules); no packet is meant to cross it: the namespace's output filter only lets
 * loopback traffic through and the daemon side drops whatever arrives from it.
 */
public final class SessionNetns implements AutoCloseable {
    public static final String NETNS_PREFIX = "agentsh-";
    /** Veth names: "agh" + 6 hex digits of the daemon pid + 5 of the slot + 'h' (daemon end) or 's'. */
    public static final String VETH_PREFIX = "agh";
    public static final String VETH_GLOB = VETH_PREFIX + "*";

    private final String name;
    private final String hostVeth;
    private final String nsVeth;
    private final SubnetAllocator.Slot slot;
    private final SubnetAllocator allocator;
    private final String daemonNetns;
    private final boolean ipv6;
    private boolean closed;

    private SessionNetns(String name, String hostVeth, String nsVeth, SubnetAllocator.Slot slot,
                         SubnetAllocator allocator, String daemonNetns, boolean ipv6) {
        this.name = name;
        this.hostVeth = hostVeth;
        this.nsVeth = nsVeth;
        this.slot = slot;
        this.allocator = allocator;
        this.daemonNetns = daemonNetns;
        this.ipv6 = ipv6;
    }

    /**
     * Creates the namespace, the veth pair and the addresses.
     *
     * @param daemonNetns null when the daemon's side is the caller's own namespace (production);
     *                    a namespace name under /run/netns otherwise (tests)
     */
    public static SessionNetns create(String sessionId, SubnetAllocator allocator, String daemonNetns)
            throws IOException {
        SubnetAllocator.Slot slot = allocator.allocate();
        long pid = ProcessHandle.current().pid();
        String name = NETNS_PREFIX + pid + "-" + slot.index() + "-" + sanitize(sessionId);
        String tag = String.format(Locale.ROOT, "%06x%05x", pid & 0xffffff, slot.index() & 0xfffff);
        String hostVeth = VETH_PREFIX + tag + "h";
        String nsVeth = VETH_PREFIX + tag + "s";
        boolean created = false;
        try {
            Commands.run(List.of("ip", "netns", "add", name), null);
            created = true;
            Commands.run(daemonIp("link", "add", hostVeth, "type", "veth", "peer", "name", nsVeth, "netns", name)
                    .apply(daemonNetns), null);
            Commands.run(daemonIp("addr", "add", slot.hostV4() + "/30", "dev", hostVeth).apply(daemonNetns), null);
            Commands.run(daemonIp("link", "set", hostVeth, "up").apply(daemonNetns), null);
            Commands.run(List.of("ip", "-n", name, "-batch", "-"),
                    "link set lo up\n"
                            + "addr add " + slot.nsV4() + "/30 dev " + nsVeth + "\n"
                            + "link set " + nsVeth + " up\n"
                            + "route add default via " + slot.hostV4() + " dev " + nsVeth + "\n");
            boolean v6 = Commands.quiet(daemonIp("-6", "addr", "add", slot.hostV6() + "/64", "dev", hostVeth, "nodad")
                    .apply(daemonNetns))
                    && Commands.quiet(List.of("ip", "-n", name, "-6", "addr", "add", slot.nsV6() + "/64", "dev", nsVeth, "nodad"))
                    && Commands.quiet(List.of("ip", "-n", name, "-6", "route", "add", "default", "via", slot.hostV6(),
                    "dev", nsVeth));
            return new SessionNetns(name, hostVeth, nsVeth, slot, allocator, daemonNetns, v6);
        } catch (IOException | RuntimeException e) {
            if (created) Commands.quiet(List.of("ip", "netns", "del", name));
            Commands.quiet(daemonIp("link", "del", hostVeth).apply(daemonNetns));
            allocator.release(slot);
            throw e;
        }
    }

    /** Loads the session ruleset (see {@link NftRulesets#session}). */
    public void installRules(int tcpPort, int dnsPort) throws IOException {
        Commands.run(List.of("ip", "netns", "exec", name, "nft", "-f", "-"), NftRulesets.session(tcpPort, dnsPort));
    }

    /** Installs (or refreshes) the daemon-side guard table; idempotent. */
    public static void installGuard(String daemonNetns) throws IOException {
        List<String> cmd = new ArrayList<>();
        if (daemonNetns != null) cmd.addAll(List.of("ip", "netns", "exec", daemonNetns));
        cmd.addAll(List.of("nft", "-f", "-"));
        Commands.run(cmd, NftRulesets.guard(VETH_GLOB));
    }

    public String name() { return name; }

    /** The namespace file to open for setns(2). */
    public Path path() { return Path.of("/run/netns", name); }

    public String hostVeth() { return hostVeth; }

    public String nsVeth() { return nsVeth; }

    public SubnetAllocator.Slot slot() { return slot; }

    public boolean ipv6() { return ipv6; }

    /** Deletes the namespace and the veth pair; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        Commands.quiet(List.of("ip", "netns", "del", name));
        Commands.quiet(daemonIp("link", "del", hostVeth).apply(daemonNetns)); // gone already if the netns died
        allocator.release(slot);
    }

    private static java.util.function.Function<String, List<String>> daemonIp(String... args) {
        return ns -> {
            List<String> l = new ArrayList<>();
            l.add("ip");
            if (ns != null) { l.add("-n"); l.add(ns); }
            l.addAll(List.of(args));
            return l;
        };
    }

    static String sanitize(String sessionId) {
        StringBuilder sb = new StringBuilder();
        for (char c : sessionId.toCharArray()) {
            if (sb.length() >= 40) break;
            sb.append(Character.isLetterOrDigit(c) || c == '-' || c == '_' ? c : '_');
        }
        return sb.isEmpty() ? "session" : sb.toString();
    }
}
