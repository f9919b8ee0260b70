/*
 * thr-exit.c — how a multi-threaded process ends, for the threads e2e
 * test. "group": a non-main thread calls exit_group (_exit(7)) while
 * another thread blocks in read() on a pipe, another in a futex
 * (pthread_cond_wait) and main in pthread_join: the status is 7.
 * "leader": the main thread calls pthread_exit and the last thread ends
 * the process later (glibc: exit(0)); "leader-raw": the main thread
 * exits with SYS_exit(3) and the last thread with SYS_exit(9): Linux
 * reports the last thread's status, 9.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static int pipefd[2];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;

static void *reader(void *a)
{
    char c;
    ssize_t n = read(pipefd[0], &c, 1);      /* never returns */
    return (void *)n;
}

static void *waiter(void *a)
{
    pthread_mutex_lock(&mu);
    for (;;) {
        pthread_cond_wait(&cv, &mu);         /* never signalled */
    }
    return a;
}

static void *ender(void *a)
{
    usleep(20000);                           /* let the others block */
    printf("ending the process from a thread\n");
    fflush(stdout);
    _exit(7);
    return a;
}

static void *late(void *a)
{
    usleep(20000);
    printf("last thread after the main thread, raw %d\n", a != NULL);
    fflush(stdout);
    if (a) {
        syscall(SYS_exit, 9);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t t;
    if (argc > 1 && strncmp(argv[1], "leader", 6) == 0) {
        int raw = strcmp(argv[1], "leader-raw") == 0;
        pthread_create(&t, NULL, late, raw ? (void *)1 : NULL);
        if (raw) {
            syscall(SYS_exit, 3);
        }
        pthread_exit(NULL);
    }
    pipe(pipefd);
    pthread_create(&t, NULL, reader, NULL);
    pthread_create(&t, NULL, waiter, NULL);
    pthread_t e;
    pthread_create(&e, NULL, ender, NULL);
    pthread_join(t, NULL);
    printf("not reached\n");
    return 0;
}
