/*
 * agentsh-exec-wrapper: arms one process for the agentsh kernel supervisor, then becomes the
 * governed command (execve in place: same pid, same stdio).
 *
 *   agentsh-exec-wrapper --sock PATH --token T [--argv0 NAME] -- CMD ARGS...
 *   agentsh-exec-wrapper --probe          (detect: try to install a listener filter, report)
 *
 * It decides nothing. The daemon sends the whole arming plan (a seccomp BPF program built in
 * Java, optionally a Landlock ruleset fd built in Java); this program applies it and hands the
 * seccomp listener fd back. Any failure exits 126 with a message: it never execs unarmed.
 *
 * Wire protocol (AF_UNIX SOCK_SEQPACKET, one message per step, little-endian, see
 * docs/interfaces.md section 3 and core io.agentsh.core.kernel.supervisor.WrapperProtocol):
 *   wrapper -> daemon  HELO  u32 version, u32 pid, u32 token_len, token bytes
 *   daemon  -> wrapper PLAN  u32 flags, u32 insn_count, [u64 keep_caps if flags & PLAN_CAPS],
 *                            [u32 cwd_len, cwd bytes if flags & PLAN_SETNS_MNT],
 *                            [u32 cgroup_count if flags & PLAN_CGROUP], sock_filter[insn_count]
 *                            (+ SCM_RIGHTS, in this order: the Landlock ruleset fd if PLAN_LANDLOCK,
 *                            the session's mount namespace if PLAN_SETNS_MNT, its network
 *                            namespace if PLAN_SETNS_NET (see session_ns.c), then cgroup_count
 *                            cgroup v1 `tasks` files if PLAN_CGROUP)
 *                      RJCT  reason text   (the daemon refused: exit 126)
 *   wrapper -> daemon  LSTN  u32 exec_pid + SCM_RIGHTS: the seccomp listener fd
 *                            (exec_pid: 0, or with PLAN_PIDNS the namespaced child's pid as the
 *                            daemon sees it; that child arms itself and execs the command; with
 *                            PLAN_PTRACE the relay's child, or the wrapper's own pid when its
 *                            parent is not the daemon and it is traced in place)
 *   daemon  -> wrapper ARMD               (the supervisor is serving the listener)
 *                      RJCT  reason text
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "session_ns.h"

#define EXIT_REFUSED 126
#define PROTO_VERSION 1u
#define PLAN_SETSID 0x1u
#define PLAN_LANDLOCK 0x2u
#define PLAN_WAIT_KILLABLE 0x4u
#define PLAN_CAPS 0x8u
#define PLAN_PIDNS 0x10u /* new PID + mount namespace, fresh /proc; LSTN carries the child's pid */
#define PLAN_SETNS_MNT 0x20u /* join the session's mount namespace, chdir to the plan's cwd */
#define PLAN_SETNS_NET 0x40u /* join the session's network namespace */
#define PLAN_PTRACE 0x80u /* the program returns SECCOMP_RET_TRACE; the daemon PTRACE_SEIZEs the child */
#define PLAN_HYBRID 0x100u /* with PTRACE: the filter also notifies a listener (sent with LSTN) */
/* Join the command's cgroup: write "0" to each passed cgroup v1 `tasks` file (this one thread
 * moves itself; the kernel then skips the global threadgroup rwsem write lock that moving
 * another process by pid takes, and its RCU grace period). In the process that execs (the child
 * of the relay fork, if any), before it forks or execs anything. */
#define PLAN_CGROUP 0x200u
#define MAX_CGROUP_FDS 5
#define MAX_INSNS 4096u
#define MAX_FDS (3 + MAX_CGROUP_FDS)
#define MSG_MAX (32 + SESSION_NS_MAX_CWD + MAX_INSNS * sizeof(struct sock_filter))

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#define __NR_landlock_add_rule 445
#define __NR_landlock_restrict_self 446
#endif

static void die(const char *what, int err) __attribute__((noreturn));
static void die(const char *what, int err)
{
    if (err)
        fprintf(stderr, "agentsh-exec-wrapper: %s: %s; refusing to run the command unarmed\n", what, strerror(err));
    else
        fprintf(stderr, "agentsh-exec-wrapper: %s; refusing to run the command unarmed\n", what);
    _exit(EXIT_REFUSED);
}

static void put_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24);
}

static uint32_t get_u32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void send_msg(int sock, const void *buf, size_t len, int fd)
{
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } ctl;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (fd >= 0) {
        memset(&ctl, 0, sizeof ctl);
        msg.msg_control = ctl.buf;
        msg.msg_controllen = sizeof ctl.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &fd, sizeof(int));
    }
    ssize_t n;
    do n = sendmsg(sock, &msg, MSG_NOSIGNAL); while (n < 0 && errno == EINTR);
    if (n < 0) die("sending to the supervisor socket", errno);
    if ((size_t)n != len) die("short send to the supervisor socket", 0);
}

/* Receives one message; fds[0..*nfds) get the passed descriptors (close-on-exec), in order;
 * more than max_fds is a protocol error. */
static size_t recv_msg(int sock, unsigned char *buf, size_t cap, int *fds, int max_fds, int *nfds)
{
    struct iovec iov = { .iov_base = buf, .iov_len = cap };
    union { char buf[CMSG_SPACE(sizeof(int) * (MAX_FDS + 1))]; struct cmsghdr align; } ctl;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof ctl.buf };
    ssize_t n;
    do n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); while (n < 0 && errno == EINTR);
    if (n < 0) die("receiving from the supervisor socket", errno);
    if (n == 0) die("the supervisor closed the connection", 0);
    if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) die("oversized message from the supervisor", 0);
    *nfds = 0;
    int extra = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; i++) {
            int got;
            memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            if (*nfds < max_fds) fds[(*nfds)++] = got; else { close(got); extra = 1; }
        }
    }
    if (extra) die("more descriptors from the supervisor than the plan names", 0);
    return (size_t)n;
}

static void check_reject(const unsigned char *buf, size_t n)
{
    if (n >= 4 && memcmp(buf, "RJCT", 4) == 0) {
        fprintf(stderr, "agentsh-exec-wrapper: the supervisor refused: %.*s\n", (int)(n - 4), (const char *)buf + 4);
        _exit(EXIT_REFUSED);
    }
}

/* Resolves a bare command name through PATH before arming, so the search does not cost a
 * trapped execve per PATH entry. Returns a malloc'd path or NULL. */
static char *resolve_command(const char *cmd)
{
    if (strchr(cmd, '/')) return strdup(cmd);
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/usr/local/bin:/usr/bin:/bin";
    size_t clen = strlen(cmd);
    for (const char *p = path;; ) {
        const char *end = strchrnul(p, ':');
        size_t dlen = (size_t)(end - p);
        char *cand = malloc(dlen + clen + 3);
        if (!cand) die("out of memory", ENOMEM);
        if (dlen == 0) memcpy(cand, ".", 2), dlen = 1; else memcpy(cand, p, dlen);
        cand[dlen] = '/';
        memcpy(cand + dlen + 1, cmd, clen + 1);
        if (access(cand, X_OK) == 0) return cand;
        free(cand);
        if (!*end) return NULL;
        p = end + 1;
    }
}

static int install_filter(struct sock_fprog *prog, int killable)
{
    unsigned long flags = SECCOMP_FILTER_FLAG_NEW_LISTENER;
    if (killable < 0) /* ptrace: a prefilter returning SECCOMP_RET_TRACE, no listener */
        return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, prog);
    if (killable) flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
    long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, prog);
    if (fd < 0 && errno == EINVAL && killable)
        fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, prog);
    return (int)fd;
}

/* ---- PID namespace (PLAN_PIDNS) ------------------------------------------------------------
 * unshare(NEWPID|NEWNS) only affects children, so the wrapper forks: the child is pid 1 of the
 * new namespace, mounts a fresh /proc in its private mount namespace, and carries on arming and
 * execs the command; the parent stays outside, forwards signals to it and exits with its exact
 * status (re-raising a fatal signal), so the daemon sees the command as its own child. The
 * parent runs no command code and is not reachable from inside the namespace. */
static pid_t relay_target;
static int relay_same_pgrp; /* the child shares our process group: the terminal signals it itself */

static void relay_signal(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    if (relay_same_pgrp && info && info->si_code == SI_KERNEL) return;
    if (relay_target > 0) kill(relay_target, sig);
}

static void relay_child(pid_t child) __attribute__((noreturn));
static void relay_child(pid_t child)
{
    relay_target = child;
    static const int forwarded[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGWINCH, SIGCONT, SIGALRM };
    struct sigaction sa = { .sa_sigaction = relay_signal, .sa_flags = SA_SIGINFO };
    sigemptyset(&sa.sa_mask);
    for (size_t k = 0; k < sizeof forwarded / sizeof forwarded[0]; k++) sigaction(forwarded[k], &sa, NULL);
    int st;
    pid_t r;
    do r = waitpid(child, &st, 0); while (r < 0 && errno == EINTR);
    if (r < 0) _exit(EXIT_REFUSED);
    if (WIFEXITED(st)) _exit(WEXITSTATUS(st));
    int sig = WIFSIGNALED(st) ? WTERMSIG(st) : SIGKILL;
    signal(sig, SIG_DFL);
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_UNBLOCK, &all, NULL);
    kill(getpid(), sig);
    _exit(128 + sig);
}

/* The session's Landlock ruleset names the daemon's /proc (it is in every read list, see
 * LandlockConfig.SYSTEM_READ); the fresh /proc mounted here is another filesystem, so it gets
 * the same read-only rule. (The daemon hands each PID-namespaced command a ruleset of its own,
 * so this rule does not accumulate in a shared one.) */
struct ll_path_beneath { uint64_t allowed_access; int32_t parent_fd; } __attribute__((packed));
#define LL_ACCESS_READ (1ULL << 2 | 1ULL << 3) /* LANDLOCK_ACCESS_FS_READ_FILE | READ_DIR */

static void allow_new_proc(int landlock_fd)
{
    int proc = open("/proc", O_PATH | O_CLOEXEC | O_DIRECTORY);
    if (proc < 0) die("opening the new /proc", errno);
    struct ll_path_beneath attr = { .allowed_access = LL_ACCESS_READ, .parent_fd = proc };
    if (syscall(__NR_landlock_add_rule, landlock_fd, 1 /* LANDLOCK_RULE_PATH_BENEATH */, &attr, 0) != 0)
        die("landlock_add_rule for the new /proc", errno);
    close(proc);
}

/* Whether our parent is the daemon (the socket's peer), as when its process runner started us.
 * Under ptrace only such a command needs the relay fork: the daemon's tracer would otherwise
 * reap, as the tracer, an exit status the daemon's runner waits for. A command exec'd in place
 * by the shim has another parent (the user's shell) and is traced as it is: one fork and one
 * relay hop fewer per command. The daemon checks the same thing before it accepts the pid. */
static int parent_is_peer(int sock)
{
    struct ucred peer;
    socklen_t plen = sizeof peer;
    if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &peer, &plen) != 0) die("getsockopt(SO_PEERCRED)", errno);
    return peer.pid <= 0 || peer.pid == getppid(); /* an invisible peer: assume the worst, relay */
}

/* Forks; the parent stays outside as the relay (exit status, signals), the child carries on
 * arming and execs the command. With new_pidns the child is pid 1 of a new PID namespace with
 * a fresh /proc. Under ptrace (PLAN_PTRACE) the fork is what keeps the traced command from being
 * the daemon's own child: the daemon's tracer must be able to reap its tracees without taking
 * an exit status the daemon's process runner waits for. Returns, in the child only, the
 * child's pid as the parent (and the daemon) see it. */
static uint32_t fork_relay(int sock, int landlock_fd, int new_pidns)
{
    if (new_pidns && unshare(CLONE_NEWPID | CLONE_NEWNS) != 0) die("unshare(CLONE_NEWPID|CLONE_NEWNS)", errno);
    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0) die("pipe", errno);
    pid_t child = fork();
    if (child < 0) die(new_pidns ? "fork into the PID namespace" : "fork", errno);
    if (child > 0) {
        close(p[0]);
        uint32_t outer = (uint32_t)child;
        if (write(p[1], &outer, sizeof outer) != (ssize_t)sizeof outer) { kill(child, SIGKILL); die("pipe write", errno); }
        close(sock);
        if (landlock_fd >= 0) close(landlock_fd);
        relay_same_pgrp = !new_pidns;
        relay_child(child); /* keeps p[1] open: the child sees POLLHUP only when this process is gone */
    }
    close(p[1]);
    /* If the parent dies the command dies (in a PID namespace: its init, and so all of it). */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) die("prctl(PR_SET_PDEATHSIG)", errno);
    uint32_t outer = 0;
    ssize_t got;
    do got = read(p[0], &outer, sizeof outer); while (got < 0 && errno == EINTR);
    if (got != (ssize_t)sizeof outer || outer == 0) die("no pid from the relay parent", 0);
    struct pollfd pf = { .fd = p[0], .events = POLLIN };
    if (poll(&pf, 1, 0) > 0 && (pf.revents & POLLHUP)) die("the relay parent is gone", 0);
    close(p[0]);
    if (new_pidns) {
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) die("making the mount namespace private", errno);
        if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) die("mounting /proc for the PID namespace", errno);
        if (landlock_fd >= 0) allow_new_proc(landlock_fd);
    }
    return outer;
}

/* The ptrace backend's whole mechanism, end to end, on a child: it installs a SECCOMP_RET_TRACE
 * filter for getppid, we PTRACE_SEIZE it with TRACESECCOMP, read the stop with
 * PTRACE_GET_SYSCALL_INFO and skip the call with -EPERM; the child checks it saw exactly that. */
#ifndef PTRACE_GET_SYSCALL_INFO
#define PTRACE_GET_SYSCALL_INFO 0x420e
#endif
static const char *probe_ptrace(void)
{
    int go[2];
    if (pipe2(go, O_CLOEXEC) != 0) return "pipe";
    pid_t c = fork();
    if (c < 0) return "fork";
    if (c == 0) {
        close(go[1]);
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        struct sock_filter insns[] = {
            BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
            BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
            BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        };
        struct sock_fprog prog = { .len = sizeof insns / sizeof insns[0], .filter = insns };
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(2);
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) != 0) _exit(3);
        char b;
        if (read(go[0], &b, 1) != 1) _exit(4);
        long r = syscall(SYS_getppid);
        _exit(r == -1 && errno == EPERM ? 0 : 5);
    }
    close(go[0]);
    const char *res = "seize";
    if (ptrace(PTRACE_SEIZE, c, 0, (void *)(long)(PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)) == 0) {
        res = "no-stop";
        if (write(go[1], "g", 1) == 1) {
            int st;
            while (waitpid(c, &st, __WALL) == c) {
                if (WIFEXITED(st)) { res = WEXITSTATUS(st) == 0 ? NULL : "result"; break; }
                if (WIFSIGNALED(st)) { res = "killed"; break; }
                if (WIFSTOPPED(st) && (st >> 8) == (SIGTRAP | (PTRACE_EVENT_SECCOMP << 8))) {
                    unsigned char info[88];
                    if (ptrace(PTRACE_GET_SYSCALL_INFO, c, (void *)sizeof info, info) <= 0 || info[0] != 3) { res = "syscall_info"; break; }
                    if (ptrace(PTRACE_POKEUSER, c, (void *)offsetof(struct user_regs_struct, orig_rax), (void *)-1L) != 0
                        || ptrace(PTRACE_POKEUSER, c, (void *)offsetof(struct user_regs_struct, rax), (void *)(long)-EPERM) != 0) { res = "pokeuser"; break; }
                }
                ptrace(PTRACE_CONT, c, 0, 0);
            }
        }
    }
    close(go[1]);
    kill(c, SIGKILL);
    while (waitpid(c, NULL, __WALL) > 0) {}
    return res;
}

/* --probe: what detect needs to know, measured by really doing it in this (child) process. */
static int probe(void)
{
    const char *pt = probe_ptrace(); /* first: the listener filter below would shadow its TRACE */
    long abi = syscall(__NR_landlock_create_ruleset, NULL, 0, 1u /* LANDLOCK_CREATE_RULESET_VERSION */);
    if (abi < 0) printf("landlock_abi=0 landlock_errno=%d\n", errno); else printf("landlock_abi=%ld\n", abi);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) { printf("no_new_privs_errno=%d\n", errno); return 0; }
    printf("no_new_privs=ok\n");
    /* Notify on a syscall nobody calls here (getppid is fine: the probe never calls it). */
    struct sock_filter insns[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = { .len = sizeof insns / sizeof insns[0], .filter = insns };
    int fd = install_filter(&prog, 1);
    if (fd < 0) printf("seccomp_user_notify=fail seccomp_errno=%d\n", errno);
    else { printf("seccomp_user_notify=ok\n"); close(fd); }
    fflush(stdout);
    if (pt) printf("ptrace_seccomp=fail ptrace_step=%s\n", pt); else printf("ptrace_seccomp=ok\n");
    fflush(stdout);
    return 0;
}

static void usage(void) __attribute__((noreturn));
static void usage(void)
{
    fprintf(stderr, "usage: agentsh-exec-wrapper --sock PATH --token T [--argv0 NAME] [--ctty] -- CMD [ARGS...]\n"
                    "       agentsh-exec-wrapper --probe\n");
    _exit(EXIT_REFUSED);
}

int main(int argc, char **argv)
{
    const char *sock_path = NULL, *token = NULL, *argv0 = NULL;
    int ctty = 0; /* --ctty: fd 0 is a pty slave to take as controlling terminal after setsid */
    int i = 1;
    if (argc == 2 && strcmp(argv[1], "--probe") == 0) return probe();
    for (; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) { i++; break; }
        if (strcmp(argv[i], "--sock") == 0 && i + 1 < argc) sock_path = argv[++i];
        else if (strcmp(argv[i], "--token") == 0 && i + 1 < argc) token = argv[++i];
        else if (strcmp(argv[i], "--argv0") == 0 && i + 1 < argc) argv0 = argv[++i];
        else if (strcmp(argv[i], "--ctty") == 0) ctty = 1;
        else usage();
    }
    if (!sock_path || !token || i >= argc) usage();
    char **cmd_argv = &argv[i];
    char *cmd_path = resolve_command(cmd_argv[0]);
    if (!cmd_path) {
        fprintf(stderr, "agentsh-exec-wrapper: %s: command not found\n", cmd_argv[0]);
        _exit(127);
    }
    if (argv0) cmd_argv[0] = (char *)argv0; /* e.g. "-bash" for a login shell; the path stays resolved */

    int sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (sock < 0) die("socket", errno);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(sock_path) >= sizeof addr.sun_path) die("supervisor socket path too long", 0);
    strcpy(addr.sun_path, sock_path);
    if (connect(sock, (struct sockaddr *)&addr, sizeof addr) != 0) die("connecting to the supervisor socket", errno);

    size_t tlen = strlen(token);
    if (tlen > 256) die("token too long", 0);
    unsigned char hello[16 + 256];
    memcpy(hello, "HELO", 4);
    put_u32(hello + 4, PROTO_VERSION);
    put_u32(hello + 8, (uint32_t)getpid());
    put_u32(hello + 12, (uint32_t)tlen);
    memcpy(hello + 16, token, tlen);
    send_msg(sock, hello, 16 + tlen, -1);

    static unsigned char buf[MSG_MAX];
    int fds[MAX_FDS], nfds = 0;
    size_t n = recv_msg(sock, buf, sizeof buf, fds, MAX_FDS, &nfds);
    check_reject(buf, n);
    if (n < 12 || memcmp(buf, "PLAN", 4) != 0) die("malformed plan from the supervisor", 0);
    uint32_t flags = get_u32(buf + 4), count = get_u32(buf + 8);
    size_t off = 12;
    uint64_t keep_caps = ~(uint64_t)0;
    if (flags & PLAN_CAPS) {
        if (n < off + 8) die("malformed plan from the supervisor", 0);
        keep_caps = (uint64_t)get_u32(buf + off) | (uint64_t)get_u32(buf + off + 4) << 32;
        off += 8;
    }
    static char cwd[SESSION_NS_MAX_CWD + 1];
    if (flags & PLAN_SETNS_MNT) {
        if (n < off + 4) die("malformed plan from the supervisor", 0);
        uint32_t clen = get_u32(buf + off);
        off += 4;
        if (clen > SESSION_NS_MAX_CWD || n < off + clen) die("malformed working directory in the plan", 0);
        memcpy(cwd, buf + off, clen);
        cwd[clen] = '\0';
        if (memchr(cwd, '\0', clen)) die("malformed working directory in the plan", 0);
        off += clen;
    }
    uint32_t cgroups = 0;
    if (flags & PLAN_CGROUP) {
        if (n < off + 4) die("malformed plan from the supervisor", 0);
        cgroups = get_u32(buf + off);
        off += 4;
        if (cgroups == 0 || cgroups > MAX_CGROUP_FDS) die("malformed cgroup count in the plan", 0);
    }
    if (count == 0 || count > MAX_INSNS || n != off + (size_t)count * sizeof(struct sock_filter))
        die("malformed BPF program in the plan", 0);
    /* Descriptors come in a fixed order, one per plan item that names one. */
    int expected = ((flags & PLAN_LANDLOCK) != 0) + ((flags & PLAN_SETNS_MNT) != 0) + ((flags & PLAN_SETNS_NET) != 0)
        + (int)cgroups;
    if (nfds != expected) die("the plan's descriptors do not match its items", 0);
    int k_fd = 0;
    int landlock_fd = (flags & PLAN_LANDLOCK) ? fds[k_fd++] : -1;
    struct session_ns ns = { .mnt_fd = -1, .net_fd = -1, .cwd = NULL };
    if (flags & PLAN_SETNS_MNT) { ns.mnt_fd = fds[k_fd++]; ns.cwd = cwd; }
    if (flags & PLAN_SETNS_NET) ns.net_fd = fds[k_fd++];

    /* First of all (still privileged, before the filter forbids setns): the session's namespaces.
     * PID-namespaced commands then unshare from inside them. */
    const char *ns_err = NULL;
    int ns_errno = session_ns_join(&ns, &ns_err);
    if (ns_err) die(ns_err, ns_errno);


    /* The session's process group/session: the daemon signals the whole tree through it. */
    if ((flags & PLAN_SETSID) && setsid() < 0) die("setsid", errno);
    if (ctty && ioctl(0, TIOCSCTTY, 0) != 0) die("ioctl(TIOCSCTTY) on stdin", errno);
    /* Before the filter: unshare and mount are not for the command, but the wrapper needs them. */
    uint32_t exec_pid = 0;
    if ((flags & PLAN_PTRACE) && !(flags & PLAN_PIDNS) && !parent_is_peer(sock))
        exec_pid = (uint32_t)getpid(); /* not the daemon's child: it is traced in place, no relay needed */
    else if (flags & (PLAN_PIDNS | PLAN_PTRACE))
        exec_pid = fork_relay(sock, landlock_fd, (flags & PLAN_PIDNS) != 0);
    /* The command's cgroup, in the process that goes on to exec (after the relay fork: the relay
     * parent stays outside, so killing what is left in the cgroup once the command's tree ended
     * never kills the relay before it hands on the exit status), before it forks or execs
     * anything: every process of the command is born inside. Single-threaded, so moving this
     * thread moves the process. */
    for (uint32_t k = 0; k < cgroups; k++) {
        int fd = fds[k_fd++];
        if (write(fd, "0", 1) != 1) die("joining the command's cgroup", errno);
        close(fd);
    }
    if (flags & PLAN_PTRACE) {
        /* Yama (ptrace_scope 1) lets only ancestors trace: name the daemon (the socket's peer). */
        struct ucred peer;
        socklen_t plen = sizeof peer;
        if (getsockopt(sock, SOL_SOCKET, SO_PEERCRED, &peer, &plen) == 0 && peer.pid > 0)
            prctl(PR_SET_PTRACER, (unsigned long)peer.pid, 0, 0, 0); /* EINVAL without Yama: not needed */
    }

    static struct sock_filter insns[MAX_INSNS];
    for (uint32_t k = 0; k < count; k++) {
        const unsigned char *p = buf + off + (size_t)k * 8;
        insns[k].code = (uint16_t)(p[0] | p[1] << 8);
        insns[k].jt = p[2];
        insns[k].jf = p[3];
        insns[k].k = get_u32(p + 4);
    }
    struct sock_fprog prog = { .len = (unsigned short)count, .filter = insns };

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die("prctl(PR_SET_NO_NEW_PRIVS)", errno);
    /* Single-threaded here, so TSYNC is not needed: the filter covers this task and everything
     * it forks or clones from now on. */
    /* Under ptrace the filter's TRACE stops only reach the tracer: until ARMD says this process
     * is seized, nothing here makes a trapped syscall (an untraced TRACE would fail with ENOSYS). */
    int listens = !(flags & PLAN_PTRACE) || (flags & PLAN_HYBRID);
    int listener = install_filter(&prog, listens ? (flags & PLAN_WAIT_KILLABLE) != 0 : -1);
    if (listener < 0) die("installing the seccomp filter", errno);

    unsigned char lstn[8];
    memcpy(lstn, "LSTN", 4);
    put_u32(lstn + 4, exec_pid);
    send_msg(sock, lstn, sizeof lstn, listens ? listener : -1);
    if (listens) close(listener);

    n = recv_msg(sock, buf, sizeof buf, fds, MAX_FDS, &nfds);
    for (int k = 0; k < nfds; k++) close(fds[k]);
    check_reject(buf, n);
    if (n != 4 || memcmp(buf, "ARMD", 4) != 0) die("no arming acknowledgement from the supervisor", 0);

    if (landlock_fd >= 0) {
        if (syscall(__NR_landlock_restrict_self, landlock_fd, 0) != 0) die("landlock_restrict_self", errno);
        close(landlock_fd);
    }
    close(sock);

    /* Capability bounding set: what root (or anyone) can hold after the exec. */
    if (flags & PLAN_CAPS) {
        for (int cap = 0; cap < 64; cap++) {
            if (keep_caps & ((uint64_t)1 << cap)) continue;
            if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
                if (errno == EINVAL) break; /* past CAP_LAST_CAP */
                die("dropping capabilities (PR_CAPBSET_DROP)", errno);
            }
        }
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
            die("clearing ambient capabilities", errno);
    }

    extern char **environ;
    execve(cmd_path, cmd_argv, environ);
    int err = errno;
    /* The supervisor denied the exec (EACCES) or the file cannot run: same codes as a shell. */
    fprintf(stderr, "agentsh-exec-wrapper: %s: %s\n", cmd_argv[0], strerror(err));
    _exit(err == ENOENT ? 127 : 126);
}
