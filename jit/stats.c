/*
 * stats.c — the engine's counters as `name: value` lines (-d stats): what
 * was translated and how long it took, and how TBs found each other at run
 * time (chained jumps, jump cache, shared-table lookups, exits to the loop).
 */
#include "jit/engine.h"

#include <inttypes.h>
#include <time.h>

uint64_t jit_clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static uint64_t get(const _Atomic uint64_t *c)
{
    return atomic_load_explicit(c, memory_order_relaxed);
}

void jit_stats_add(JitCpuStats *sum, const JitCpuStats *c)
{
    atomic_store_explicit(&sum->tb_enters, get(&sum->tb_enters) + get(&c->tb_enters),
                          memory_order_relaxed);
    atomic_store_explicit(&sum->jc_hits, get(&sum->jc_hits) + get(&c->jc_hits),
                          memory_order_relaxed);
    atomic_store_explicit(&sum->lookup_tb_calls,
                          get(&sum->lookup_tb_calls) + get(&c->lookup_tb_calls),
                          memory_order_relaxed);
}

static void line(FILE *f, const char *name, uint64_t v)
{
    fprintf(f, "%s: %" PRIu64 "\n", name, v);
}

void jit_stats_print(JitEngine *e, FILE *f)
{
    const JitStats *s = &e->stats;
    JitCpuStats cpu = { 0 };

    jit_mutex_lock(&jit_cpu_list_lock);
    jit_stats_add(&cpu, &e->cpus_gone);
    for (guint i = 0; i < e->cpus->len; i++) {
        jit_stats_add(&cpu, &((JitCpu *)g_ptr_array_index(e->cpus, i))->stats);
    }
    jit_mutex_unlock(&jit_cpu_list_lock);

    uint64_t run_ns = jit_clock_ns() - e->start_ns, tr_ns = get(&s->translate_ns);
    uint64_t lookups = get(&s->lookups), hits = get(&cpu.jc_hits);
    line(f, "tbs_translated", get(&s->tbs_translated));
    line(f, "guest_insns_translated", get(&s->guest_insns));
    line(f, "ir_ops", get(&s->ir_ops));
    line(f, "host_bytes", get(&s->host_bytes));
    line(f, "translate_us", tr_ns / 1000);
    line(f, "run_us", run_ns / 1000);
    /* Share of wall-clock run time, in tenths of a percent. */
    line(f, "translate_permille", run_ns ? tr_ns * 1000 / run_ns : 0);
    line(f, "flushes", get(&s->flushes));
    line(f, "chains", get(&s->chains));
    line(f, "loop_tb_enters", get(&cpu.tb_enters));
    line(f, "lookup_tb_calls", get(&cpu.lookup_tb_calls));
    line(f, "jump_cache_hits", hits);
    line(f, "jump_cache_misses", lookups);   /* each one a shared-table (lfht) lookup */
}
