package io.agentsh.core.server;

/** Who may call a route. */
public enum Access {
    /** /health, /ready: never authenticated. */
    PUBLIC,
    /** Any authenticated caller (every role). */
    ANY,
    /** Approver or admin key, or the local operator token; never a process inside a session. */
    APPROVER,
    /** Admin key or the operator token. */
    ADMIN,
    /** The shim route: unix socket only (needs SO_PEERCRED). */
    UNIX_PEER
}
