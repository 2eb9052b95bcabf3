/*
 * The kernel's own price of a seccomp user-notification round trip, with no Java and no policy:
 * a child traps getppid() N times, a supervisor in the parent answers each one either with
 * CONTINUE (what an allowed exec gets) or with ADDFD + SEND (what an emulated open gets: an fd
 * of /dev/null installed as the syscall's result). Filters only its own child; safe to run as is.
 *
 *   gcc -O2 -o /tmp/notify-roundtrip bench/notify-roundtrip.c
 *   /tmp/notify-roundtrip [N] [sync 0|1] [addfd 0|1]      (defaults 20000 1 0)
 *   taskset -c 0 /tmp/notify-roundtrip 20000 1 1           (both sides on one CPU)
 *
 * sync=1 sets SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (Linux 6.6+), as the Java supervisor does.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP 1
#endif

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static void send_fd(int sock, int fd) {
    char data = 'f', control[CMSG_SPACE(sizeof(int))] = {0};
    struct iovec iov = {&data, 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
    if (sendmsg(sock, &msg, 0) < 0) { perror("sendmsg"); _exit(1); }
}

static int receive_fd(int sock) {
    char data, control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {&data, 1};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    if (recvmsg(sock, &msg, 0) <= 0) return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(CMSG_FIRSTHDR(&msg)), sizeof fd);
    return fd;
}

/* The child: install the filter, hand the listener over, wait for the go, then time the traps. */
static void tracee(int sock, int n) {
    struct sock_filter code[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    struct sock_fprog prog = {sizeof code / sizeof code[0], code};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)) { perror("no_new_privs"); _exit(1); }
    int listener = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
    if (listener < 0) { perror("seccomp"); _exit(1); }
    send_fd(sock, listener);
    close(listener);
    char go;
    if (read(sock, &go, 1) != 1) _exit(1);
    double t0 = now();
    for (int i = 0; i < n; i++) {
        long r = syscall(SYS_getppid);
        if (r > 2) close((int) r); /* an installed fd */
    }
    double t1 = now();
    for (int i = 0; i < n; i++) syscall(SYS_getpid);
    double t2 = now();
    printf("trapped call %.2f us, untrapped call %.3f us\n", (t1 - t0) / n * 1e6, (t2 - t1) / n * 1e6);
    fflush(stdout);
    _exit(0);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 20000;
    int sync = argc > 2 ? atoi(argv[2]) : 1;
    int addfd = argc > 3 ? atoi(argv[3]) : 0;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) { perror("socketpair"); return 1; }
    pid_t child = fork();
    if (child == 0) tracee(sv[0], n);

    int listener = receive_fd(sv[1]);
    if (listener < 0) { fprintf(stderr, "no listener\n"); return 1; }
    if (sync && ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP))
        perror("SECCOMP_IOCTL_NOTIF_SET_FLAGS (sync wake-ups unsupported)");
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    struct seccomp_notif_sizes sizes;
    if (syscall(SYS_seccomp, SECCOMP_GET_NOTIF_SIZES, 0, &sizes)) { perror("notif sizes"); return 1; }
    struct seccomp_notif *req = calloc(1, sizes.seccomp_notif);
    struct seccomp_notif_resp *resp = calloc(1, sizes.seccomp_notif_resp);
    if (write(sv[1], "g", 1) != 1) return 1;

    for (;;) {
        struct pollfd p = {listener, POLLIN, 0};
        if (poll(&p, 1, -1) < 0) continue;
        if (p.revents & POLLHUP) break;
        memset(req, 0, sizes.seccomp_notif);
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req)) {
            if (errno == EINTR || errno == ENOENT) continue;
            break;
        }
        if (addfd) {
            struct seccomp_notif_addfd a = {.id = req->id, .flags = SECCOMP_ADDFD_FLAG_SEND,
                                            .srcfd = (__u32) devnull, .newfd_flags = O_CLOEXEC};
            if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ADDFD, &a) < 0) perror("ADDFD");
            continue;
        }
        memset(resp, 0, sizes.seccomp_notif_resp);
        resp->id = req->id;
        resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
        if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp)) perror("SEND");
    }
    int status;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
