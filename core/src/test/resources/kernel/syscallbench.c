/* Syscall loop for the supervisor round-trip bench.
 *   syscallbench kill N      kill(getpid(), 0) N times (trapped, answered CONTINUE: one notify round trip)
 *   syscallbench open PATH N open(PATH, O_RDONLY)+close N times (trapped when reads are, emulated + ADDFD)
 *   syscallbench write DIR N create, write, close, unlink N files in DIR (4 trapped/emulated ops each... 2 trapped)
 * Prints "ns_per_op=X". */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static long long now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(int argc, char **argv)
{
    if (argc < 3) return 2;
    long n = atol(argv[argc - 1]);
    long long t0 = now();
    if (strcmp(argv[1], "kill") == 0) {
        pid_t me = getpid();
        for (long i = 0; i < n; i++) kill(me, 0);
    } else if (strcmp(argv[1], "open") == 0) {
        for (long i = 0; i < n; i++) {
            int fd = open(argv[2], O_RDONLY | O_CLOEXEC);
            if (fd < 0) { perror("open"); return 1; }
            close(fd);
        }
    } else if (strcmp(argv[1], "write") == 0) {
        char p[4096];
        for (long i = 0; i < n; i++) {
            snprintf(p, sizeof p, "%s/f%ld", argv[2], i);
            int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (fd < 0) { perror("open"); return 1; }
            if (write(fd, "data\n", 5) != 5) return 1;
            close(fd);
            unlink(p);
        }
    } else {
        return 2;
    }
    printf("ns_per_op=%lld\n", (now() - t0) / n);
    return 0;
}
