/*
 * thr-xmc.c — cross-modifying code, for the threads e2e test: one thread
 * keeps calling a function in an RWX page while the main thread rewrites
 * its immediate ("mov eax, imm32; ret"); the caller must eventually see
 * the new value. Done for several rounds, each a new value.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

static unsigned char *code;
static atomic_int seen;            /* the last value the caller got */

static void *caller(void *a)
{
    int (*fn)(void) = (int (*)(void))code;
    struct timespec t0, t;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        int v = fn();
        atomic_store(&seen, v);
        if (v == 5) {
            return NULL;
        }
        clock_gettime(CLOCK_MONOTONIC, &t);
        if (t.tv_sec - t0.tv_sec > 5) {
            return (void *)1;      /* stuck on old code */
        }
    }
    return a;
}


int main(void)
{
    code = mmap(NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                -1, 0);
    /* nop x3; mov eax, imm32 (imm at offset 4); ret */
    static const unsigned char fn[] = { 0x90, 0x90, 0x90, 0xb8, 1, 0, 0, 0, 0xc3 };
    memcpy(code, fn, sizeof(fn));
    pthread_t t;
    pthread_create(&t, NULL, caller, NULL);
    for (int v = 1; v <= 5; v++) {
        if (v > 1) {
            atomic_store((_Atomic int *)(code + 4), v);
        }
        while (atomic_load(&seen) != v) {
        }
        printf("caller sees %d\n", v);
    }
    void *r;
    pthread_join(t, &r);
    printf("caller %s\n", r ? "stuck" : "done");
    return 0;
}
