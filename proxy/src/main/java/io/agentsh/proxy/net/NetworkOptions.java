package io.agentsh.proxy.net;

import java.net.InetSocketAddress;

/**
 * How sessions are connected, from the server config.
 *
 * @param proxyListen  {@code sandbox.network.proxy_listen_addr} (default 127.0.0.1:0), explicit mode
 * @param transparent  true for {@code sandbox.network.intercept_mode: all} or
 *                     {@code sandbox.network.transparent.enabled: true}
 * @param subnetBase   {@code sandbox.network.transparent.subnet_base} (default 10.250.0.0/16)
 * @param daemonNetns  null in production (the daemon's own namespace); tests name a private one
 */
public record NetworkOptions(InetSocketAddress proxyListen, boolean transparent, String subnetBase, String daemonNetns) {
    public NetworkOptions {
        if (proxyListen == null) proxyListen = new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0);
        if (subnetBase == null || subnetBase.isBlank()) subnetBase = "10.250.0.0/16";
    }

    public static NetworkOptions explicitOnly() {
        return new NetworkOptions(null, false, null, null);
    }

    public static NetworkOptions transparent(String subnetBase) {
        return new NetworkOptions(null, true, subnetBase, null);
    }
}
