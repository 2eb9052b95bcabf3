/* Race helper for the supervisor tests (runs governed, never on the host unarmed).
 *   racer mem  ALLOWED DENIED N   one thread flips a path buffer between ALLOWED and DENIED while
 *                                 the main thread opens it for writing N times
 *   racer link LINK ALLOWED DENIED N  one thread atomically swaps symlink LINK between the two
 *                                 targets while the main thread opens LINK for writing N times
 * Prints "opened=K" (successful opens). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char buf[4096];
static const char *a, *b, *link_path;
static volatile int stop;
static char tmp_a[4200], tmp_b[4200];

static void *flip_mem(void *arg)
{
    (void)arg;
    size_t la = strlen(a) + 1, lb = strlen(b) + 1;
    while (!stop) {
        memcpy(buf, a, la);
        memcpy(buf, b, lb);
    }
    return NULL;
}

static void *flip_link(void *arg)
{
    (void)arg;
    while (!stop) {
        rename(tmp_a, link_path);
        symlink(a, tmp_a);
        rename(tmp_b, link_path);
        symlink(b, tmp_b);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc < 5) return 2;
    int n;
    pthread_t t;
    if (strcmp(argv[1], "mem") == 0) {
        a = argv[2]; b = argv[3]; n = atoi(argv[4]);
        strcpy(buf, a);
        pthread_create(&t, NULL, flip_mem, NULL);
    } else {
        if (argc < 6) return 2;
        link_path = argv[2]; a = argv[3]; b = argv[4]; n = atoi(argv[5]);
        snprintf(tmp_a, sizeof tmp_a, "%s.a", link_path);
        snprintf(tmp_b, sizeof tmp_b, "%s.b", link_path);
        symlink(a, link_path);
        symlink(a, tmp_a);
        symlink(b, tmp_b);
        strcpy(buf, link_path);
        pthread_create(&t, NULL, flip_link, NULL);
    }
    int opened = 0;
    for (int i = 0; i < n; i++) {
        int fd = open(buf, O_WRONLY | O_CREAT | O_APPEND, 0644);
        if (fd >= 0) {
            if (write(fd, "x", 1) == 1) opened++;
            close(fd);
        }
    }
    stop = 1;
    pthread_join(t, NULL);
    printf("opened=%d\n", opened);
    return 0;
}
