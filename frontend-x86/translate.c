/*
 * translate.c — the x86 translator's driver: registers the guest globals,
 * walks a block instruction by instruction (decode, dispatch to the family
 * handler), ends blocks, and restores guest state from insn_start data.
 */
#include "frontend-x86/translate.h"

#include <assert.h>
#include <glib.h>
#include <stddef.h>
#include <stdio.h>

#include "frontend-x86/cpu-model.h"
#include "jit/disas.h"
#include "jit/fatal.h"

X86Globals x86_g;
X86TrConfig x86_tr_config = { .max_insns = 64, .user_mode = true };

static const char *const reg_names[16] = {
    "rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi",
    "r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
};
static const char *const seg_names[6] = {
    "es_base", "cs_base", "ss_base", "ds_base", "fs_base", "gs_base",
};

/* Register a global and check it got the same index as in other contexts. */
static void global(IrContext *ctx, IrTempIdx *slot, IrType type, size_t off, const char *name)
{
    IrTempIdx t = ir_global_new(ctx, type, (int32_t)off, name);
    assert(*slot == 0 || *slot == t);
    *slot = t;
}

static void x86_init_context(IrContext *ctx)
{
    for (int i = 0; i < 16; i++) {
        global(ctx, &x86_g.regs[i], IR_I64, offsetof(X86Cpu, regs[i]), reg_names[i]);
    }
    global(ctx, &x86_g.rip, IR_I64, offsetof(X86Cpu, rip), "rip");
    global(ctx, &x86_g.cc_dst, IR_I64, offsetof(X86Cpu, cc_dst), "cc_dst");
    global(ctx, &x86_g.cc_src, IR_I64, offsetof(X86Cpu, cc_src), "cc_src");
    global(ctx, &x86_g.cc_src2, IR_I64, offsetof(X86Cpu, cc_src2), "cc_src2");
    global(ctx, &x86_g.cc_op, IR_I32, offsetof(X86Cpu, cc_op), "cc_op");
    global(ctx, &x86_g.df, IR_I32, offsetof(X86Cpu, df), "df");
    for (int i = 0; i < 6; i++) {
        global(ctx, &x86_g.seg_base[i], IR_I64, offsetof(X86Cpu, seg_base[i]), seg_names[i]);
    }
    x86_cc_register_helpers();
    x86_muldiv_register_helpers();
    x86_system_register_helpers();
    x86_shift_register_helpers();
    x86_bmi_register_helpers();
    x86_misc_register_helpers();
    x86_x87_register_helpers();
    x86_sse_register_helpers();
    x86_xsave_register_helpers();
    x86_segment_register_helpers();
    x86_mmx_register_helpers();
}

static X86Mode cpu_mode(const X86Cpu *cpu)
{
    /* linux-user runs 64-bit code only; system mode will derive the mode
     * from CR0/EFER/CS. Kept in the TB flags so a mode switch retranslates. */
    (void)cpu;
    return X86_MODE_64;
}

static void x86_get_tb_key(JitCpu *jc, uint64_t *pc, uint64_t *cs_base, uint32_t *flags)
{
    X86Cpu *cpu = (X86Cpu *)jc;
    *pc = cpu->rip;
    *cs_base = cpu->seg_base[1];
    *flags = cpu_mode(cpu);
}

static void x86_restore_state(JitCpu *jc, const TbEntry *tb, const uint64_t data[2])
{
    X86Cpu *cpu = (X86Cpu *)jc;
    (void)tb;
    cpu->rip = data[0];
}

uint64_t x86_mask_pc(const X86Tr *tr, uint64_t pc)
{
    return tr->mode == X86_MODE_64 ? pc : (uint32_t)pc;
}

/* ---------------------------------------------------------------------- */
/* Block ends                                                              */

void x86_gen_jmp_tb(X86Tr *tr, unsigned slot, uint64_t target)
{
    IrContext *ctx = tr->ctx;
    bool same_page = ((target ^ tr->tb->pc) & JIT_PAGE_MASK) == 0;

    target = x86_mask_pc(tr, target);
    /* Chaining across pages is safe in user mode (invalidation unchains);
     * in system mode the other page's mapping may change under us. */
    if (same_page || x86_tr_config.user_mode) {
        ir_gen_goto_tb(ctx, slot);
        ir_gen_movi(ctx, IR_I64, x86_g.rip, target);
        ir_gen_exit_tb(ctx, (uintptr_t)tr->tb | slot);
    } else {
        ir_gen_movi(ctx, IR_I64, x86_g.rip, target);
        x86_gen_jmp_reg(tr, x86_g.rip);
    }
}

void x86_gen_jmp_reg(X86Tr *tr, IrTempIdx target)
{
    IrContext *ctx = tr->ctx;

    if (target != x86_g.rip) {
        ir_gen_mov(ctx, IR_I64, x86_g.rip, target);
    }
    /* The mode does not change across a near indirect jump: the target's
     * TB key has this TB's cs_base and flags. */
    jit_gen_goto_indirect(ctx, x86_g.rip, tr->tb->cs_base, tr->tb->flags);
}

static void gen_exception_at(X86Tr *tr, int excp, uint64_t rip)
{
    IrContext *ctx = tr->ctx;

    ir_gen_movi(ctx, IR_I64, x86_g.rip, x86_mask_pc(tr, rip));
    ir_gen_st(ctx, IR_I32, ir_const_i32(ctx, (uint32_t)excp), ctx->env,
              offsetof(JitCpu, exception), IR_MO_32);
    ir_gen_exit_tb(ctx, 0);
}

void x86_gen_exception(X86Tr *tr, int excp)
{
    gen_exception_at(tr, excp, tr->pc);
    tr->end = true;
}

void x86_gen_exception_next(X86Tr *tr, int excp)
{
    gen_exception_at(tr, excp, tr->next_pc);
    tr->end = true;
}

/* ---------------------------------------------------------------------- */
/* Dispatch                                                                */

static const X86Handler handlers[X86_OP__COUNT] = {
    [X86_OP_ADD] = x86_tr_alu, [X86_OP_OR] = x86_tr_alu, [X86_OP_ADC] = x86_tr_alu,
    [X86_OP_SBB] = x86_tr_alu, [X86_OP_AND] = x86_tr_alu, [X86_OP_SUB] = x86_tr_alu,
    [X86_OP_XOR] = x86_tr_alu, [X86_OP_CMP] = x86_tr_alu,
    [X86_OP_TEST] = x86_tr_test,
    [X86_OP_INC] = x86_tr_incdec, [X86_OP_DEC] = x86_tr_incdec,
    [X86_OP_NEG] = x86_tr_negnot, [X86_OP_NOT] = x86_tr_negnot,
    [X86_OP_MOV] = x86_tr_mov,
    [X86_OP_MOVZX] = x86_tr_movx, [X86_OP_MOVSX] = x86_tr_movx, [X86_OP_MOVSXD] = x86_tr_movx,
    [X86_OP_LEA] = x86_tr_lea,
    [X86_OP_XCHG] = x86_tr_xchg,
    [X86_OP_CBW] = x86_tr_cbw, [X86_OP_CWD] = x86_tr_cwd,
    [X86_OP_SHL] = x86_tr_shift, [X86_OP_SHR] = x86_tr_shift, [X86_OP_SAR] = x86_tr_shift,
    [X86_OP_ROL] = x86_tr_shift, [X86_OP_ROR] = x86_tr_shift,
    [X86_OP_SHLD] = x86_tr_shiftd, [X86_OP_SHRD] = x86_tr_shiftd,
    [X86_OP_RCL] = x86_tr_rotc, [X86_OP_RCR] = x86_tr_rotc,
    [X86_OP_XADD] = x86_tr_xadd, [X86_OP_CMPXCHG] = x86_tr_cmpxchg,
    [X86_OP_CMPXCHG8B] = x86_tr_cmpxchg8b, [X86_OP_CMPXCHG16B] = x86_tr_cmpxchg8b,
    [X86_OP_MOVS] = x86_tr_string, [X86_OP_STOS] = x86_tr_string,
    [X86_OP_LODS] = x86_tr_string, [X86_OP_CMPS] = x86_tr_string,
    [X86_OP_SCAS] = x86_tr_string,
    [X86_OP_ANDN] = x86_tr_bmi, [X86_OP_BLSI] = x86_tr_bmi, [X86_OP_BLSMSK] = x86_tr_bmi,
    [X86_OP_BLSR] = x86_tr_bmi, [X86_OP_BZHI] = x86_tr_bmi, [X86_OP_BEXTR] = x86_tr_bmi,
    [X86_OP_PDEP] = x86_tr_bmi, [X86_OP_PEXT] = x86_tr_bmi, [X86_OP_MULX] = x86_tr_bmi,
    [X86_OP_SHLX] = x86_tr_bmi, [X86_OP_SHRX] = x86_tr_bmi, [X86_OP_SARX] = x86_tr_bmi,
    [X86_OP_RORX] = x86_tr_bmi,
    [X86_OP_ADCX] = x86_tr_adx, [X86_OP_ADOX] = x86_tr_adx,
    [X86_OP_PUSHF] = x86_tr_pushf, [X86_OP_POPF] = x86_tr_popf,
    [X86_OP_MOVBE] = x86_tr_movbe, [X86_OP_ENTER] = x86_tr_enter, [X86_OP_XLAT] = x86_tr_xlat,
    [X86_OP_LFENCE] = x86_tr_fence, [X86_OP_SFENCE] = x86_tr_fence,
    [X86_OP_MFENCE] = x86_tr_fence, [X86_OP_CLFLUSH] = x86_tr_fence,
    [X86_OP_CLFLUSHOPT] = x86_tr_fence, [X86_OP_CLWB] = x86_tr_fence,
    [X86_OP_MUL] = x86_tr_muldiv, [X86_OP_IMUL] = x86_tr_muldiv,
    [X86_OP_DIV] = x86_tr_muldiv, [X86_OP_IDIV] = x86_tr_muldiv,
    [X86_OP_SETCC] = x86_tr_setcc, [X86_OP_CMOVCC] = x86_tr_cmovcc,
    [X86_OP_BSF] = x86_tr_bitscan, [X86_OP_BSR] = x86_tr_bitscan,
    [X86_OP_TZCNT] = x86_tr_bitscan, [X86_OP_LZCNT] = x86_tr_bitscan,
    [X86_OP_POPCNT] = x86_tr_bitscan,
    [X86_OP_BT] = x86_tr_bt, [X86_OP_BTS] = x86_tr_bt, [X86_OP_BTR] = x86_tr_bt,
    [X86_OP_BTC] = x86_tr_bt,
    [X86_OP_BSWAP] = x86_tr_bswap,
    [X86_OP_CLC] = x86_tr_flagop, [X86_OP_STC] = x86_tr_flagop, [X86_OP_CMC] = x86_tr_flagop,
    [X86_OP_CLD] = x86_tr_flagop, [X86_OP_STD] = x86_tr_flagop,
    [X86_OP_LAHF] = x86_tr_flagop, [X86_OP_SAHF] = x86_tr_flagop,
    [X86_OP_JCC] = x86_tr_jcc, [X86_OP_JMP] = x86_tr_jmp, [X86_OP_CALL] = x86_tr_call,
    [X86_OP_RET] = x86_tr_ret,
    [X86_OP_LOOP] = x86_tr_loop, [X86_OP_LOOPE] = x86_tr_loop, [X86_OP_LOOPNE] = x86_tr_loop,
    [X86_OP_JCXZ] = x86_tr_loop,
    [X86_OP_PUSH] = x86_tr_push, [X86_OP_POP] = x86_tr_pop, [X86_OP_LEAVE] = x86_tr_leave,
    [X86_OP_NOP] = x86_tr_nop, [X86_OP_PAUSE] = x86_tr_nop, [X86_OP_HINT_NOP] = x86_tr_nop,
    [X86_OP_ENDBR64] = x86_tr_nop, [X86_OP_ENDBR32] = x86_tr_nop,
    [X86_OP_PREFETCH] = x86_tr_nop, [X86_OP_PREFETCHW] = x86_tr_nop,
    [X86_OP_PREFETCHNTA] = x86_tr_nop, [X86_OP_PREFETCHT0] = x86_tr_nop,
    [X86_OP_PREFETCHT1] = x86_tr_nop, [X86_OP_PREFETCHT2] = x86_tr_nop,
    [X86_OP_SYSCALL] = x86_tr_system, [X86_OP_HLT] = x86_tr_system,
    [X86_OP_INT3] = x86_tr_system, [X86_OP_UD2] = x86_tr_system,
    [X86_OP_CPUID] = x86_tr_system, [X86_OP_RDTSC] = x86_tr_system,
    [X86_OP_UD0] = x86_tr_system, [X86_OP_UD1] = x86_tr_system,
    [X86_OP_INT1] = x86_tr_priv, [X86_OP_INT] = x86_tr_priv,
    [X86_OP_CLI] = x86_tr_priv, [X86_OP_STI] = x86_tr_priv,
    [X86_OP_IN] = x86_tr_priv, [X86_OP_OUT] = x86_tr_priv,
    [X86_OP_INS] = x86_tr_priv, [X86_OP_OUTS] = x86_tr_priv,
    [X86_OP_LGDT] = x86_tr_priv, [X86_OP_LIDT] = x86_tr_priv, [X86_OP_LLDT] = x86_tr_priv,
    [X86_OP_LTR] = x86_tr_priv, [X86_OP_LMSW] = x86_tr_priv, [X86_OP_CLTS] = x86_tr_priv,
    [X86_OP_INVLPG] = x86_tr_priv, [X86_OP_INVD] = x86_tr_priv, [X86_OP_WBINVD] = x86_tr_priv,
    [X86_OP_RDMSR] = x86_tr_priv, [X86_OP_WRMSR] = x86_tr_priv, [X86_OP_RDPMC] = x86_tr_priv,
    [X86_OP_SWAPGS] = x86_tr_priv, [X86_OP_SYSRET] = x86_tr_priv,
    [X86_OP_SYSEXIT] = x86_tr_priv,
    /* x87 (x87.c) */
    [X86_OP_FADD] = x86_tr_x87, [X86_OP_FMUL] = x86_tr_x87, [X86_OP_FCOM] = x86_tr_x87,
    [X86_OP_FCOMP] = x86_tr_x87, [X86_OP_FSUB] = x86_tr_x87, [X86_OP_FSUBR] = x86_tr_x87,
    [X86_OP_FDIV] = x86_tr_x87, [X86_OP_FDIVR] = x86_tr_x87, [X86_OP_FLD] = x86_tr_x87,
    [X86_OP_FST] = x86_tr_x87, [X86_OP_FSTP] = x86_tr_x87, [X86_OP_FLDENV] = x86_tr_x87,
    [X86_OP_FLDCW] = x86_tr_x87, [X86_OP_FNSTENV] = x86_tr_x87, [X86_OP_FNSTCW] = x86_tr_x87,
    [X86_OP_FXCH] = x86_tr_x87, [X86_OP_FNOP] = x86_tr_x87, [X86_OP_FCHS] = x86_tr_x87,
    [X86_OP_FABS] = x86_tr_x87, [X86_OP_FTST] = x86_tr_x87, [X86_OP_FXAM] = x86_tr_x87,
    [X86_OP_FLD1] = x86_tr_x87, [X86_OP_FLDL2T] = x86_tr_x87, [X86_OP_FLDL2E] = x86_tr_x87,
    [X86_OP_FLDPI] = x86_tr_x87, [X86_OP_FLDLG2] = x86_tr_x87, [X86_OP_FLDLN2] = x86_tr_x87,
    [X86_OP_FLDZ] = x86_tr_x87, [X86_OP_F2XM1] = x86_tr_x87, [X86_OP_FYL2X] = x86_tr_x87,
    [X86_OP_FPTAN] = x86_tr_x87, [X86_OP_FPATAN] = x86_tr_x87, [X86_OP_FXTRACT] = x86_tr_x87,
    [X86_OP_FPREM1] = x86_tr_x87, [X86_OP_FDECSTP] = x86_tr_x87, [X86_OP_FINCSTP] = x86_tr_x87,
    [X86_OP_FPREM] = x86_tr_x87, [X86_OP_FYL2XP1] = x86_tr_x87, [X86_OP_FSQRT] = x86_tr_x87,
    [X86_OP_FSINCOS] = x86_tr_x87, [X86_OP_FRNDINT] = x86_tr_x87, [X86_OP_FSCALE] = x86_tr_x87,
    [X86_OP_FSIN] = x86_tr_x87, [X86_OP_FCOS] = x86_tr_x87, [X86_OP_FIADD] = x86_tr_x87,
    [X86_OP_FIMUL] = x86_tr_x87, [X86_OP_FICOM] = x86_tr_x87, [X86_OP_FICOMP] = x86_tr_x87,
    [X86_OP_FISUB] = x86_tr_x87, [X86_OP_FISUBR] = x86_tr_x87, [X86_OP_FIDIV] = x86_tr_x87,
    [X86_OP_FIDIVR] = x86_tr_x87, [X86_OP_FCMOVB] = x86_tr_x87, [X86_OP_FCMOVE] = x86_tr_x87,
    [X86_OP_FCMOVBE] = x86_tr_x87, [X86_OP_FCMOVU] = x86_tr_x87, [X86_OP_FUCOMPP] = x86_tr_x87,
    [X86_OP_FILD] = x86_tr_x87, [X86_OP_FISTTP] = x86_tr_x87, [X86_OP_FIST] = x86_tr_x87,
    [X86_OP_FISTP] = x86_tr_x87, [X86_OP_FCMOVNB] = x86_tr_x87, [X86_OP_FCMOVNE] = x86_tr_x87,
    [X86_OP_FCMOVNBE] = x86_tr_x87, [X86_OP_FCMOVNU] = x86_tr_x87, [X86_OP_FNCLEX] = x86_tr_x87,
    [X86_OP_FNINIT] = x86_tr_x87, [X86_OP_FUCOMI] = x86_tr_x87, [X86_OP_FCOMI] = x86_tr_x87,
    [X86_OP_FRSTOR] = x86_tr_x87, [X86_OP_FNSAVE] = x86_tr_x87, [X86_OP_FNSTSW] = x86_tr_x87,
    [X86_OP_FFREE] = x86_tr_x87, [X86_OP_FUCOM] = x86_tr_x87, [X86_OP_FUCOMP] = x86_tr_x87,
    [X86_OP_FADDP] = x86_tr_x87, [X86_OP_FMULP] = x86_tr_x87, [X86_OP_FCOMPP] = x86_tr_x87,
    [X86_OP_FSUBRP] = x86_tr_x87, [X86_OP_FSUBP] = x86_tr_x87, [X86_OP_FDIVRP] = x86_tr_x87,
    [X86_OP_FDIVP] = x86_tr_x87, [X86_OP_FBLD] = x86_tr_x87, [X86_OP_FBSTP] = x86_tr_x87,
    [X86_OP_FUCOMIP] = x86_tr_x87, [X86_OP_FCOMIP] = x86_tr_x87, [X86_OP_FFREEP] = x86_tr_x87,
    [X86_OP_FENI] = x86_tr_x87, [X86_OP_FDISI] = x86_tr_x87, [X86_OP_FSETPM] = x86_tr_x87,
    [X86_OP_FWAIT] = x86_tr_x87,
    /* SSE */
    [X86_OP_MOVAPS] = x86_tr_sse_move, [X86_OP_MOVAPD] = x86_tr_sse_move,
    [X86_OP_MOVDQA] = x86_tr_sse_move, [X86_OP_MOVNTPS] = x86_tr_sse_move,
    [X86_OP_MOVNTPD] = x86_tr_sse_move, [X86_OP_MOVNTDQ] = x86_tr_sse_move,
    [X86_OP_MOVNTDQA] = x86_tr_sse_move, [X86_OP_MOVUPS] = x86_tr_sse_move,
    [X86_OP_MOVUPD] = x86_tr_sse_move, [X86_OP_MOVDQU] = x86_tr_sse_move,
    [X86_OP_LDDQU] = x86_tr_sse_move, [X86_OP_MOVSS] = x86_tr_sse_move,
    [X86_OP_MOVSD] = x86_tr_sse_move, [X86_OP_MOVD] = x86_tr_sse_move,
    [X86_OP_MOVQ] = x86_tr_sse_move, [X86_OP_MOVNTI] = x86_tr_sse_move,
    [X86_OP_MOVLPS] = x86_tr_sse_move, [X86_OP_MOVLPD] = x86_tr_sse_move,
    [X86_OP_MOVHLPS] = x86_tr_sse_move, [X86_OP_MOVHPS] = x86_tr_sse_move,
    [X86_OP_MOVHPD] = x86_tr_sse_move, [X86_OP_MOVLHPS] = x86_tr_sse_move,
    [X86_OP_MOVMSKPS] = x86_tr_sse_move, [X86_OP_MOVMSKPD] = x86_tr_sse_move,
    [X86_OP_PMOVMSKB] = x86_tr_sse_move, [X86_OP_PEXTRB] = x86_tr_sse_move,
    [X86_OP_PEXTRW] = x86_tr_sse_move, [X86_OP_PEXTRD] = x86_tr_sse_move,
    [X86_OP_EXTRACTPS] = x86_tr_sse_move, [X86_OP_PINSRB] = x86_tr_sse_move,
    [X86_OP_PINSRW] = x86_tr_sse_move, [X86_OP_PINSRD] = x86_tr_sse_move,
    [X86_OP_INSERTPS] = x86_tr_sse_move, [X86_OP_MOVDDUP] = x86_tr_sse_move,
    [X86_OP_MOVSLDUP] = x86_tr_sse_move, [X86_OP_MOVSHDUP] = x86_tr_sse_move,
    [X86_OP_SHUFPS] = x86_tr_sse_move, [X86_OP_SHUFPD] = x86_tr_sse_move,
    [X86_OP_PSHUFD] = x86_tr_sse_move, [X86_OP_PSHUFLW] = x86_tr_sse_move,
    [X86_OP_PSHUFHW] = x86_tr_sse_move, [X86_OP_UNPCKLPS] = x86_tr_sse_move,
    [X86_OP_UNPCKHPS] = x86_tr_sse_move, [X86_OP_UNPCKLPD] = x86_tr_sse_move,
    [X86_OP_UNPCKHPD] = x86_tr_sse_move, [X86_OP_PUNPCKLBW] = x86_tr_sse_move,
    [X86_OP_PUNPCKLWD] = x86_tr_sse_move, [X86_OP_PUNPCKLDQ] = x86_tr_sse_move,
    [X86_OP_PUNPCKLQDQ] = x86_tr_sse_move, [X86_OP_PUNPCKHBW] = x86_tr_sse_move,
    [X86_OP_PUNPCKHWD] = x86_tr_sse_move, [X86_OP_PUNPCKHDQ] = x86_tr_sse_move,
    [X86_OP_PUNPCKHQDQ] = x86_tr_sse_move, [X86_OP_PACKSSWB] = x86_tr_sse_move,
    [X86_OP_PACKUSWB] = x86_tr_sse_move, [X86_OP_PACKSSDW] = x86_tr_sse_move,
    [X86_OP_PACKUSDW] = x86_tr_sse_move, [X86_OP_PALIGNR] = x86_tr_sse_move,
    [X86_OP_PSHUFB] = x86_tr_sse_move, [X86_OP_PBLENDW] = x86_tr_sse_move,
    [X86_OP_BLENDPS] = x86_tr_sse_move, [X86_OP_BLENDPD] = x86_tr_sse_move,
    [X86_OP_BLENDVPS] = x86_tr_sse_move, [X86_OP_BLENDVPD] = x86_tr_sse_move,
    [X86_OP_MASKMOVDQU] = x86_tr_sse_move,
    [X86_OP_PXOR] = x86_tr_sse_int, [X86_OP_POR] = x86_tr_sse_int,
    [X86_OP_PAND] = x86_tr_sse_int, [X86_OP_PANDN] = x86_tr_sse_int,
    [X86_OP_XORPS] = x86_tr_sse_int, [X86_OP_XORPD] = x86_tr_sse_int,
    [X86_OP_ORPS] = x86_tr_sse_int, [X86_OP_ORPD] = x86_tr_sse_int,
    [X86_OP_ANDPS] = x86_tr_sse_int, [X86_OP_ANDPD] = x86_tr_sse_int,
    [X86_OP_ANDNPS] = x86_tr_sse_int, [X86_OP_ANDNPD] = x86_tr_sse_int,
    [X86_OP_PADDB] = x86_tr_sse_int, [X86_OP_PADDW] = x86_tr_sse_int,
    [X86_OP_PADDD] = x86_tr_sse_int, [X86_OP_PADDQ] = x86_tr_sse_int,
    [X86_OP_PSUBB] = x86_tr_sse_int, [X86_OP_PSUBW] = x86_tr_sse_int,
    [X86_OP_PSUBD] = x86_tr_sse_int, [X86_OP_PSUBQ] = x86_tr_sse_int,
    [X86_OP_PADDSB] = x86_tr_sse_int, [X86_OP_PADDSW] = x86_tr_sse_int,
    [X86_OP_PADDUSB] = x86_tr_sse_int, [X86_OP_PADDUSW] = x86_tr_sse_int,
    [X86_OP_PSUBSB] = x86_tr_sse_int, [X86_OP_PSUBSW] = x86_tr_sse_int,
    [X86_OP_PSUBUSB] = x86_tr_sse_int, [X86_OP_PSUBUSW] = x86_tr_sse_int,
    [X86_OP_PAVGB] = x86_tr_sse_int, [X86_OP_PAVGW] = x86_tr_sse_int,
    [X86_OP_PMINUB] = x86_tr_sse_int, [X86_OP_PMAXUB] = x86_tr_sse_int,
    [X86_OP_PMINSB] = x86_tr_sse_int, [X86_OP_PMAXSB] = x86_tr_sse_int,
    [X86_OP_PMINUW] = x86_tr_sse_int, [X86_OP_PMAXUW] = x86_tr_sse_int,
    [X86_OP_PMINSW] = x86_tr_sse_int, [X86_OP_PMAXSW] = x86_tr_sse_int,
    [X86_OP_PMINUD] = x86_tr_sse_int, [X86_OP_PMAXUD] = x86_tr_sse_int,
    [X86_OP_PMINSD] = x86_tr_sse_int, [X86_OP_PMAXSD] = x86_tr_sse_int,
    [X86_OP_PCMPEQB] = x86_tr_sse_int, [X86_OP_PCMPEQW] = x86_tr_sse_int,
    [X86_OP_PCMPEQD] = x86_tr_sse_int, [X86_OP_PCMPEQQ] = x86_tr_sse_int,
    [X86_OP_PCMPGTB] = x86_tr_sse_int, [X86_OP_PCMPGTW] = x86_tr_sse_int,
    [X86_OP_PCMPGTD] = x86_tr_sse_int, [X86_OP_PCMPGTQ] = x86_tr_sse_int,
    [X86_OP_PMULLW] = x86_tr_sse_int, [X86_OP_PMULHW] = x86_tr_sse_int,
    [X86_OP_PMULHUW] = x86_tr_sse_int, [X86_OP_PMULLD] = x86_tr_sse_int,
    [X86_OP_PMULUDQ] = x86_tr_sse_int, [X86_OP_PMULDQ] = x86_tr_sse_int,
    [X86_OP_PMULHRSW] = x86_tr_sse_int, [X86_OP_PMADDWD] = x86_tr_sse_int,
    [X86_OP_PMADDUBSW] = x86_tr_sse_int, [X86_OP_PSADBW] = x86_tr_sse_int,
    [X86_OP_MPSADBW] = x86_tr_sse_int, [X86_OP_PCLMULQDQ] = x86_tr_sse_int,
    [X86_OP_AESENC] = x86_tr_sse_int, [X86_OP_AESENCLAST] = x86_tr_sse_int,
    [X86_OP_AESDEC] = x86_tr_sse_int, [X86_OP_AESDECLAST] = x86_tr_sse_int,
    [X86_OP_AESIMC] = x86_tr_sse_int, [X86_OP_AESKEYGENASSIST] = x86_tr_sse_int,
    [X86_OP_PSIGNB] = x86_tr_sse_int,
    [X86_OP_PSIGNW] = x86_tr_sse_int, [X86_OP_PSIGND] = x86_tr_sse_int,
    [X86_OP_PABSB] = x86_tr_sse_int, [X86_OP_PABSW] = x86_tr_sse_int,
    [X86_OP_PABSD] = x86_tr_sse_int, [X86_OP_PHADDW] = x86_tr_sse_int,
    [X86_OP_PHSUBW] = x86_tr_sse_int, [X86_OP_PHADDSW] = x86_tr_sse_int,
    [X86_OP_PHSUBSW] = x86_tr_sse_int, [X86_OP_PHADDD] = x86_tr_sse_int,
    [X86_OP_PHSUBD] = x86_tr_sse_int, [X86_OP_PHMINPOSUW] = x86_tr_sse_int,
    [X86_OP_PSLLW] = x86_tr_sse_int, [X86_OP_PSRLW] = x86_tr_sse_int,
    [X86_OP_PSRAW] = x86_tr_sse_int, [X86_OP_PSLLD] = x86_tr_sse_int,
    [X86_OP_PSRLD] = x86_tr_sse_int, [X86_OP_PSRAD] = x86_tr_sse_int,
    [X86_OP_PSLLQ] = x86_tr_sse_int, [X86_OP_PSRLQ] = x86_tr_sse_int,
    [X86_OP_PSLLDQ] = x86_tr_sse_int, [X86_OP_PSRLDQ] = x86_tr_sse_int,
    [X86_OP_PTEST] = x86_tr_sse_int, [X86_OP_PBLENDVB] = x86_tr_sse_int,
    [X86_OP_PMOVSXBW] = x86_tr_sse_int, [X86_OP_PMOVSXBD] = x86_tr_sse_int,
    [X86_OP_PMOVSXBQ] = x86_tr_sse_int, [X86_OP_PMOVSXWD] = x86_tr_sse_int,
    [X86_OP_PMOVSXWQ] = x86_tr_sse_int, [X86_OP_PMOVSXDQ] = x86_tr_sse_int,
    [X86_OP_PMOVZXBW] = x86_tr_sse_int, [X86_OP_PMOVZXBD] = x86_tr_sse_int,
    [X86_OP_PMOVZXBQ] = x86_tr_sse_int, [X86_OP_PMOVZXWD] = x86_tr_sse_int,
    [X86_OP_PMOVZXWQ] = x86_tr_sse_int, [X86_OP_PMOVZXDQ] = x86_tr_sse_int,
    [X86_OP_ADDPS] = x86_tr_sse_float, [X86_OP_ADDPD] = x86_tr_sse_float,
    [X86_OP_ADDSS] = x86_tr_sse_float, [X86_OP_ADDSD] = x86_tr_sse_float,
    [X86_OP_SUBPS] = x86_tr_sse_float, [X86_OP_SUBPD] = x86_tr_sse_float,
    [X86_OP_SUBSS] = x86_tr_sse_float, [X86_OP_SUBSD] = x86_tr_sse_float,
    [X86_OP_MULPS] = x86_tr_sse_float, [X86_OP_MULPD] = x86_tr_sse_float,
    [X86_OP_MULSS] = x86_tr_sse_float, [X86_OP_MULSD] = x86_tr_sse_float,
    [X86_OP_DIVPS] = x86_tr_sse_float, [X86_OP_DIVPD] = x86_tr_sse_float,
    [X86_OP_DIVSS] = x86_tr_sse_float, [X86_OP_DIVSD] = x86_tr_sse_float,
    [X86_OP_MINPS] = x86_tr_sse_float, [X86_OP_MINPD] = x86_tr_sse_float,
    [X86_OP_MINSS] = x86_tr_sse_float, [X86_OP_MINSD] = x86_tr_sse_float,
    [X86_OP_MAXPS] = x86_tr_sse_float, [X86_OP_MAXPD] = x86_tr_sse_float,
    [X86_OP_MAXSS] = x86_tr_sse_float, [X86_OP_MAXSD] = x86_tr_sse_float,
    [X86_OP_SQRTPS] = x86_tr_sse_float, [X86_OP_SQRTPD] = x86_tr_sse_float,
    [X86_OP_SQRTSS] = x86_tr_sse_float, [X86_OP_SQRTSD] = x86_tr_sse_float,
    [X86_OP_CMPPS] = x86_tr_sse_float, [X86_OP_CMPPD] = x86_tr_sse_float,
    [X86_OP_CMPSS] = x86_tr_sse_float, [X86_OP_CMPSD] = x86_tr_sse_float,
    [X86_OP_UCOMISS] = x86_tr_sse_float, [X86_OP_UCOMISD] = x86_tr_sse_float,
    [X86_OP_COMISS] = x86_tr_sse_float, [X86_OP_COMISD] = x86_tr_sse_float,
    [X86_OP_HADDPS] = x86_tr_sse_float, [X86_OP_HADDPD] = x86_tr_sse_float,
    [X86_OP_HSUBPS] = x86_tr_sse_float, [X86_OP_HSUBPD] = x86_tr_sse_float,
    [X86_OP_ADDSUBPS] = x86_tr_sse_float, [X86_OP_ADDSUBPD] = x86_tr_sse_float,
    [X86_OP_ROUNDPS] = x86_tr_sse_float, [X86_OP_ROUNDPD] = x86_tr_sse_float,
    [X86_OP_ROUNDSS] = x86_tr_sse_float, [X86_OP_ROUNDSD] = x86_tr_sse_float,
    [X86_OP_DPPS] = x86_tr_sse_float, [X86_OP_DPPD] = x86_tr_sse_float,
    [X86_OP_RCPPS] = x86_tr_sse_float, [X86_OP_RCPSS] = x86_tr_sse_float,
    [X86_OP_RSQRTPS] = x86_tr_sse_float, [X86_OP_RSQRTSS] = x86_tr_sse_float,
    [X86_OP_CVTSI2SS] = x86_tr_sse_cvt, [X86_OP_CVTSI2SD] = x86_tr_sse_cvt,
    [X86_OP_CVTSS2SI] = x86_tr_sse_cvt, [X86_OP_CVTTSS2SI] = x86_tr_sse_cvt,
    [X86_OP_CVTSD2SI] = x86_tr_sse_cvt, [X86_OP_CVTTSD2SI] = x86_tr_sse_cvt,
    [X86_OP_CVTSS2SD] = x86_tr_sse_cvt, [X86_OP_CVTSD2SS] = x86_tr_sse_cvt,
    [X86_OP_CVTPS2PD] = x86_tr_sse_cvt, [X86_OP_CVTPD2PS] = x86_tr_sse_cvt,
    [X86_OP_CVTDQ2PS] = x86_tr_sse_cvt, [X86_OP_CVTPS2DQ] = x86_tr_sse_cvt,
    [X86_OP_CVTTPS2DQ] = x86_tr_sse_cvt, [X86_OP_CVTDQ2PD] = x86_tr_sse_cvt,
    [X86_OP_CVTPD2DQ] = x86_tr_sse_cvt, [X86_OP_CVTTPD2DQ] = x86_tr_sse_cvt,
    [X86_OP_LDMXCSR] = x86_tr_sse_state, [X86_OP_STMXCSR] = x86_tr_sse_state,
    [X86_OP_FXSAVE] = x86_tr_sse_state, [X86_OP_FXRSTOR] = x86_tr_sse_state,
    [X86_OP_PCMPESTRI] = x86_tr_sse_pcmpstr, [X86_OP_PCMPESTRM] = x86_tr_sse_pcmpstr,
    [X86_OP_PCMPISTRI] = x86_tr_sse_pcmpstr, [X86_OP_PCMPISTRM] = x86_tr_sse_pcmpstr,
    [X86_OP_CRC32] = x86_tr_crc32,
    [X86_OP_XSAVE] = x86_tr_xsave, [X86_OP_XSAVEOPT] = x86_tr_xsave,
    [X86_OP_XSAVEC] = x86_tr_xsave, [X86_OP_XRSTOR] = x86_tr_xsave,
    [X86_OP_XGETBV] = x86_tr_xsave, [X86_OP_XSETBV] = x86_tr_xsave,
};

/* Translate one instruction at tr->pc; false if its bytes cannot be fetched
 * and it is the first of the block (the TB then raises the fault). */
static void translate_insn(X86Tr *tr, const uint8_t *buf, size_t avail)
{
    int len = x86_decode(buf, avail, tr->mode, &tr->insn);

    tr->ea = 0;
    tr->next_pc = tr->pc;
    ir_gen_insn_start(tr->ctx, tr->pc, 0);
    if (len == X86_DECODE_TRUNCATED) {
        /* The instruction runs into an unreadable page: #PF on its fetch. */
        x86_gen_exception(tr, X86_EXCP_PF);
        return;
    }
    if (len < 0) {
        x86_gen_exception(tr, X86_EXCP_GP);
        return;
    }
    tr->next_pc = x86_mask_pc(tr, tr->pc + (unsigned)len);
    if (!tr->insn.invalid) {
        /* instructions of features the CPU model lacks are #UD */
        unsigned op = x86_cpu_model_op(&tr->insn);
        if (op == X86_OP_UD) {
            tr->insn.invalid = X86_INV_UNSUPPORTED;
        } else {
            tr->insn.op = (uint16_t)op;
        }
    }
    X86Handler h = tr->insn.invalid ? NULL : handlers[tr->insn.op];
    if (!tr->insn.invalid && x86_is_mmx(&tr->insn)) {
        h = x86_tr_mmx;            /* MMX forms share X86Ops with SSE */
    }
    if (!h || !h(tr)) {
        if (tr->cpu->engine->log_mask & JIT_LOG_UNIMP) {
            char text[128];
            x86_insn_print(&tr->insn, text, sizeof(text));
            fprintf(tr->cpu->engine->log, "unimplemented at %#llx: %s\n",
                    (unsigned long long)tr->pc, text);
        }
        x86_gen_exception(tr, X86_EXCP_UD);
    }
}

/* -d in_asm: the guest code of the block. */
static void log_guest_code(JitCpu *jc, const TbEntry *tb)
{
    FILE *f = jc->engine->log;
    uint8_t *code = g_malloc(tb->guest_size);
    size_t n = x86_tr_config.fetch(jc, tb->cs_base + tb->pc, code, tb->guest_size);

    fprintf(f, "IN %#llx:\n", (unsigned long long)tb->pc);
    bool mode64 = (tb->flags & X86_TBF_MODE_MASK) == X86_MODE_64;
    jit_disas(f, mode64 ? JIT_DISAS_X86_64 : JIT_DISAS_HEX, code, n, tb->pc);
    fputc('\n', f);
    g_free(code);
}

/*
 * Parallel mode: every guest load and store of the TB is an x86-TSO access
 * (docs/memory-model.md). Done here, once per TB, rather than in each
 * instruction family, so none can forget it.
 */
static void mark_tso(IrContext *ctx)
{
    IR_FOR_EACH_OP(ctx, op) {
        if (op->opc == IR_OP_guest_ld || op->opc == IR_OP_guest_st) {
            ir_op_cargs(op)[0] |= IR_MO_TSO;
        }
    }
}

static int x86_translate(JitCpu *jc, TbEntry *tb, IrContext *ctx)
{
    X86Tr tr = {
        .ctx = ctx, .cpu = jc, .tb = tb, .mode = (X86Mode)(tb->flags & X86_TBF_MODE_MASK),
        .cs_base = tb->cs_base, .pc = tb->pc, .cc_static = -1,
    };
    uint8_t buf[X86_MAX_INSN_LEN];
    unsigned n = 0;

    tb->page[0] = (tb->cs_base + tb->pc) & JIT_PAGE_MASK;
    if (x86_tr_config.fetch(jc, tb->cs_base + tb->pc, buf, 1) == 0) {
        jc->exception = X86_EXCP_PF;
        jc->fault_addr = tb->cs_base + tb->pc;
        return -1;
    }

    /* Leave at entry when another thread asked this CPU to stop. */
    tr.exit_label = ir_label_new(ctx);
    IrTempIdx req = ir_temp_new(ctx, IR_I32);
    ir_gen_ld(ctx, IR_I32, req, ctx->env, offsetof(JitCpu, exit_request), IR_MO_32);
    ir_gen_brcond(ctx, IR_I32, IR_COND_NE, req, ir_const_i32(ctx, 0), tr.exit_label);

    for (;;) {
        uint64_t lin = tb->cs_base + tr.pc;
        size_t avail = x86_tr_config.fetch(jc, lin, buf, sizeof(buf));
        translate_insn(&tr, buf, avail);
        n++;
        /* An instruction that straddles into the next page ties the TB to it. */
        uint64_t last = tb->cs_base + (tr.next_pc > tr.pc ? tr.next_pc - 1 : tr.pc);
        if ((last & JIT_PAGE_MASK) != tb->page[0]) {
            tb->page[1] = last & JIT_PAGE_MASK;
        }
        if (tr.end) {
            break;
        }
        tr.pc = tr.next_pc;
        /* Stop at the size cap, and before an instruction on another page. */
        if (n >= x86_tr_config.max_insns ||
            ((tb->cs_base + tr.pc) & JIT_PAGE_MASK) != tb->page[0]) {
            x86_gen_jmp_tb(&tr, 0, tr.pc);
            break;
        }
    }
    tb->guest_size = (uint32_t)(tr.next_pc - tb->pc);
    if (jc->engine->log_mask & JIT_LOG_IN_ASM) {
        log_guest_code(jc, tb);
    }
    /* Entered through a chained goto_tb, rip still holds the previous
     * TB's value (x86_gen_jmp_tb stores it only on the unchained path). */
    ir_gen_set_label(ctx, tr.exit_label);
    ir_gen_movi(ctx, IR_I64, x86_g.rip, tb->pc);
    ir_gen_exit_tb(ctx, (uintptr_t)tb | JIT_EXIT_REQUESTED);
    if (!jit_engine_parallel(jc->engine)) {
        x86_plain_atomics(ctx);
    } else if (!x86_tr_config.unordered) {
        mark_tso(ctx);
    }
    return 0;
}

const JitTranslator x86_translator = {
    .init_context = x86_init_context,
    .get_tb_key = x86_get_tb_key,
    .translate = x86_translate,
    .restore_state = x86_restore_state,
};
