/*
 * tbcache.c — the TB table and everything that keeps it consistent:
 * translation into the code buffer, the lock-free lookup table (liburcu
 * lfht), per-CPU jump caches, direct chaining and unchaining, invalidation
 * by guest range, the full flush, and host pc -> guest state restore.
 *
 * Locking (the full order is at the top of engine.h): jit_tb_lock
 * serializes translation, insertion, chaining, invalidation and flush;
 * functions named *_locked require it. Lookups run under the RCU read lock
 * only; TbEntry structs are freed after a grace period (call_rcu). Code
 * memory is reclaimed only by the full flush, which runs in an exclusive
 * section (no CPU runs generated code or holds a TB but the flusher).
 */
#include "jit/engine.h"

#include <assert.h>
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>

#include "jit/disas.h"
#include "jit/fatal.h"
#include "jit/opt.h"
#include "jit/tsan.h"

/* ---------------------------------------------------------------------- */
/* Jump cache: per CPU, written by its owner and by invalidators (atomic   */
/* compare-exchange to NULL), read by the owner.                           */

#define JMP_CACHE_BITS 12
#define JMP_CACHE_SIZE (1u << JMP_CACHE_BITS)

typedef struct JitJumpCache {
    _Atomic(TbEntry *) tb[JMP_CACHE_SIZE];
} JitJumpCache;

static inline unsigned jmp_cache_hash(uint64_t pc)
{
    return (unsigned)((pc ^ (pc >> JMP_CACHE_BITS)) & (JMP_CACHE_SIZE - 1));
}

/* Inline jump-cache probe; see engine.h. */
void jit_gen_goto_indirect(IrContext *ctx, IrTempIdx pc, uint64_t cs_base, uint32_t flags)
{
    uint32_t slow = ir_label_new(ctx);
    /* Values used after a branch must be TB temps. */
    IrTempIdx target = ir_temp_new_tb(ctx, IR_I64), tb = ir_temp_new_tb(ctx, IR_I64);
    IrTempIdx cache = ir_temp_new(ctx, IR_I64), h = ir_temp_new(ctx, IR_I64);
    IrTempIdx slot = ir_temp_new(ctx, IR_I64);

    ir_gen_mov(ctx, IR_I64, target, pc);
    ir_gen_ld(ctx, IR_I64, cache, ctx->env, offsetof(JitCpu, jmp_cache), IR_MO_64);
    /* h = jmp_cache_hash(pc) * sizeof(TbEntry *) */
    ir_gen_op2(ctx, IR_OP_shr, IR_I64, h, target, ir_const_i64(ctx, JMP_CACHE_BITS));
    ir_gen_op2(ctx, IR_OP_xor, IR_I64, h, h, target);
    ir_gen_op2(ctx, IR_OP_and, IR_I64, h, h, ir_const_i64(ctx, JMP_CACHE_SIZE - 1));
    ir_gen_op2(ctx, IR_OP_shl, IR_I64, h, h, ir_const_i64(ctx, 3));
    ir_gen_op2(ctx, IR_OP_add, IR_I64, slot, cache, h);
    ir_gen_ld(ctx, IR_I64, tb, slot, 0, IR_MO_64);
    ir_gen_brcond(ctx, IR_I64, IR_COND_EQ, tb, ir_const_i64(ctx, 0), slow);

    IrTempIdx v = ir_temp_new(ctx, IR_I64);
    ir_gen_ld(ctx, IR_I64, v, tb, offsetof(TbEntry, pc), IR_MO_64);
    ir_gen_brcond(ctx, IR_I64, IR_COND_NE, v, target, slow);
    v = ir_temp_new(ctx, IR_I64);
    ir_gen_ld(ctx, IR_I64, v, tb, offsetof(TbEntry, cs_base), IR_MO_64);
    ir_gen_brcond(ctx, IR_I64, IR_COND_NE, v, ir_const_i64(ctx, cs_base), slow);
    v = ir_temp_new(ctx, IR_I64);
    ir_gen_ld(ctx, IR_I64, v, tb, offsetof(TbEntry, flags), IR_MO_32);
    ir_gen_brcond(ctx, IR_I64, IR_COND_NE, v, ir_const_i64(ctx, flags), slow);
    v = ir_temp_new(ctx, IR_I64);
    _Static_assert(sizeof(atomic_bool) == 1, "TbEntry.invalid is read as one byte");
    ir_gen_ld(ctx, IR_I64, v, tb, offsetof(TbEntry, invalid), IR_MO_8);
    ir_gen_brcond(ctx, IR_I64, IR_COND_NE, v, ir_const_i64(ctx, 0), slow);
    v = ir_temp_new(ctx, IR_I64);
    ir_gen_ld(ctx, IR_I64, v, tb, offsetof(TbEntry, code_rx), IR_MO_64);
    ir_emit(ctx, IR_OP_goto_ptr, IR_I64, 0, 1, (IrArg[]){ v });

    ir_gen_set_label(ctx, slow);
    IrTempIdx code = ir_temp_new(ctx, IR_I64);
    ir_emit(ctx, IR_OP_lookup_tb, IR_I64, 1, 0, (IrArg[]){ code });
    ir_emit(ctx, IR_OP_goto_ptr, IR_I64, 0, 1, (IrArg[]){ code });
}

/* ---------------------------------------------------------------------- */
/* Lookup table                                                            */

typedef struct TbKey {
    uint64_t pc, cs_base;
    uint32_t flags;
} TbKey;

static unsigned long tb_hash(uint64_t pc, uint64_t cs_base, uint32_t flags)
{
    /* A full avalanche (murmur3's finalizer): lfht picks buckets by the
     * low bits and orders chains by the bit-reversed hash. */
    uint64_t h = pc ^ (cs_base * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)flags << 56);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return (unsigned long)h;
}

static int tb_match(struct cds_lfht_node *node, const void *key)
{
    TbEntry *tb = caa_container_of(node, TbEntry, node);
    const TbKey *k = key;

    JIT_TSAN_FOUND(tb);
    return tb->pc == k->pc && tb->cs_base == k->cs_base && tb->flags == k->flags;
}

static TbEntry *table_lookup(JitEngine *e, uint64_t pc, uint64_t cs_base, uint32_t flags)
{
    TbKey k = { pc, cs_base, flags };
    struct cds_lfht_iter iter;

    /* lfht operations need the RCU read lock (nesting is allowed). The TB
     * outlives it: TbEntry structs are freed only after a flush's grace
     * period, and callers that keep TBs across exits hold the lock. */
    rcu_read_lock();
    cds_lfht_lookup(e->table, tb_hash(pc, cs_base, flags), tb_match, &k, &iter);
    struct cds_lfht_node *node = cds_lfht_iter_get_node(&iter);
    JIT_TSAN_READER_DONE();
    rcu_read_unlock();
    if (!node) {
        return NULL;
    }
    TbEntry *tb = caa_container_of(node, TbEntry, node);
    JIT_TSAN_FOUND(tb);
    return tb;
}

/* ---------------------------------------------------------------------- */
/* Engine                                                                  */

JitEngine *jit_engine_new(JitBackend *be, const JitTranslator *tr, size_t code_size,
                          JitWxMode wx)
{
    JitEngine *e = g_new0(JitEngine, 1);

    e->backend = be;
    e->tr = tr;
    e->log = stderr;
    e->start_ns = jit_clock_ns();
    pthread_cond_init(&e->exclusive_cond, NULL);
    pthread_cond_init(&e->exclusive_resume, NULL);
    jit_mutex_lock(&jit_cpu_list_lock);
    e->cpus = g_ptr_array_new();
    jit_mutex_unlock(&jit_cpu_list_lock);
    jit_mutex_lock(&jit_tb_lock);
    e->code = jit_codebuf_new(code_size, wx);
    if (!e->code) {
        ferry_die("cannot map a %zu-byte code buffer: %s", code_size, g_strerror(errno));
    }
    e->ctx = ir_context_new();
    tr->init_context(e->ctx);
    /* Sized for a large program from the start: resizing runs in a call_rcu
     * worker and lags behind a burst of translations (long chains meanwhile). */
    e->table = cds_lfht_new(1 << 16, 1 << 16, 0, CDS_LFHT_AUTO_RESIZE | CDS_LFHT_ACCOUNTING, NULL);
    e->pages = g_hash_table_new(g_direct_hash, g_direct_equal);
    /* Every TB starts 16-byte aligned, so this many entries always suffice. */
    e->by_code_cap = e->code->size / 16;
    e->by_code = mmap(NULL, e->by_code_cap * sizeof(TbEntry *), PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (e->by_code == MAP_FAILED) {
        ferry_die("cannot map the host-pc index");
    }

    JitCodeGen cg = { .rw = e->code->rw, .rx = (uintptr_t)e->code->rx,
                      .cap = e->code->size };
    if (be->gen_prologue(&cg) != JIT_OK) {
        ferry_die("backend %s: cannot emit its prologue", be->name);
    }
    be->prologue = e->code->rx;
    jit_codebuf_alloc(e->code, cg.size, 16);
    jit_codebuf_sync(e->code, (uintptr_t)e->code->rx, cg.size);
    e->prologue_size = (uint32_t)e->code->used;
    jit_mutex_unlock(&jit_tb_lock);
    return e;
}

static void tb_free(TbEntry *tb)
{
    g_free(tb->insn_data);
    g_free(tb);
}

static void tb_free_rcu(struct rcu_head *head)
{
    JIT_TSAN_GP_DONE();
    tb_free(caa_container_of(head, TbEntry, rcu));
}

void jit_engine_free(JitEngine *e)
{
    if (!e) {
        return;
    }
    jit_tb_flush(e);
    rcu_barrier();
    cds_lfht_destroy(e->table, NULL);
    jit_mutex_lock(&jit_tb_lock);
    g_hash_table_destroy(e->pages);
    munmap(e->by_code, e->by_code_cap * sizeof(TbEntry *));
    ir_context_free(e->ctx);
    jit_codebuf_free(e->code);
    jit_mutex_unlock(&jit_tb_lock);
    jit_mutex_lock(&jit_cpu_list_lock);
    g_ptr_array_free(e->cpus, true);
    jit_mutex_unlock(&jit_cpu_list_lock);
    pthread_cond_destroy(&e->exclusive_cond);
    pthread_cond_destroy(&e->exclusive_resume);
    g_free(e);
}

void jit_cpu_register(JitEngine *e, JitCpu *cpu)
{
    cpu->engine = e;
    cpu->exception = -1;
    cpu->jmp_cache = g_new0(JitJumpCache, 1);
    jit_mutex_lock(&jit_cpu_list_lock);
    g_ptr_array_add(e->cpus, cpu);
    jit_mutex_unlock(&jit_cpu_list_lock);
}

void jit_cpu_unregister(JitEngine *e, JitCpu *cpu)
{
    jit_mutex_lock(&jit_cpu_list_lock);
    g_ptr_array_remove(e->cpus, cpu);
    jit_stats_add(&e->cpus_gone, &cpu->stats);
    jit_mutex_unlock(&jit_cpu_list_lock);
    /* Invalidators and flushes touch registered CPUs' caches only, under
     * jit_cpu_list_lock: none can see this one any more. (No grace period
     * here: it would wait for every CPU still inside jit_cpu_exec, which
     * need never return.) */
    g_free(cpu->jmp_cache);
    cpu->jmp_cache = NULL;
}

/* ---------------------------------------------------------------------- */
/* insn_start data: per instruction, sleb128 deltas of the two words and   */
/* a uleb128 delta of the host offset where its code ends.                 */

/* Longest leb128 of a 64-bit value. */
#define LEB_MAX 10

static uint8_t *put_uleb(uint8_t *p, uint64_t v)
{
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        if (v) {
            b |= 0x80;
        }
        *p++ = b;
    } while (v);
    return p;
}

static uint8_t *put_sleb(uint8_t *p, int64_t v)
{
    bool more;
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        more = !((v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40)));
        if (more) {
            b |= 0x80;
        }
        *p++ = b;
    } while (more);
    return p;
}

static uint64_t get_leb(const uint8_t **p, bool is_signed)
{
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t b;

    do {
        b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
    } while (b & 0x80);
    if (is_signed && shift < 64 && (b & 0x40)) {
        v |= ~(uint64_t)0 << shift;
    }
    return v;
}

static void encode_insn_data(TbEntry *tb, const JitCodeGen *cg)
{
    /* Encoded on the stack, then copied once: growing a GByteArray a byte
     * at a time cost 2.6% of translation time. */
    uint8_t buf[JIT_MAX_INSNS * 3 * LEB_MAX], *p = buf;
    uint64_t prev[2] = { tb->pc, 0 };
    uint32_t prev_end = 0;

    for (unsigned i = 0; i < cg->nb_insns; i++) {
        p = put_sleb(p, (int64_t)(cg->insn_data[i][0] - prev[0]));
        p = put_sleb(p, (int64_t)(cg->insn_data[i][1] - prev[1]));
        p = put_uleb(p, cg->insn_end[i] - prev_end);
        prev[0] = cg->insn_data[i][0];
        prev[1] = cg->insn_data[i][1];
        prev_end = cg->insn_end[i];
    }
    tb->nb_insns = cg->nb_insns;
    tb->insn_data_size = (uint32_t)(p - buf);
    tb->insn_data = g_memdup2(buf, (gsize)(p - buf));
}

bool jit_restore_state_from(JitEngine *e, JitCpu *cpu, uintptr_t host_pc)
{
    TbEntry *tb = jit_tb_find_by_host_pc(e, host_pc);
    if (!tb) {
        return false;
    }
    /* host_pc points just past the instruction that faulted or called
     * (a return address), so it belongs to insn i when it is <= end[i]. */
    uint64_t off = host_pc - tb->code_rx;
    const uint8_t *p = tb->insn_data;
    uint64_t data[2] = { tb->pc, 0 };
    uint64_t end = 0;

    for (unsigned i = 0; i < tb->nb_insns; i++) {
        data[0] += get_leb(&p, true);
        data[1] += get_leb(&p, true);
        end += get_leb(&p, false);
        if (off <= end) {
            e->tr->restore_state(cpu, tb, data);
            return true;
        }
    }
    return false;
}

void jit_tb_restore_entry(JitEngine *e, JitCpu *cpu, const TbEntry *tb)
{
    uint64_t data[2] = { tb->pc, 0 };
    if (tb->nb_insns > 0) {         /* the first instruction's data */
        const uint8_t *p = tb->insn_data;
        data[0] += get_leb(&p, true);
        data[1] += get_leb(&p, true);
    }
    e->tr->restore_state(cpu, tb, data);
}

void jit_restore_state(JitCpu *cpu, uintptr_t host_pc)
{
    if (host_pc && !jit_restore_state_from(cpu->engine, cpu, host_pc)) {
        ferry_die("restore from host pc %#lx outside generated code", (unsigned long)host_pc);
    }
}

TbEntry *jit_tb_find_by_host_pc(JitEngine *e, uintptr_t host_pc)
{
    size_t lo = 0, hi = atomic_load_explicit(&e->nb_by_code, memory_order_acquire);

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        TbEntry *tb = e->by_code[mid];
        if (host_pc < tb->code_rx) {
            hi = mid;
        } else if (host_pc > tb->code_rx + tb->code_size) {
            lo = mid + 1;
        } else {
            return tb;   /* code_rx <= host_pc <= end (a return address may equal end) */
        }
    }
    return NULL;
}

/* ---------------------------------------------------------------------- */
/* Guest page lists (jit_tb_lock)                                            */

static gpointer page_key(uint64_t page)
{
    return (gpointer)(uintptr_t)(page >> JIT_PAGE_BITS);
}

static void page_list_add(JitEngine *e, TbEntry *tb) REQUIRES(jit_tb_lock)
{
    for (int i = 0; i < 2; i++) {
        if (tb->page[i] == TB_NO_PAGE) {
            continue;
        }
        TbEntry *head = g_hash_table_lookup(e->pages, page_key(tb->page[i]));
        tb->page_next[i] = head;
        g_hash_table_insert(e->pages, page_key(tb->page[i]), tb);
    }
}

static void page_list_remove(JitEngine *e, TbEntry *tb) REQUIRES(jit_tb_lock)
{
    for (int i = 0; i < 2; i++) {
        if (tb->page[i] == TB_NO_PAGE) {
            continue;
        }
        TbEntry *head = g_hash_table_lookup(e->pages, page_key(tb->page[i]));
        TbEntry **link = &head;
        while (*link != tb) {
            TbEntry *cur = *link;
            link = &cur->page_next[cur->page[0] == tb->page[i] ? 0 : 1];
        }
        *link = tb->page_next[i];
        if (head) {
            g_hash_table_insert(e->pages, page_key(tb->page[i]), head);
        } else {
            g_hash_table_remove(e->pages, page_key(tb->page[i]));
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Chaining (jit_tb_lock)                                                  */

static void patch_slot(JitEngine *e, TbEntry *src, int n, uintptr_t target)
    REQUIRES(jit_tb_lock)
{
    e->backend->patch_jump(src->code_rx + src->jmp_insn[n], src->code_rw + src->jmp_insn[n],
                           target);
}

static void chain_locked(JitEngine *e, TbEntry *src, int n, TbEntry *dst)
    REQUIRES(jit_tb_lock)
{
    if (src->jmp_insn[n] == TB_NO_JUMP || src->jmp_dest[n] ||
        atomic_load(&src->invalid) || atomic_load(&dst->invalid)) {
        return;
    }
    src->jmp_dest[n] = dst;
    src->jmp_next[n] = dst->jmp_in;
    dst->jmp_in = (uintptr_t)src | n;
    patch_slot(e, src, n, dst->code_rx);
    atomic_fetch_add_explicit(&e->stats.chains, 1, memory_order_relaxed);
}

/* Remove the edge (src,n) from its destination's incoming list and point
 * the jump back at its unchained exit. */
static void unchain_locked(JitEngine *e, TbEntry *src, int n) REQUIRES(jit_tb_lock)
{
    TbEntry *dst = src->jmp_dest[n];
    uintptr_t *link = &dst->jmp_in;

    while (*link != ((uintptr_t)src | n)) {
        TbEntry *t = (TbEntry *)(*link & ~(uintptr_t)1);
        link = &t->jmp_next[*link & 1];
    }
    *link = src->jmp_next[n];
    src->jmp_dest[n] = NULL;
    patch_slot(e, src, n, src->code_rx + src->jmp_reset[n]);
}

/* ---------------------------------------------------------------------- */
/* Translation (jit_tb_lock)                                               */

static void log_ir(JitEngine *e, unsigned what, const char *title, const TbEntry *tb)
    REQUIRES(jit_tb_lock)
{
    if (e->log_mask & what) {
        fprintf(e->log, "%s %#" PRIx64 ":\n", title, tb->pc);
        ir_print(e->ctx, e->log);
        fputc('\n', e->log);
    }
}

/*
 * Generate code for tb into the buffer. When it does not fit, ask for a
 * flush and return JIT_ERR_BUF_FULL: other CPUs may be running the code
 * (or start to: a CPU may register at any time), so the flush waits for
 * the exec loop's next safe point and runs in an exclusive section there,
 * even when this CPU is alone (then that costs two lock round trips).
 */
static JitError gen_code_locked(JitEngine *e, JitCpu *cpu, TbEntry *tb, JitCodeGen *cg)
    REQUIRES(jit_tb_lock)
{
    size_t start = (e->code->used + 15) & ~(size_t)15;

    if (start < e->code->size) {
        /* Only the inputs and size: gen_code resets its other outputs
         * (nb_insns, goto_tb_used), and clearing the 10 KiB per-insn
         * arrays for every TB cost 2.5% of translation time. */
        cg->rw = e->code->rw + start;
        cg->rx = (uintptr_t)e->code->rx + start;
        cg->cap = e->code->size - start;
        cg->user_mode = cpu->mem_mode == JIT_MEM_USER;
        cg->size = 0;
        JitError err = e->backend->gen_code(e->ctx, cg);
        if (err != JIT_ERR_BUF_FULL) {
            return err;
        }
        if (start == e->prologue_size) {
            return JIT_ERR_TOO_LARGE;   /* the buffer was already empty */
        }
    }
    atomic_store(&e->flush_pending, true);
    return JIT_ERR_BUF_FULL;
}

static TbEntry *translate_locked(JitEngine *e, JitCpu *cpu, uint64_t pc, uint64_t cs_base,
                                 uint32_t flags) REQUIRES(jit_tb_lock)
{
    TbEntry *tb = g_new0(TbEntry, 1);
    JitCodeGen cg;

    tb->pc = pc;
    tb->cs_base = cs_base;
    tb->flags = flags;
    tb->page[0] = tb->page[1] = TB_NO_PAGE;

    ir_reset(e->ctx);
    if (e->tr->translate(cpu, tb, e->ctx) < 0) {
        g_free(tb);
        return NULL;
    }
    log_ir(e, JIT_LOG_OP, "IR", tb);
    opt_run(e->ctx);
    log_ir(e, JIT_LOG_OP_OPT, "IR after optimization", tb);

    JitError err = gen_code_locked(e, cpu, tb, &cg);
    if (err == JIT_ERR_BUF_FULL) {
        g_free(tb);
        return NULL;                /* flush pending; cpu->exception stays -1 */
    }
    if (err != JIT_OK) {
        ferry_die("cannot generate code for the TB at %#" PRIx64 " (error %d)", pc, err);
    }
    uint8_t *rw = jit_codebuf_alloc(e->code, cg.size, 16);
    assert(rw == cg.rw);
    tb->code_rw = rw;
    tb->code_rx = cg.rx;
    tb->code_size = (uint32_t)cg.size;
    for (int n = 0; n < 2; n++) {
        tb->jmp_insn[n] = cg.goto_tb_used[n] ? cg.goto_tb_jmp[n] : TB_NO_JUMP;
        tb->jmp_reset[n] = cg.goto_tb_used[n] ? cg.goto_tb_reset[n] : 0;
    }
    encode_insn_data(tb, &cg);
    jit_codebuf_sync(e->code, tb->code_rx, tb->code_size);
    if (e->log_mask & JIT_LOG_OUT_ASM) {
        fprintf(e->log, "OUT %#" PRIx64 ": %u bytes\n", pc, tb->code_size);
        jit_disas_host(e->log, e->backend, tb->code_rw, tb->code_size, tb->code_rx);
        fputc('\n', e->log);
    }

    atomic_fetch_add_explicit(&e->stats.tbs_translated, 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&e->stats.ir_ops, e->ctx->nb_live_ops, memory_order_relaxed);
    atomic_fetch_add_explicit(&e->stats.host_bytes, cg.size, memory_order_relaxed);
    atomic_fetch_add_explicit(&e->stats.guest_insns, tb->nb_insns, memory_order_relaxed);

    /* Publish: host-pc index first (signal handlers), then the table. */
    size_t n = atomic_load_explicit(&e->nb_by_code, memory_order_relaxed);
    assert(n < e->by_code_cap);
    e->by_code[n] = tb;
    atomic_store_explicit(&e->nb_by_code, n + 1, memory_order_release);
    page_list_add(e, tb);
    JIT_TSAN_PUBLISH(tb);
    rcu_read_lock();
    cds_lfht_add(e->table, tb_hash(pc, cs_base, flags), &tb->node);
    rcu_read_unlock();
    atomic_fetch_add_explicit(&e->nb_table_adds, 1, memory_order_release);
    return tb;
}

TbEntry *jit_tb_lookup_or_translate(JitEngine *e, JitCpu *cpu, uint64_t pc, uint64_t cs_base,
                                    uint32_t flags)
{
    uint64_t adds = atomic_load_explicit(&e->nb_table_adds, memory_order_acquire);
    TbEntry *tb = table_lookup(e, pc, cs_base, flags);
    if (tb) {
        return tb;
    }
    jit_mutex_lock(&jit_tb_lock);
    /* Another thread may have translated it while we waited: look again
     * unless nothing was added since before the first lookup (a miss
     * lookup is 3% of translation time). */
    if (atomic_load_explicit(&e->nb_table_adds, memory_order_relaxed) != adds) {
        tb = table_lookup(e, pc, cs_base, flags);
    }
    if (!tb) {
        uint64_t t0 = jit_clock_ns();
        tb = translate_locked(e, cpu, pc, cs_base, flags);
        atomic_fetch_add_explicit(&e->stats.translate_ns, jit_clock_ns() - t0,
                                  memory_order_relaxed);
    }
    jit_mutex_unlock(&jit_tb_lock);
    return tb;
}

/* Exec-loop side: jump cache first, then the shared table. */
TbEntry *jit_tb_find(JitEngine *e, JitCpu *cpu, uint64_t pc, uint64_t cs_base,
                     uint32_t flags, bool translate)
{
    _Atomic(TbEntry *) *slot = &cpu->jmp_cache->tb[jmp_cache_hash(pc)];
    TbEntry *tb = atomic_load_explicit(slot, memory_order_acquire);

    if (tb && tb->pc == pc && tb->cs_base == cs_base && tb->flags == flags &&
        !atomic_load_explicit(&tb->invalid, memory_order_relaxed)) {
        jit_stat_inc(&cpu->stats.jc_hits);
        return tb;
    }
    atomic_fetch_add_explicit(&e->stats.lookups, 1, memory_order_relaxed);
    tb = translate ? jit_tb_lookup_or_translate(e, cpu, pc, cs_base, flags)
                   : table_lookup(e, pc, cs_base, flags);
    if (tb) {
        atomic_store_explicit(slot, tb, memory_order_release);
    }
    return tb;
}

void jit_tb_chain(JitEngine *e, TbEntry *src, int n, TbEntry *dst)
{
    jit_mutex_lock(&jit_tb_lock);
    chain_locked(e, src, n, dst);
    jit_mutex_unlock(&jit_tb_lock);
}

/* ---------------------------------------------------------------------- */
/* Invalidation and flush                                                  */

static void jmp_cache_forget(JitEngine *e, TbEntry *tb) EXCLUDES(jit_cpu_list_lock)
{
    jit_mutex_lock(&jit_cpu_list_lock);
    for (guint i = 0; i < e->cpus->len; i++) {
        JitCpu *cpu = g_ptr_array_index(e->cpus, i);
        TbEntry *expected = tb;
        atomic_compare_exchange_strong(&cpu->jmp_cache->tb[jmp_cache_hash(tb->pc)],
                                       &expected, NULL);
    }
    jit_mutex_unlock(&jit_cpu_list_lock);
}

static void invalidate_locked(JitEngine *e, TbEntry *tb) REQUIRES(jit_tb_lock)
{
    atomic_store(&tb->invalid, true);
    rcu_read_lock();
    cds_lfht_del(e->table, &tb->node);
    rcu_read_unlock();
    page_list_remove(e, tb);
    jmp_cache_forget(e, tb);
    for (int n = 0; n < 2; n++) {
        if (tb->jmp_dest[n]) {
            unchain_locked(e, tb, n);
        }
    }
    while (tb->jmp_in) {
        TbEntry *src = (TbEntry *)(tb->jmp_in & ~(uintptr_t)1);
        unchain_locked(e, src, (int)(tb->jmp_in & 1));
    }
    /* The host-pc index keeps it until the flush: code may still be running
     * and faulting in it. It is freed then, or never if a flush does not
     * come (bounded by the code buffer size). */
}

void jit_tb_invalidate_range(JitEngine *e, uint64_t start, uint64_t end)
{
    jit_mutex_lock(&jit_tb_lock);
    for (uint64_t page = start & JIT_PAGE_MASK; page < end; page += JIT_PAGE_SIZE) {
        TbEntry *tb;
        while ((tb = g_hash_table_lookup(e->pages, page_key(page))) != NULL) {
            invalidate_locked(e, tb);
        }
        if (page + JIT_PAGE_SIZE < page) {
            break;   /* wrapped at the top of the address space */
        }
    }
    jit_mutex_unlock(&jit_tb_lock);
}

/* Requires, besides jit_tb_lock, that no other CPU runs generated code or
 * reads its jump cache: an exclusive section. */
static void flush_locked(JitEngine *e) REQUIRES(jit_tb_lock)
{
    size_t n = atomic_load(&e->nb_by_code);

    rcu_read_lock();
    for (size_t i = 0; i < n; i++) {
        TbEntry *tb = e->by_code[i];
        if (!atomic_load(&tb->invalid)) {
            atomic_store(&tb->invalid, true);
            cds_lfht_del(e->table, &tb->node);
        }
    }
    rcu_read_unlock();
    jit_mutex_lock(&jit_cpu_list_lock);
    for (guint i = 0; i < e->cpus->len; i++) {
        JitCpu *cpu = g_ptr_array_index(e->cpus, i);
        for (unsigned j = 0; j < JMP_CACHE_SIZE; j++) {
            atomic_store_explicit(&cpu->jmp_cache->tb[j], NULL, memory_order_relaxed);
        }
    }
    jit_mutex_unlock(&jit_cpu_list_lock);
    g_hash_table_remove_all(e->pages);
    atomic_store_explicit(&e->nb_by_code, 0, memory_order_release);
    JIT_TSAN_READER_DONE();
    for (size_t i = 0; i < n; i++) {
        call_rcu(&e->by_code[i]->rcu, tb_free_rcu);
    }
    atomic_store(&e->flush_pending, false);
    e->code->used = e->prologue_size;
    atomic_fetch_add_explicit(&e->stats.flushes, 1, memory_order_relaxed);
}

void jit_tb_flush_exclusive(JitEngine *e)
{
    jit_mutex_lock(&jit_tb_lock);
    flush_locked(e);
    jit_mutex_unlock(&jit_tb_lock);
}

void jit_tb_flush(JitEngine *e)
{
    jit_exclusive_start(e, NULL);
    jit_tb_flush_exclusive(e);
    jit_exclusive_end(e, NULL);
}

void jit_engine_set_parallel(JitEngine *e, bool on)
{
    if (atomic_exchange(&e->parallel, on) != on) {
        jit_tb_flush(e);
    }
}
