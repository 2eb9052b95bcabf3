/* Joining a session's namespaces in the exec wrapper (the PLAN's SETNS items). */
#ifndef AGENTSH_SESSION_NS_H
#define AGENTSH_SESSION_NS_H

#define SESSION_NS_MAX_CWD 4096

struct session_ns {
    int mnt_fd;      /* the session's mount namespace, or -1 */
    int net_fd;      /* the session's network namespace, or -1 */
    const char *cwd; /* with mnt_fd: where to chdir inside it; "" = the working directory from before */
};

/* Joins the network namespace, then the mount namespace, and chdir()s to the working directory
 * by path (setns into a mount namespace leaves the process at its root). Closes the descriptors.
 * Returns 0; on failure returns the errno (0 if none applies) and sets *what to a description. */
int session_ns_join(struct session_ns *ns, const char **what);

#endif
