package io.agentsh.core.server;

/**
 * Who sent a request: the API key's role (null without auth), whether a valid operator token came
 * with it, and, where the kernel tells us, the peer process (pid/uid; -1 when unknown).
 */
public record Caller(Role role, String keyId, boolean operator, boolean unixSocket, int peerPid, int peerUid,
                     String remote) {}
