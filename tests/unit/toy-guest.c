/*
 * toy-guest.c — a toy guest for driving the JIT engine in tests: its "code"
 * is a table of IR blocks keyed by pc, each ending in a jump, a conditional
 * branch, an indirect jump or an exit; softmmu RAM of a few pages. Shared
 * by test-engine.c and test-engine-threads.c.
 */
#include "tests/unit/toy-guest.h"

#include <check.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "jit/softmmu.h"

/* ---------------------------------------------------------------------- */
/* The toy guest                                                           */

/* A block: body in IR text, then a terminator. BR_LTU: r0 <u r1 ? t0 : t1. */
typedef struct ToyBlock {
    uint64_t pc;
    const char *body;
    ToyEnd end;
    uint64_t t0, t1;
} ToyBlock;

#define MAX_BLOCKS 512
static ToyBlock blocks[MAX_BLOCKS];
static unsigned nb_blocks;
static pthread_mutex_t blocks_lock = PTHREAD_MUTEX_INITIALIZER;

void toy_set_block(uint64_t pc, const char *body, ToyEnd end, uint64_t t0, uint64_t t1)
{
    pthread_mutex_lock(&blocks_lock);
    unsigned i;
    for (i = 0; i < nb_blocks && blocks[i].pc != pc; i++) {
    }
    if (i == nb_blocks) {
        ck_assert_uint_lt(nb_blocks, MAX_BLOCKS);
        nb_blocks++;
    }
    blocks[i] = (ToyBlock){ pc, body, end, t0, t1 };
    pthread_mutex_unlock(&blocks_lock);
}

static IrTempIdx g_pc;

static void toy_init_context(IrContext *ctx)
{
    g_pc = ir_global_new(ctx, IR_I64, offsetof(ToyCpu, pc), "pc");
    for (int i = 0; i < 4; i++) {
        char name[4];
        snprintf(name, sizeof(name), "r%d", i);
        ir_global_new(ctx, IR_I64, (int32_t)offsetof(ToyCpu, r[i]), name);
    }
}

static void toy_get_tb_key(JitCpu *cpu, uint64_t *pc, uint64_t *cs_base, uint32_t *flags)
{
    *pc = ((ToyCpu *)cpu)->pc;
    *cs_base = 0;
    *flags = 0;
}

static void toy_restore_state(JitCpu *cpu, const TbEntry *tb, const uint64_t data[2])
{
    (void)tb;
    ((ToyCpu *)cpu)->pc = data[0];
}

static void gen_jump(IrContext *ctx, TbEntry *tb, unsigned slot, uint64_t target)
{
    ir_gen_goto_tb(ctx, slot);
    ir_gen_movi(ctx, IR_I64, g_pc, target);
    ir_gen_exit_tb(ctx, (uintptr_t)tb | slot);
}

static int toy_translate(JitCpu *cpu, TbEntry *tb, IrContext *ctx)
{
    ToyBlock b;
    bool found = false;

    pthread_mutex_lock(&blocks_lock);
    for (unsigned i = 0; i < nb_blocks; i++) {
        if (blocks[i].pc == tb->pc) {
            b = blocks[i];
            found = true;
        }
    }
    pthread_mutex_unlock(&blocks_lock);
    if (!found) {
        cpu->exception = 99;
        return -1;
    }
    tb->page[0] = tb->pc & JIT_PAGE_MASK;
    tb->guest_size = 4;

    uint32_t exit_label = ir_label_new(ctx);
    IrTempIdx req = ir_temp_new(ctx, IR_I32);
    ir_gen_ld(ctx, IR_I32, req, ctx->env, offsetof(JitCpu, exit_request), IR_MO_32);
    ir_gen_brcond(ctx, IR_I32, IR_COND_NE, req, ir_const_i32(ctx, 0), exit_label);

    IrParseError err;
    if (!ir_parse(ctx, b.body, &err)) {
        ck_abort_msg("toy block %#llx: %u:%u: %s", (unsigned long long)b.pc, err.line, err.col,
                     err.msg);
    }
    IrTempIdx r0, r1;
    ir_global_find(ctx, "r0", &r0);
    ir_global_find(ctx, "r1", &r1);
    switch (b.end) {
    case END_JMP:
        gen_jump(ctx, tb, 0, b.t0);
        break;
    case END_BR_LTU: {
        uint32_t l = ir_label_new(ctx);
        ir_gen_brcond(ctx, IR_I64, IR_COND_LTU, r0, r1, l);
        gen_jump(ctx, tb, 0, b.t1);
        ir_gen_set_label(ctx, l);
        gen_jump(ctx, tb, 1, b.t0);
        break;
    }
    case END_IND: {
        IrTempIdx code = ir_temp_new(ctx, IR_I64);
        ir_emit(ctx, IR_OP_lookup_tb, IR_I64, 1, 0, (IrArg[]){ code });
        ir_emit(ctx, IR_OP_goto_ptr, IR_I64, 0, 1, (IrArg[]){ code });
        break;
    }
    case END_EXIT:
        ir_gen_st(ctx, IR_I32, ir_const_i32(ctx, (uint32_t)b.t0), ctx->env,
                  offsetof(JitCpu, exception), IR_MO_32);
        ir_gen_exit_tb(ctx, 0);
        break;
    }
    ir_gen_set_label(ctx, exit_label);
    ir_gen_exit_tb(ctx, (uintptr_t)tb | JIT_EXIT_REQUESTED);
    return 0;
}

static const JitTranslator toy_translator = {
    .init_context = toy_init_context,
    .get_tb_key = toy_get_tb_key,
    .translate = toy_translate,
    .restore_state = toy_restore_state,
};

/* ---------------------------------------------------------------------- */
/* Softmmu: TOY_RAM_PAGES pages of RAM at TOY_RAM_BASE; anything else    */
/* raises exception 14 at the faulting instruction.                        */

uint8_t toy_ram[TOY_RAM_PAGES * JIT_PAGE_SIZE] __attribute__((aligned(4096)));
uint64_t toy_code_page;

static void toy_tlb_fill(JitCpu *cpu, uint64_t addr, JitAccess access, unsigned mmu,
                         uintptr_t ra)
{
    uint64_t page = addr & JIT_PAGE_MASK;

    (void)access;
    if (page >= TOY_RAM_BASE && page < TOY_RAM_BASE + TOY_RAM_PAGES * JIT_PAGE_SIZE) {
        unsigned flags = page == toy_code_page ? JIT_TLB_NOTDIRTY : 0;
        jit_tlb_set_page(cpu, page, toy_ram + (page - TOY_RAM_BASE), 7, mmu, flags, 0);
        return;
    }
    cpu->exception = 14;
    cpu->fault_addr = addr;
    jit_cpu_loop_exit_restore(cpu, ra);
}

static const JitMemOps toy_mem_ops = { .tlb_fill = toy_tlb_fill };

/* ---------------------------------------------------------------------- */
/* Backends                                                                */

JitBackend *toy_backend(int i)
{
    static JitBackend *const list[] = {
        &jit_backend_interp,
#ifdef FERRY_TEST_X86_64
        &jit_backend_x86_64,
#endif
#ifdef FERRY_TEST_ARM64
        &jit_backend_arm64,
#endif
#ifdef FERRY_TEST_LOONGARCH64
        &jit_backend_loongarch64,
#endif
    };
    return i < (int)(sizeof(list) / sizeof(list[0])) ? list[i] : NULL;
}

int toy_nb_backends(void)
{
    int n = 0;
    while (toy_backend(n)) {
        n++;
    }
    return n;
}

JitEngine *toy_engine_new(int be, size_t size)
{
    nb_blocks = 0;
    return jit_engine_new(toy_backend(be), &toy_translator, size, JIT_WX_AUTO);
}

void toy_cpu_init(JitEngine *e, ToyCpu *cpu)
{
    memset(cpu, 0, sizeof(*cpu));
    cpu->jit.mem_mode = JIT_MEM_SOFTMMU;
    cpu->jit.mem_ops = &toy_mem_ops;
    jit_tlb_init(&cpu->jit);
    jit_cpu_register(e, &cpu->jit);
}

void toy_cpu_fini(JitEngine *e, ToyCpu *cpu)
{
    jit_cpu_unregister(e, &cpu->jit);
    jit_tlb_free(&cpu->jit);
}
