/*
 * litmus.c — x86-TSO litmus tests as an x86-64 program: SB, MP, LB, 2+2W,
 * R, S, WRC, IRIW and fenced/locked variants, each thread's accesses in
 * inline asm (exactly the MOVs, MFENCE and XCHG the test names), run many
 * times on 2-4 host threads; prints each test's outcome histogram and
 * exits 1 if an outcome x86 forbids was seen. Run natively it checks the
 * harness against the CPU; under ferry-x86_64 it checks the translation
 * (docs/memory-model.md). Usage: litmus [TEST...] (default: all);
 * LITMUS_ITERATIONS=N sets the 2-thread iteration count (default 10000;
 * the 3- and 4-thread tests run a quarter as many).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS 4
#define NB_VALS 4              /* registers, then final x and y */

/* The test's two locations, a cache line apart. */
typedef struct Shared {
    _Alignas(64) uint64_t x;
    _Alignas(64) uint64_t y;
} Shared;

/* What one run produced: r0..r3 written by the threads; final memory is
 * read after the run. */
typedef struct Regs {
    _Alignas(64) uint64_t r[NB_VALS];
} Regs;

typedef void (*Body)(Shared *s, Regs *r);

typedef struct Test {
    const char *name;
    const char *code;          /* printed with the histogram */
    int nthreads;
    Body body[MAX_THREADS];
    int nregs;                 /* r0..r(nregs-1) are part of the outcome */
    bool final_x, final_y;     /* so is the final value of x / y */
    /* The outcome x86-TSO forbids (v: the registers, then x, y), or NULL
     * when every outcome is allowed; `relaxed` names the non-SC one. */
    bool (*forbidden)(const uint64_t *v);
    const char *relaxed;
} Test;

/* ---------------------------------------------------------------------- */
/* Thread bodies                                                           */

#define ST(var, val) "movq $" #val ", %[" #var "]\n\t"
#define LD(reg, var) "movq %[" #var "], %[" #reg "]\n\t"
#define MFENCE "mfence\n\t"
#define MEM [x] "+m"(s->x), [y] "+m"(s->y)

static void st_x1_ld_y(Shared *s, Regs *r)
{
    __asm__ volatile(ST(x, 1) LD(a, y) : MEM, [a] "=&r"(r->r[0]) :: "memory");
}
static void st_y1_ld_x(Shared *s, Regs *r)
{
    __asm__ volatile(ST(y, 1) LD(a, x) : MEM, [a] "=&r"(r->r[1]) :: "memory");
}
static void st_x1_mf_ld_y(Shared *s, Regs *r)
{
    __asm__ volatile(ST(x, 1) MFENCE LD(a, y) : MEM, [a] "=&r"(r->r[0]) :: "memory");
}
static void st_y1_mf_ld_x(Shared *s, Regs *r)
{
    __asm__ volatile(ST(y, 1) MFENCE LD(a, x) : MEM, [a] "=&r"(r->r[1]) :: "memory");
}
static void xchg_x1_ld_y(Shared *s, Regs *r)
{
    uint64_t one = 1;
    __asm__ volatile("xchgq %[one], %[x]\n\t" LD(a, y)
                     : MEM, [a] "=&r"(r->r[0]), [one] "+r"(one) :: "memory");
}
static void xchg_y1_ld_x(Shared *s, Regs *r)
{
    uint64_t one = 1;
    __asm__ volatile("xchgq %[one], %[y]\n\t" LD(a, x)
                     : MEM, [a] "=&r"(r->r[1]), [one] "+r"(one) :: "memory");
}
static void st_x1_st_y1(Shared *s, Regs *r)
{
    (void)r;
    __asm__ volatile(ST(x, 1) ST(y, 1) : MEM :: "memory");
}
static void ld_y_ld_x(Shared *s, Regs *r)
{
    __asm__ volatile(LD(a, y) LD(b, x) : MEM, [a] "=&r"(r->r[0]), [b] "=&r"(r->r[1])
                     :: "memory");
}
static void ld_x_st_y1(Shared *s, Regs *r)
{
    __asm__ volatile(LD(a, x) ST(y, 1) : MEM, [a] "=&r"(r->r[0]) :: "memory");
}
static void ld_y_st_x1(Shared *s, Regs *r)
{
    __asm__ volatile(LD(a, y) ST(x, 1) : MEM, [a] "=&r"(r->r[1]) :: "memory");
}
static void st_x1_st_y2(Shared *s, Regs *r)
{
    (void)r;
    __asm__ volatile(ST(x, 1) ST(y, 2) : MEM :: "memory");
}
static void st_y1_st_x2(Shared *s, Regs *r)
{
    (void)r;
    __asm__ volatile(ST(y, 1) ST(x, 2) : MEM :: "memory");
}
static void st_y2_ld_x(Shared *s, Regs *r)
{
    __asm__ volatile(ST(y, 2) LD(a, x) : MEM, [a] "=&r"(r->r[0]) :: "memory");
}
static void st_y2_mf_ld_x(Shared *s, Regs *r)
{
    __asm__ volatile(ST(y, 2) MFENCE LD(a, x) : MEM, [a] "=&r"(r->r[0]) :: "memory");
}
static void st_x2_st_y1(Shared *s, Regs *r)
{
    (void)r;
    __asm__ volatile(ST(x, 2) ST(y, 1) : MEM :: "memory");
}
static void ld_y_st_x1_r0(Shared *s, Regs *r)
{
    __asm__ volatile(LD(a, y) ST(x, 1) : MEM, [a] "=&r"(r->r[0]) :: "memory");
}
static void st_x1(Shared *s, Regs *r)
{
    (void)r;
    __asm__ volatile(ST(x, 1) : MEM :: "memory");
}
static void st_y1(Shared *s, Regs *r)
{
    (void)r;
    __asm__ volatile(ST(y, 1) : MEM :: "memory");
}
static void ld_x_st_y1_r0(Shared *s, Regs *r)
{
    __asm__ volatile(LD(a, x) ST(y, 1) : MEM, [a] "=&r"(r->r[0]) :: "memory");
}
static void ld_y_ld_x_r12(Shared *s, Regs *r)
{
    __asm__ volatile(LD(a, y) LD(b, x) : MEM, [a] "=&r"(r->r[1]), [b] "=&r"(r->r[2])
                     :: "memory");
}
static void ld_x_ld_y_r01(Shared *s, Regs *r)
{
    __asm__ volatile(LD(a, x) LD(b, y) : MEM, [a] "=&r"(r->r[0]), [b] "=&r"(r->r[1])
                     :: "memory");
}
static void ld_y_ld_x_r23(Shared *s, Regs *r)
{
    __asm__ volatile(LD(a, y) LD(b, x) : MEM, [a] "=&r"(r->r[2]), [b] "=&r"(r->r[3])
                     :: "memory");
}

/* ---------------------------------------------------------------------- */
/* Forbidden outcomes (x86-TSO; docs/memory-model.md's table)              */

static bool both_zero(const uint64_t *v) { return v[0] == 0 && v[1] == 0; }
static bool mp_bad(const uint64_t *v) { return v[0] == 1 && v[1] == 0; }
static bool lb_bad(const uint64_t *v) { return v[0] == 1 && v[1] == 1; }
static bool w22_bad(const uint64_t *v) { return v[0] == 1 && v[1] == 1; }   /* x, y */
static bool r_bad(const uint64_t *v) { return v[0] == 0 && v[2] == 2; }     /* r0, y */
static bool s_bad(const uint64_t *v) { return v[0] == 1 && v[1] == 2; }     /* r0, x */
static bool wrc_bad(const uint64_t *v) { return v[0] == 1 && v[1] == 1 && v[2] == 0; }
static bool iriw_bad(const uint64_t *v)
{
    return v[0] == 1 && v[1] == 0 && v[2] == 1 && v[3] == 0;
}

static const Test tests[] = {
    { "SB", "x=1; r0=y | y=1; r1=x", 2, { st_x1_ld_y, st_y1_ld_x }, 2, false, false,
      NULL, "r0=0 r1=0" },
    { "SB+mfences", "x=1; mfence; r0=y | y=1; mfence; r1=x", 2,
      { st_x1_mf_ld_y, st_y1_mf_ld_x }, 2, false, false, both_zero, NULL },
    { "SB+xchgs", "xchg x,1; r0=y | xchg y,1; r1=x", 2, { xchg_x1_ld_y, xchg_y1_ld_x }, 2,
      false, false, both_zero, NULL },
    { "MP", "x=1; y=1 | r0=y; r1=x", 2, { st_x1_st_y1, ld_y_ld_x }, 2, false, false,
      mp_bad, NULL },
    { "LB", "r0=x; y=1 | r1=y; x=1", 2, { ld_x_st_y1, ld_y_st_x1 }, 2, false, false,
      lb_bad, NULL },
    { "2+2W", "x=1; y=2 | y=1; x=2", 2, { st_x1_st_y2, st_y1_st_x2 }, 0, true, true,
      w22_bad, NULL },
    { "R", "x=1; y=1 | y=2; r0=x", 2, { st_x1_st_y1, st_y2_ld_x }, 1, false, true,
      NULL, "r0=0 y=2" },
    { "R+mfence", "x=1; y=1 | y=2; mfence; r0=x", 2, { st_x1_st_y1, st_y2_mf_ld_x }, 1,
      false, true, r_bad, NULL },
    { "S", "x=2; y=1 | r0=y; x=1", 2, { st_x2_st_y1, ld_y_st_x1_r0 }, 1, true, false,
      s_bad, NULL },
    { "WRC", "x=1 | r0=x; y=1 | r1=y; r2=x", 3, { st_x1, ld_x_st_y1_r0, ld_y_ld_x_r12 }, 3,
      false, false, wrc_bad, NULL },
    { "IRIW", "x=1 | y=1 | r0=x; r1=y | r2=y; r3=x", 4,
      { st_x1, st_y1, ld_x_ld_y_r01, ld_y_ld_x_r23 }, 4, false, false, iriw_bad, NULL },
};

/* ---------------------------------------------------------------------- */
/* Running                                                                 */

/* Sense-reversing barrier; yields while waiting so that more threads than
 * cores still make progress. */
typedef struct Barrier {
    _Alignas(64) int count;
    _Alignas(64) int sense;
    int n;
} Barrier;

static void barrier_wait(Barrier *b, int *local_sense)
{
    int s = !*local_sense;
    *local_sense = s;
    if (__atomic_add_fetch(&b->count, 1, __ATOMIC_ACQ_REL) == b->n) {
        __atomic_store_n(&b->count, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&b->sense, s, __ATOMIC_RELEASE);
        return;
    }
    for (unsigned spin = 0; __atomic_load_n(&b->sense, __ATOMIC_ACQUIRE) != s; spin++) {
        if (spin > 200) {
            sched_yield();
        }
    }
}

typedef struct Outcome {
    uint64_t v[NB_VALS + 2];
    unsigned long count;
} Outcome;

typedef struct Run {
    const Test *t;
    long iterations;
    Shared s;
    Regs regs;
    Barrier bar;
    Outcome hist[64];
    int nb_hist;
} Run;

typedef struct Worker {
    Run *run;
    int id;
} Worker;

/* Thread 0 tallies after each iteration and resets the locations. */
static void tally(Run *run)
{
    const Test *t = run->t;
    uint64_t v[NB_VALS + 2] = { 0 };
    int n = 0;

    for (int i = 0; i < t->nregs; i++) {
        v[n++] = run->regs.r[i];
    }
    if (t->final_x) {
        v[n++] = run->s.x;
    }
    if (t->final_y) {
        v[n++] = run->s.y;
    }
    int k = 0;
    while (k < run->nb_hist && memcmp(run->hist[k].v, v, sizeof v)) {
        k++;
    }
    if (k == run->nb_hist && k < 64) {
        memcpy(run->hist[k].v, v, sizeof v);
        run->nb_hist++;
    }
    run->hist[k < 64 ? k : 63].count++;
    run->s.x = run->s.y = 0;
    memset(&run->regs, 0, sizeof run->regs);
}

static void *worker(void *opaque)
{
    Worker *w = opaque;
    Run *run = w->run;
    int sense = 0;
    uint32_t rng = 0x9e3779b9u * (uint32_t)(w->id + 1);

    for (long it = 0; it < run->iterations; it++) {
        barrier_wait(&run->bar, &sense);
        /* A random few cycles of skew: threads leave the barrier in a
         * fixed order, which would otherwise hide most interleavings. */
        rng ^= rng << 13, rng ^= rng >> 17, rng ^= rng << 5;
        for (uint32_t d = rng % 64; d; d--) {
            __asm__ volatile("pause");
        }
        run->t->body[w->id](&run->s, &run->regs);
        barrier_wait(&run->bar, &sense);
        if (w->id == 0) {
            tally(run);
        }
    }
    return NULL;
}

static void print_outcome(const Test *t, const Outcome *o, char *buf, size_t len)
{
    int n = 0, at = 0;
    for (int i = 0; i < t->nregs; i++) {
        at += snprintf(buf + at, len - at, "%sr%d=%llu", at ? " " : "", i,
                       (unsigned long long)o->v[n++]);
    }
    if (t->final_x) {
        at += snprintf(buf + at, len - at, "%sx=%llu", at ? " " : "",
                       (unsigned long long)o->v[n++]);
    }
    if (t->final_y) {
        snprintf(buf + at, len - at, "%sy=%llu", at ? " " : "", (unsigned long long)o->v[n]);
    }
}

/* Run one test; returns 0 ok, 1 forbidden outcome seen, 77 no threads. */
static int run_test(const Test *t, long iterations)
{
    static Run run;
    pthread_t th[MAX_THREADS];
    Worker w[MAX_THREADS];
    int bad = 0;

    memset(&run, 0, sizeof run);
    run.t = t;
    run.iterations = iterations;
    run.bar.n = t->nthreads;
    for (int i = 1; i < t->nthreads; i++) {
        w[i] = (Worker){ &run, i };
        int e = pthread_create(&th[i], NULL, worker, &w[i]);
        if (e) {
            printf("SKIP: pthread_create: %s (no guest threads here)\n", strerror(e));
            exit(77);
        }
    }
    w[0] = (Worker){ &run, 0 };
    worker(&w[0]);
    for (int i = 1; i < t->nthreads; i++) {
        pthread_join(th[i], NULL);
    }
    printf("%s (%s), %ld runs:\n", t->name, t->code, iterations);
    for (int k = 0; k < run.nb_hist; k++) {
        char text[96];
        bool forbidden = t->forbidden && t->forbidden(run.hist[k].v);
        print_outcome(t, &run.hist[k], text, sizeof text);
        printf("  %8lu  %s%s%s\n", run.hist[k].count, text,
               forbidden ? "  FORBIDDEN by x86-TSO" : "",
               t->relaxed && !strcmp(text, t->relaxed) ? "  (relaxed: x86 allows it)" : "");
        bad |= forbidden;
    }
    return bad;
}

int main(int argc, char **argv)
{
    const char *env = getenv("LITMUS_ITERATIONS");
    long iterations = env ? atol(env) : 10000;
    int fails = 0;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        bool wanted = argc < 2;
        for (int a = 1; a < argc; a++) {
            wanted |= strcmp(argv[a], tests[i].name) == 0;
        }
        if (wanted) {
            /* more threads than the 2 cores CI has: fewer, slower runs */
            long n = tests[i].nthreads > 2 ? iterations / 4 : iterations;
            fails += run_test(&tests[i], n > 0 ? n : 1);
        }
    }
    printf("%s\n", fails ? "FAIL: forbidden outcomes seen" : "PASS: no forbidden outcome");
    return fails ? 1 : 0;
}
