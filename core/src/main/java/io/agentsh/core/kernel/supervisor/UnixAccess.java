package io.agentsh.core.kernel.supervisor;

/** Unix-socket operations the supervisor asks about (policy UnixSocketOperation, one to one). */
public enum UnixAccess { CONNECT, BIND, LISTEN, SENDTO }
