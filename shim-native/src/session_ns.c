/*
 * The exec wrapper's SETNS plan items: enter the session's network and mount namespaces (the
 * daemon passes their descriptors over SCM_RIGHTS) before anything else of the plan, while the
 * wrapper is still privileged and before the seccomp filter (which refuses setns) is installed.
 *
 * setns(CLONE_NEWNS) sets the process's root and working directory to the namespace's root, so
 * the working directory is entered again by path: the one the plan names, else the one the
 * wrapper had before (read with getcwd first). If that directory cannot be entered inside the
 * namespace (masked, or not there) the command is refused rather than run somewhere else.
 */
#define _GNU_SOURCE
#include "session_ns.h"

#include <errno.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

int session_ns_join(struct session_ns *ns, const char **what)
{
    static char before[SESSION_NS_MAX_CWD + 1];
    *what = NULL;
    const char *dir = NULL;
    if (ns->mnt_fd >= 0) {
        if (ns->cwd && ns->cwd[0]) {
            dir = ns->cwd;
        } else {
            if (!getcwd(before, sizeof before)) { *what = "reading the working directory before setns"; return errno; }
            dir = before;
        }
        if (dir[0] != '/') { *what = "the working directory for the session's mount namespace is not absolute"; return 0; }
    }
    if (ns->net_fd >= 0) {
        if (setns(ns->net_fd, CLONE_NEWNET) != 0) { *what = "setns into the session's network namespace"; return errno; }
        close(ns->net_fd);
        ns->net_fd = -1;
    }
    if (ns->mnt_fd >= 0) {
        if (setns(ns->mnt_fd, CLONE_NEWNS) != 0) { *what = "setns into the session's mount namespace"; return errno; }
        close(ns->mnt_fd);
        ns->mnt_fd = -1;
        if (chdir(dir) != 0) { *what = "entering the working directory inside the session's mount namespace"; return errno; }
    }
    return 0;
}
