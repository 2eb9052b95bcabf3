/* Tests of session_ns_join (the exec wrapper's SETNS plan items) on real namespaces: a holder
 * process makes a mount namespace (with a tmpfs only it can see) and a network namespace; test
 * children join them through descriptors, as the wrapper does with the ones the daemon sends.
 * Needs root; prints "PASS name" / "FAIL name: why" and exits non-zero on any failure. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "session_ns.h"

static int failures;

static void result(int ok, const char *name, const char *why)
{
    if (ok) printf("PASS session_ns: %s\n", name);
    else { printf("FAIL session_ns: %s: %s\n", name, why); failures++; }
    fflush(stdout);
}

static char base[] = "/tmp/session-ns-test-XXXXXX";
static char inner[256];

/* The holder: new mount + net namespace, a tmpfs on base/inner with a marker file inside. */
static pid_t start_holder(void)
{
    int p[2];
    if (pipe(p) != 0) return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        char ok = 0;
        if (unshare(CLONE_NEWNS | CLONE_NEWNET) == 0 && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0
            && mount("tmpfs", inner, "tmpfs", 0, "size=64k") == 0) {
            char marker[300];
            snprintf(marker, sizeof marker, "%s/marker", inner);
            int m = open(marker, O_CREAT | O_WRONLY, 0644);
            if (m >= 0) { close(m); ok = 1; }
        }
        if (write(p[1], &ok, 1) != 1) _exit(1);
        pause();
        _exit(0);
    }
    close(p[1]);
    char ok = 0;
    if (read(p[0], &ok, 1) != 1 || !ok) { kill(pid, SIGKILL); waitpid(pid, NULL, 0); return -1; }
    close(p[0]);
    return pid;
}

static int open_ns(pid_t pid, const char *kind)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, kind);
    return open(path, O_RDONLY | O_CLOEXEC);
}

static ino_t ns_inode(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_ino : 0;
}

/* Runs check() in a child; its exit status 0 = pass, else the byte names the failure. */
static int in_child(int (*check)(pid_t), pid_t holder)
{
    pid_t c = fork();
    if (c == 0) _exit(check(holder));
    int st;
    waitpid(c, &st, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100;
}

static int joins_mount_and_enters_cwd(pid_t holder)
{
    struct session_ns ns = { .mnt_fd = open_ns(holder, "mnt"), .net_fd = -1, .cwd = inner };
    const char *what;
    if (session_ns_join(&ns, &what) != 0 || what) return 1;
    if (access("marker", F_OK) != 0) return 2;           /* cwd is the tmpfs only the namespace has */
    char here[300];
    if (!getcwd(here, sizeof here) || strcmp(here, inner) != 0) return 3;
    char self[64], theirs[64];
    snprintf(theirs, sizeof theirs, "/proc/%d/ns/mnt", (int)holder);
    snprintf(self, sizeof self, "/proc/self/ns/mnt");
    return ns_inode(self) == ns_inode(theirs) ? 0 : 4;
}

static int empty_cwd_keeps_previous_directory(pid_t holder)
{
    if (chdir(inner) != 0) return 1;                     /* outside: the bare directory, no marker */
    if (access("marker", F_OK) == 0) return 2;
    struct session_ns ns = { .mnt_fd = open_ns(holder, "mnt"), .net_fd = -1, .cwd = "" };
    const char *what;
    if (session_ns_join(&ns, &what) != 0 || what) return 3;
    return access("marker", F_OK) == 0 ? 0 : 4;          /* same path, now the namespace's view */
}

static int joins_network(pid_t holder)
{
    struct session_ns ns = { .mnt_fd = -1, .net_fd = open_ns(holder, "net"), .cwd = NULL };
    const char *what;
    if (session_ns_join(&ns, &what) != 0 || what) return 1;
    char theirs[64];
    snprintf(theirs, sizeof theirs, "/proc/%d/ns/net", (int)holder);
    return ns_inode("/proc/self/ns/net") == ns_inode(theirs) ? 0 : 2;
}

static int missing_cwd_is_an_error(pid_t holder)
{
    char gone[300];
    snprintf(gone, sizeof gone, "%s/not-there", inner);
    struct session_ns ns = { .mnt_fd = open_ns(holder, "mnt"), .net_fd = -1, .cwd = gone };
    const char *what;
    int err = session_ns_join(&ns, &what);
    return (err == ENOENT && what && strstr(what, "working directory")) ? 0 : 1;
}

static int relative_cwd_is_an_error(pid_t holder)
{
    struct session_ns ns = { .mnt_fd = open_ns(holder, "mnt"), .net_fd = -1, .cwd = "relative/dir" };
    const char *what;
    session_ns_join(&ns, &what);
    return what ? 0 : 1;
}

static int bad_fd_is_an_error(pid_t holder)
{
    (void)holder;
    int fd = open("/dev/null", O_RDONLY);                /* not a namespace */
    struct session_ns ns = { .mnt_fd = fd, .net_fd = -1, .cwd = "/" };
    const char *what;
    int err = session_ns_join(&ns, &what);
    return (err == EINVAL && what) ? 0 : 1;
}

int main(void)
{
    if (geteuid() != 0) { printf("PASS session_ns: skipped (needs root to make namespaces)\n"); return 0; }
    if (!mkdtemp(base)) { printf("FAIL session_ns: mkdtemp: %s\n", strerror(errno)); return 1; }
    snprintf(inner, sizeof inner, "%s/inner", base);
    if (mkdir(inner, 0755) != 0) { printf("FAIL session_ns: mkdir: %s\n", strerror(errno)); return 1; }
    pid_t holder = start_holder();
    if (holder < 0) { printf("FAIL session_ns: cannot make the holder's namespaces\n"); rmdir(inner); rmdir(base); return 1; }

    char why[32];
    int r;
    r = in_child(joins_mount_and_enters_cwd, holder); snprintf(why, sizeof why, "step %d", r);
    result(r == 0, "joins the mount namespace and enters the plan's cwd by path", why);
    r = in_child(empty_cwd_keeps_previous_directory, holder); snprintf(why, sizeof why, "step %d", r);
    result(r == 0, "an empty cwd re-enters the previous directory inside", why);
    r = in_child(joins_network, holder); snprintf(why, sizeof why, "step %d", r);
    result(r == 0, "joins the network namespace", why);
    r = in_child(missing_cwd_is_an_error, holder); snprintf(why, sizeof why, "step %d", r);
    result(r == 0, "a cwd missing inside the namespace refuses (ENOENT, named)", why);
    r = in_child(relative_cwd_is_an_error, holder); snprintf(why, sizeof why, "step %d", r);
    result(r == 0, "a relative cwd refuses", why);
    r = in_child(bad_fd_is_an_error, holder); snprintf(why, sizeof why, "step %d", r);
    result(r == 0, "a descriptor that is no namespace refuses (EINVAL)", why);

    kill(holder, SIGKILL);
    waitpid(holder, NULL, 0);
    rmdir(inner);
    rmdir(base);
    return failures ? 1 : 0;
}
