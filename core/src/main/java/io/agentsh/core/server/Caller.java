package io.agentsh.core.server;

/**
 * Who sent a request: the API key's role (null without auth), whether a valid operator token came
 * with it, and, where the kernel tells us, the peer process (pid/uid; -1 when unknown).
 */
public record Caller(Role role, String keyId, boolean operator, boolean unixSocket, int peerPid, int peerUid,
                     String remote, int remotePort, int localPort) {

    /** A caller whose transport ports are unknown (unix socket, tests). */
    public Caller(Role role, String keyId, boolean operator, boolean unixSocket, int peerPid, int peerUid, String remote) {
        this(role, keyId, operator, unixSocket, peerPid, peerUid, remote, -1, -1);
    }

    /**
     * The calling process: SO_PEERCRED on the unix socket; over loopback TCP found through
     * /proc/net/tcp (a scan: call it only when the answer matters). -1 when unknown.
     */
    public int pid() {
        if (unixSocket) return peerPid;
        return remotePort > 0 ? PeerProcesses.tcpClientPid(remotePort, localPort) : -1;
    }
}
