/*
 * thr-fork.c — fork from a multi-threaded process, for the threads e2e
 * test: while worker threads allocate, lock a mutex and run code, the
 * main thread forks a few times (holding the mutex, as a program must for
 * the child to use it); each child (only the forking thread survives)
 * allocates, uses the mutex, starts and joins a thread of its own and
 * exits with a status the parent checks.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static atomic_int stop;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static long shared;

static void *worker(void *a)
{
    while (!atomic_load(&stop)) {
        void *p = malloc(100 + (size_t)(long)a);
        pthread_mutex_lock(&mu);
        shared++;
        pthread_mutex_unlock(&mu);
        free(p);
    }
    return NULL;
}

static void *child_thread(void *a)
{
    return (void *)((long)a + 1);
}

int main(void)
{
    pthread_t w[3];
    for (long i = 0; i < 3; i++) {
        pthread_create(&w[i], NULL, worker, (void *)i);
    }
    for (int k = 0; k < 5; k++) {
        usleep(2000);
        pthread_mutex_lock(&mu);
        pid_t pid = fork();
        pthread_mutex_unlock(&mu);
        if (pid == 0) {
            void *p = malloc(1000);
            pthread_mutex_lock(&mu);
            pthread_mutex_unlock(&mu);
            pthread_t t;
            void *r;
            pthread_create(&t, NULL, child_thread, (void *)(long)k);
            pthread_join(t, &r);
            free(p);
            _exit(10 + (int)(long)r);
        }
        int st;
        waitpid(pid, &st, 0);
        printf("child %d: exited %d status %d\n", k, WIFEXITED(st), WEXITSTATUS(st));
    }
    atomic_store(&stop, 1);
    for (int i = 0; i < 3; i++) {
        pthread_join(w[i], NULL);
    }
    printf("workers stopped, counter positive %d\n", shared > 0);
    return 0;
}
