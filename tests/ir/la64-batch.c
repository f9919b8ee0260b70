/*
 * la64-batch.c — standalone loongarch64 executables for many IR test cases
 * (see la64-batch.h). Code layout: word 0 branches to the startup routine
 * at the end; the prologue follows; then every case's TBs. All branches
 * between them are pc-relative, so the code runs wherever la64_elf_write
 * places it; generation uses a nominal base address.
 */
#include "tests/ir/la64-batch.h"

#include <stdio.h>
#include <string.h>

#include "backend-loongarch/la64-elf.h"
#include "backend-loongarch/la64-enc.h"
#include "backend-loongarch/la64-lower.h"
#include "jit/softmmu.h"

#define NOMINAL_BASE 0x10000000u
#define TB_CAP (256 * 1024)

static uintptr_t word_addr(size_t w) { return NOMINAL_BASE + 4 * w; }

/* The per-case TB table lookup_tb's stand-in reads: right after the
 * 16-byte-rounded TestCpu image. */
#define TABLE_OFF ((sizeof(TestCpu) + 15) & ~(size_t)15)

/*
 * Stand-ins for the C code that generated code calls, emitted into the
 * executable (same contracts as tests/ir/harness.c): the helpers h_add3,
 * h_mix32, h_sum6, h_set_r0, and jit_lookup_tb_ptr (TB number tbsel of
 * the running case from its table, or NULL). Nominal addresses; written
 * by la64_batch_init, read by call_target.
 */
static uintptr_t stub_add3, stub_mix32, stub_sum6, stub_set_r0, stub_lookup;
static uintptr_t stub_ld, stub_st, stub_rmw, stub_cmpxchg, stub_ld128, stub_st128;
static uintptr_t stub_cmpxchg128;

/* Branch at instruction `at` of s to the current position. */
static void land(La64Buf *s, size_t at)
{
    la64_set_branch_offset(&s->start[at], ((int64_t)s->len - (int64_t)at) * 4);
}

/*
 * Subroutines of the softmmu stand-ins, called with BL (ra): t0 = host
 * address, t6 = memop. ld_core: t7 = the value, byte by byte little-endian,
 * then byte-swapped and extended per the memop. st_core: store the low
 * bytes of t7 (swapped per the memop). Both clobber t0..t5 (t3 = 8n).
 */
static size_t emit_ld_core(La64Buf *s)
{
    size_t at = s->len;
    la64_andi(s, LA64_T1, LA64_T6, 7);
    la64_addi_d(s, LA64_T2, LA64_ZERO, 1);
    la64_sll_d(s, LA64_T2, LA64_T2, LA64_T1);          /* n bytes */
    la64_mov(s, LA64_T7, LA64_ZERO);
    la64_mov(s, LA64_T3, LA64_ZERO);
    size_t loop = s->len;
    la64_ld_bu(s, LA64_T4, LA64_T0, 0);
    la64_sll_d(s, LA64_T4, LA64_T4, LA64_T3);
    la64_or(s, LA64_T7, LA64_T7, LA64_T4);
    la64_addi_d(s, LA64_T0, LA64_T0, 1);
    la64_addi_d(s, LA64_T3, LA64_T3, 8);
    la64_addi_d(s, LA64_T2, LA64_T2, -1);
    la64_bnez(s, LA64_T2, ((int64_t)loop - (int64_t)s->len) * 4);
    la64_addi_d(s, LA64_T5, LA64_ZERO, 64);
    la64_sub_d(s, LA64_T5, LA64_T5, LA64_T3);           /* 64 - 8n (0 for n = 8) */
    la64_andi(s, LA64_T4, LA64_T6, IR_MO_BSWAP);
    la64_beqz(s, LA64_T4, 12);
    la64_revb_d(s, LA64_T7, LA64_T7);
    la64_srl_d(s, LA64_T7, LA64_T7, LA64_T5);
    la64_andi(s, LA64_T4, LA64_T6, IR_MO_SIGN);
    la64_beqz(s, LA64_T4, 12);
    la64_sll_d(s, LA64_T7, LA64_T7, LA64_T5);
    la64_sra_d(s, LA64_T7, LA64_T7, LA64_T5);
    la64_jirl(s, LA64_ZERO, LA64_RA, 0);
    return at;
}

static size_t emit_st_core(La64Buf *s)
{
    size_t at = s->len;
    la64_andi(s, LA64_T1, LA64_T6, 7);
    la64_addi_d(s, LA64_T2, LA64_ZERO, 1);
    la64_sll_d(s, LA64_T2, LA64_T2, LA64_T1);
    la64_slli_d(s, LA64_T3, LA64_T2, 3);
    la64_addi_d(s, LA64_T5, LA64_ZERO, 64);
    la64_sub_d(s, LA64_T5, LA64_T5, LA64_T3);
    la64_andi(s, LA64_T4, LA64_T6, IR_MO_BSWAP);
    la64_beqz(s, LA64_T4, 12);
    la64_revb_d(s, LA64_T7, LA64_T7);
    la64_srl_d(s, LA64_T7, LA64_T7, LA64_T5);
    size_t loop = s->len;
    la64_st_b(s, LA64_T7, LA64_T0, 0);
    la64_srli_d(s, LA64_T7, LA64_T7, 8);
    la64_addi_d(s, LA64_T0, LA64_T0, 1);
    la64_addi_d(s, LA64_T2, LA64_T2, -1);
    la64_bnez(s, LA64_T2, ((int64_t)loop - (int64_t)s->len) * 4);
    la64_jirl(s, LA64_ZERO, LA64_RA, 0);
    return at;
}

/* t0 = env->guest_base + a1 (the stand-ins see RAM at guest_base). */
static void host_addr(La64Buf *s)
{
    la64_ld_d(s, LA64_T0, LA64_A0, offsetof(JitCpu, guest_base));
    la64_add_d(s, LA64_T0, LA64_T0, LA64_A1);
}

static void bl_to(La64Buf *s, size_t target)
{
    la64_bl(s, ((int64_t)target - (int64_t)s->len) * 4);
}

/*
 * Softmmu slow-path stand-ins (jit/softmmu.h signatures) for a TLB that
 * maps only RAM: plain accesses at guest_base + addr, any size and
 * alignment; the atomics are not atomic (one thread).
 */
static void emit_soft_stubs(La64Buf *s, size_t at)
{
    size_t ldc = emit_ld_core(s), stc = emit_st_core(s);

    stub_ld = word_addr(at + s->len);             /* (env, addr, oi, ra) */
    la64_mov(s, LA64_T8, LA64_RA);
    host_addr(s);
    la64_mov(s, LA64_T6, LA64_A2);
    bl_to(s, ldc);
    la64_mov(s, LA64_A0, LA64_T7);
    la64_jirl(s, LA64_ZERO, LA64_T8, 0);
    stub_st = word_addr(at + s->len);             /* (env, addr, val, oi, ra) */
    la64_mov(s, LA64_T8, LA64_RA);
    host_addr(s);
    la64_mov(s, LA64_T6, LA64_A3);
    la64_mov(s, LA64_T7, LA64_A2);
    bl_to(s, stc);
    la64_jirl(s, LA64_ZERO, LA64_T8, 0);
    stub_rmw = word_addr(at + s->len);            /* (env, addr, val, op, oi, ra) */
    la64_mov(s, LA64_T8, LA64_RA);
    host_addr(s);
    la64_mov(s, LA64_T6, LA64_A4);
    bl_to(s, ldc);
    la64_mov(s, LA64_A7, LA64_T7);                /* old, the result */
    la64_mov(s, LA64_T7, LA64_A2);                /* XCHG */
    static const struct { unsigned op; int (*fn)(La64Buf *, int, int, int); } ops[] = {
        { JIT_ATOMIC_ADD, la64_add_d }, { JIT_ATOMIC_AND, la64_and },
        { JIT_ATOMIC_OR, la64_or }, { JIT_ATOMIC_XOR, la64_xor },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(ops); i++) {
        la64_addi_d(s, LA64_T1, LA64_ZERO, ops[i].op);
        la64_bne(s, LA64_A3, LA64_T1, 8);
        ops[i].fn(s, LA64_T7, LA64_A7, LA64_A2);
    }
    host_addr(s);
    bl_to(s, stc);
    la64_mov(s, LA64_A0, LA64_A7);
    la64_jirl(s, LA64_ZERO, LA64_T8, 0);
    stub_cmpxchg = word_addr(at + s->len);        /* (env, addr, cmp, new, oi, ra) */
    la64_mov(s, LA64_T8, LA64_RA);
    host_addr(s);
    la64_mov(s, LA64_T6, LA64_A4);
    bl_to(s, ldc);
    la64_mov(s, LA64_A7, LA64_T7);
    /* cmp truncated and extended like old: shift by t5 = 64 - 8n */
    la64_sll_d(s, LA64_A2, LA64_A2, LA64_T5);
    la64_andi(s, LA64_T4, LA64_T6, IR_MO_SIGN);
    la64_srl_d(s, LA64_T1, LA64_A2, LA64_T5);
    la64_sra_d(s, LA64_T2, LA64_A2, LA64_T5);
    la64_masknez(s, LA64_T1, LA64_T1, LA64_T4);
    la64_maskeqz(s, LA64_T2, LA64_T2, LA64_T4);
    la64_or(s, LA64_A2, LA64_T1, LA64_T2);
    size_t ne = s->len;
    la64_bne(s, LA64_A7, LA64_A2, 4);
    host_addr(s);
    la64_mov(s, LA64_T7, LA64_A3);
    bl_to(s, stc);
    land(s, ne);
    la64_mov(s, LA64_A0, LA64_A7);
    la64_jirl(s, LA64_ZERO, LA64_T8, 0);
    /* 128-bit: halves little-endian in the buffer; be swaps the halves too */
    for (int st = 0; st < 2; st++) {
        int buf = st ? LA64_A2 : LA64_A4, oi = st ? LA64_A3 : LA64_A2;
        *(st ? &stub_st128 : &stub_ld128) = word_addr(at + s->len);
        host_addr(s);
        la64_andi(s, LA64_T4, oi, IR_MO_BSWAP);
        for (int h = 0; h < 2; h++) {
            /* memory half h <-> buffer half h, or 1 - h byte-swapped */
            la64_addi_d(s, LA64_T5, LA64_ZERO, 8 * h);
            la64_beqz(s, LA64_T4, 8);
            la64_addi_d(s, LA64_T5, LA64_ZERO, 8 * (1 - h));
            la64_add_d(s, LA64_T5, LA64_T5, buf);
            if (st) {
                la64_ld_d(s, LA64_T1, LA64_T5, 0);
                la64_beqz(s, LA64_T4, 8);
                la64_revb_d(s, LA64_T1, LA64_T1);
                la64_st_d(s, LA64_T1, LA64_T0, 8 * h);
            } else {
                la64_ld_d(s, LA64_T1, LA64_T0, 8 * h);
                la64_beqz(s, LA64_T4, 8);
                la64_revb_d(s, LA64_T1, LA64_T1);
                la64_st_d(s, LA64_T1, LA64_T5, 0);
            }
        }
        la64_jirl(s, LA64_ZERO, LA64_RA, 0);
    }
    /* (env, addr, cmp[2], new[2], oi, ra, old[2]), little-endian, not atomic */
    stub_cmpxchg128 = word_addr(at + s->len);
    host_addr(s);
    la64_ld_d(s, LA64_T1, LA64_T0, 0);
    la64_ld_d(s, LA64_T2, LA64_T0, 8);
    la64_ld_d(s, LA64_T3, LA64_A2, 0);
    la64_ld_d(s, LA64_T4, LA64_A2, 8);
    la64_st_d(s, LA64_T1, LA64_A6, 0);
    la64_st_d(s, LA64_T2, LA64_A6, 8);
    la64_bne(s, LA64_T1, LA64_T3, 7 * 4);
    la64_bne(s, LA64_T2, LA64_T4, 6 * 4);
    la64_ld_d(s, LA64_T1, LA64_A3, 0);
    la64_ld_d(s, LA64_T2, LA64_A3, 8);
    la64_st_d(s, LA64_T1, LA64_T0, 0);
    la64_st_d(s, LA64_T2, LA64_T0, 8);
    la64_nop(s);
    la64_jirl(s, LA64_ZERO, LA64_RA, 0);
}

static void emit_stubs(La64Buf *s, size_t at)
{
    stub_add3 = word_addr(at + s->len);              /* a0 + 2 a1 + 3 a2 */
    la64_alsl_d(s, LA64_A0, LA64_A1, LA64_A0, 1);
    la64_alsl_d(s, LA64_T0, LA64_A2, LA64_A2, 1);
    la64_add_d(s, LA64_A0, LA64_A0, LA64_T0);
    la64_jirl(s, LA64_ZERO, LA64_RA, 0);
    stub_mix32 = word_addr(at + s->len);             /* (u32)(a0 ^ (a1 >> 16)) */
    la64_srli_d(s, LA64_T0, LA64_A1, 16);
    la64_xor(s, LA64_A0, LA64_A0, LA64_T0);
    la64_addi_w(s, LA64_A0, LA64_A0, 0);             /* the ABI's sign-extended u32 */
    la64_jirl(s, LA64_ZERO, LA64_RA, 0);
    stub_sum6 = word_addr(at + s->len);              /* a0 + 2 a1 + ... + 6 a5 */
    for (int i = 1; i < 6; i++) {
        la64_addi_d(s, LA64_T1, LA64_ZERO, i + 1);
        la64_mul_d(s, LA64_T1, LA64_A0 + i, LA64_T1);
        la64_add_d(s, LA64_A0, LA64_A0, LA64_T1);
    }
    la64_jirl(s, LA64_ZERO, LA64_RA, 0);
    stub_set_r0 = word_addr(at + s->len);            /* env->r[0] = a1 */
    la64_st_d(s, LA64_A1, LA64_A0, offsetof(TestCpu, r));
    la64_jirl(s, LA64_ZERO, LA64_RA, 0);
    stub_lookup = word_addr(at + s->len);            /* table: count, entries */
    la64_ld_d(s, LA64_T0, LA64_A0, offsetof(TestCpu, tbsel));
    la64_ld_d(s, LA64_T1, LA64_A0, TABLE_OFF);
    la64_bltu(s, LA64_T0, LA64_T1, 12);
    la64_mov(s, LA64_A0, LA64_ZERO);
    la64_jirl(s, LA64_ZERO, LA64_RA, 0);
    la64_alsl_d(s, LA64_T1, LA64_T0, LA64_A0, 3);
    la64_ld_d(s, LA64_A0, LA64_T1, TABLE_OFF + 8);
    la64_jirl(s, LA64_ZERO, LA64_RA, 0);
    emit_soft_stubs(s, at);
}

static uintptr_t call_target(const char *name, uintptr_t func)
{
    static const struct { const char *name; uintptr_t *addr; } stubs[] = {
        { "jit_lookup_tb_ptr", &stub_lookup }, { "h_add3", &stub_add3 },
        { "h_mix32", &stub_mix32 }, { "h_sum6", &stub_sum6 }, { "h_set_r0", &stub_set_r0 },
        { "jit_ld_helper", &stub_ld }, { "jit_st_helper", &stub_st },
        { "jit_atomic_rmw_helper", &stub_rmw }, { "jit_atomic_cmpxchg_helper", &stub_cmpxchg },
        { "jit_ld128_helper", &stub_ld128 }, { "jit_st128_helper", &stub_st128 },
        { "jit_atomic_cmpxchg128_helper", &stub_cmpxchg128 },
    };
    (void)func;
    for (unsigned i = 0; i < G_N_ELEMENTS(stubs); i++) {
        if (!strcmp(name, stubs[i].name)) {
            return *stubs[i].addr;
        }
    }
    return 0;
}

void la64_batch_init(La64Batch *b)
{
    static uint32_t tmp[1024];
    JitCodeGen cg = { .rw = (uint8_t *)tmp, .rx = word_addr(1), .cap = sizeof(tmp) };
    uint32_t zero = 0;

    b->code = g_array_new(FALSE, FALSE, sizeof(uint32_t));
    b->data = g_byte_array_new();
    b->cases = g_array_new(FALSE, FALSE, sizeof(La64BatchCase));
    b->result = NULL;
    g_array_append_val(b->code, zero);          /* B startup, set by run */
    if (jit_backend_loongarch64.gen_prologue(&cg) != JIT_OK) {
        fprintf(stderr, "la64-batch: prologue generation failed\n");
        abort();
    }
    g_array_append_vals(b->code, tmp, cg.size / 4);
    jit_backend_loongarch64.prologue = (void *)word_addr(1);
    La64Buf s;
    la64_buf_init(&s, tmp, G_N_ELEMENTS(tmp));
    emit_stubs(&s, b->code->len);
    g_assert(s.err == LA64_OK);
    g_array_append_vals(b->code, tmp, s.len);
    la64_call_target_hook = call_target;
}

void la64_batch_free(La64Batch *b)
{
    g_array_free(b->code, TRUE);
    g_byte_array_free(b->data, TRUE);
    g_array_free(b->cases, TRUE);
    if (b->result) {
        g_byte_array_free(b->result, TRUE);
    }
}

static size_t data_append(La64Batch *b, const void *p, size_t len)
{
    static const uint8_t pad[16];
    size_t off = b->data->len;
    if (p) {
        g_byte_array_append(b->data, p, len);
    } else {
        g_byte_array_set_size(b->data, off + len);
        memset(b->data->data + off, 0, len);
    }
    g_byte_array_append(b->data, pad, (16 - len % 16) % 16);
    return off;
}

ThStatus la64_batch_add(La64Batch *b, IrContext *const *tbs, unsigned n,
                        const int chain[][2], const void *env, size_t env_size,
                        const uint8_t *mem, bool softmmu)
{
    static uint8_t buf[TB_CAP];
    size_t start[TH_MAX_TBS];
    JitCodeGen *cg = g_new0(JitCodeGen, TH_MAX_TBS);
    size_t first = b->code->len;
    ThStatus st = TH_RAN;

    for (unsigned t = 0; t < n && st == TH_RAN; t++) {
        start[t] = b->code->len;
        cg[t].rw = buf;
        cg[t].rx = word_addr(start[t]);
        cg[t].cap = sizeof(buf);
        cg[t].user_mode = !softmmu;
        JitError e = jit_backend_loongarch64.gen_code(tbs[t], &cg[t]);
        if (e != JIT_OK) {
            st = e == JIT_ERR_UNSUPPORTED ? TH_UNSUPPORTED : TH_GEN_FAILED;
        } else {
            g_array_append_vals(b->code, buf, cg[t].size / 4);
        }
    }
    for (unsigned t = 0; t < n && st == TH_RAN; t++) {
        for (unsigned s = 0; s < 2; s++) {
            if (chain[t][s] < 0 || !cg[t].goto_tb_used[s]) {
                continue;
            }
            /* through the backend's own patch_jump, as the exec layer chains */
            size_t at = start[t] + cg[t].goto_tb_jmp[s] / 4;
            jit_backend_loongarch64.patch_jump(word_addr(at),
                                               (uint8_t *)&g_array_index(b->code, uint32_t, at),
                                               word_addr(start[chain[t][s]]));
        }
    }
    g_free(cg);
    if (st != TH_RAN) {
        g_array_set_size(b->code, first);
        return st;
    }
    La64BatchCase c = { .entry = first, .env_size = env_size, .nb_tbs = n };
    for (unsigned t = 0; t < n; t++) {
        c.tb[t] = start[t];
    }
    c.env_off = data_append(b, env, env_size);
    c.table_off = data_append(b, NULL, 8 * (1 + TH_MAX_TBS));
    if (softmmu) {
        /* RAM-only TLB: the entries of the 16 RAM pages; the addend (the
         * same for all: memory - TH_MEM_BASE) is set at run time */
        JitTlbEntry tlb[JIT_TLB_SIZE];
        for (unsigned i = 0; i < JIT_TLB_SIZE; i++) {
            uint64_t page = TH_MEM_BASE + (uint64_t)(i - ((TH_MEM_BASE >> JIT_PAGE_BITS) %
                                                          JIT_TLB_SIZE)) * JIT_PAGE_SIZE;
            bool ram = page >= TH_MEM_BASE && page < TH_MEM_BASE + TH_MEM_SIZE &&
                       ((page >> JIT_PAGE_BITS) % JIT_TLB_SIZE) == i;
            uint64_t tag = ram ? page : JIT_TLB_INVALID;
            tlb[i] = (JitTlbEntry){ tag, tag, tag, 0 };
        }
        c.tlb_off = data_append(b, tlb, sizeof(tlb));
    }
    c.ret_off = data_append(b, NULL, 8);
    c.mem_off = data_append(b, mem, TH_MEM_SIZE);
    g_array_append_val(b->cases, c);
    return TH_RAN;
}

/*
 * The startup routine (entered with a0 = data, a1 = rt_write, ra): per case
 * a0 = env, env->guest_base = the case's memory - TH_MEM_BASE, a1 = TB 0,
 * call the prologue, store the returned word; then write the data block.
 */
static void emit_startup(La64Buf *s, const La64Batch *b, size_t at)
{
    la64_addi_d(s, LA64_SP, LA64_SP, -32);
    la64_st_d(s, LA64_RA, LA64_SP, 0);
    la64_st_d(s, LA64_A1, LA64_SP, 8);
    la64_st_d(s, LA64_A0, LA64_SP, 16);
    for (unsigned i = 0; i < b->cases->len; i++) {
        const La64BatchCase *c = &g_array_index(b->cases, La64BatchCase, i);
        la64_ld_d(s, LA64_A0, LA64_SP, 16);
        la64_addi_any(s, LA64_T1, LA64_A0, (int64_t)c->mem_off - TH_MEM_BASE, LA64_T2);
        la64_addi_any(s, LA64_A0, LA64_A0, c->env_off, LA64_T2);
        la64_st_d(s, LA64_T1, LA64_A0, offsetof(JitCpu, guest_base));
        if (c->tlb_off) {
            la64_ld_d(s, LA64_T2, LA64_SP, 16);
            la64_addi_any(s, LA64_T2, LA64_T2, c->tlb_off, LA64_T3);
            for (unsigned m = 0; m < JIT_NB_MMU_MODES; m++) {
                la64_st_d(s, LA64_T2, LA64_A0, offsetof(JitCpu, tlb) + 8 * m);
            }
            unsigned first = (TH_MEM_BASE >> JIT_PAGE_BITS) % JIT_TLB_SIZE;
            for (unsigned p = 0; p < TH_MEM_SIZE / JIT_PAGE_SIZE; p++) {
                la64_addi_any(s, LA64_T3, LA64_T2, (first + p) * sizeof(JitTlbEntry), LA64_T4);
                la64_st_d(s, LA64_T1, LA64_T3, offsetof(JitTlbEntry, addend));
            }
        }
        la64_ld_d(s, LA64_T1, LA64_SP, 16);          /* the TB table */
        la64_addi_any(s, LA64_T1, LA64_T1, c->table_off, LA64_T2);
        la64_addi_d(s, LA64_T3, LA64_ZERO, c->nb_tbs);
        la64_st_d(s, LA64_T3, LA64_T1, 0);
        for (unsigned t = 0; t < c->nb_tbs; t++) {
            la64_pcrel(s, LA64_T3, ((int64_t)c->tb[t] - (int64_t)(at + s->len)) * 4);
            la64_st_d(s, LA64_T3, LA64_T1, 8 + 8 * t);
        }
        la64_pcrel(s, LA64_A1, ((int64_t)c->entry - (int64_t)(at + s->len)) * 4);
        la64_bl(s, (1 - (int64_t)(at + s->len)) * 4);
        la64_ld_d(s, LA64_T1, LA64_SP, 16);
        la64_addi_any(s, LA64_T1, LA64_T1, c->ret_off, LA64_T2);
        la64_st_d(s, LA64_A0, LA64_T1, 0);
    }
    la64_ld_d(s, LA64_A0, LA64_SP, 16);
    la64_movi64(s, LA64_A1, b->data->len);
    la64_ld_d(s, LA64_T2, LA64_SP, 8);
    la64_jirl(s, LA64_RA, LA64_T2, 0);
    la64_ld_d(s, LA64_RA, LA64_SP, 0);
    la64_addi_d(s, LA64_SP, LA64_SP, 32);
    la64_mov(s, LA64_A0, LA64_ZERO);
    la64_jirl(s, LA64_ZERO, LA64_RA, 0);
}

bool la64_batch_run(La64Batch *b, const char *qemu, unsigned timeout_s, char *why, size_t len)
{
    size_t at = b->code->len;
    size_t cap = 64 + 96 * b->cases->len;
    uint32_t *words = g_new(uint32_t, cap);
    La64Buf s;
    La64RunResult res = { 0 };
    bool ok = false;

    la64_buf_init(&s, words, cap);
    emit_startup(&s, b, at);
    if (s.err != LA64_OK) {
        snprintf(why, len, "startup: %s", la64_err_name(s.err));
        g_free(words);
        return false;
    }
    g_array_append_vals(b->code, words, s.len);
    g_free(words);
    La64Buf w0;
    la64_buf_init(&w0, &g_array_index(b->code, uint32_t, 0), 1);
    la64_b(&w0, (int64_t)at * 4);

    int e = la64_elf_run(qemu, b->code->data, b->code->len * 4, b->data->data, b->data->len,
                         timeout_s, &res);
    if (e) {
        snprintf(why, len, "could not run: %s", g_strerror(-e));
    } else if (res.signal || res.exit_code != 0) {
        snprintf(why, len, "program died (exit %d, signal %d)", res.exit_code, res.signal);
    } else if (res.out_len != b->data->len) {
        snprintf(why, len, "short output (%zu of %u bytes)", res.out_len, b->data->len);
    } else {
        b->result = g_byte_array_new();
        g_byte_array_append(b->result, res.out, res.out_len);
        ok = true;
    }
    la64_run_result_clear(&res);
    return ok;
}

void la64_batch_result(const La64Batch *b, unsigned i, void *env, uint8_t *mem,
                       uint64_t *ret)
{
    const La64BatchCase *c = &g_array_index(b->cases, La64BatchCase, i);
    memcpy(env, b->result->data + c->env_off, c->env_size);
    memcpy(mem, b->result->data + c->mem_off, TH_MEM_SIZE);
    memcpy(ret, b->result->data + c->ret_off, 8);
}
