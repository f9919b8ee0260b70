/*
 * translate.h — what the x86 translator's files share: the per-TB
 * translation state (X86Tr), the guest globals, operand access, lazy flags
 * and block-ending helpers. Each instruction family lives in its own file
 * (alu.c, branch.c, ...) and exports handlers named x86_tr_<family>_*.
 */
#ifndef FERRY_FRONTEND_X86_TRANSLATE_H
#define FERRY_FRONTEND_X86_TRANSLATE_H

#include <stdbool.h>
#include <stdint.h>

#include "frontend-x86/cpu.h"
#include "frontend-x86/decode.h"
#include "jit/engine.h"
#include "jit/ir.h"

/*
 * Temp indices of the guest globals. Every context registers them in the
 * same order (x86_init_context), so the indices are the same in all of
 * them; written once by the first registration, read-only afterwards.
 */
typedef struct X86Globals {
    IrTempIdx regs[16];
    IrTempIdx rip;
    IrTempIdx cc_dst, cc_src, cc_src2, cc_op;
    IrTempIdx df;
    IrTempIdx seg_base[6];
} X86Globals;

extern X86Globals x86_g;

/*
 * Guest code fetch: copy up to len bytes of guest code at addr into buf.
 * Returns how many bytes could be read (stopping at the first unreadable
 * page); 0 means addr itself is unreadable.
 */
typedef size_t (*X86FetchFn)(JitCpu *cpu, uint64_t addr, uint8_t *buf, size_t len);

/* Translation-time configuration, set once before translating. */
typedef struct X86TrConfig {
    X86FetchFn fetch;
    unsigned max_insns;            /* per TB; 1 = -one-insn-per-tb */
    bool user_mode;                /* linux-user: chaining across pages is safe */
    /* -tso off: guest loads and stores are never x86-TSO ordered, even in
     * parallel mode (atomics still are atomic there). */
    bool unordered;
} X86TrConfig;

extern X86TrConfig x86_tr_config;

/* TB flags (the `flags` part of the TB key). */
enum {
    X86_TBF_MODE_MASK = 3,         /* X86Mode */
};

typedef struct X86Tr {
    IrContext *ctx;
    JitCpu *cpu;
    TbEntry *tb;
    X86Mode mode;
    uint64_t cs_base;
    uint64_t pc;                   /* rip of the current instruction */
    uint64_t next_pc;              /* rip of the next one */
    X86Insn insn;
    bool end;                      /* the TB ends after this instruction */
    unsigned mmu;
    IrTempIdx ea;                  /* this instruction's memory address, 0 if none yet */
    uint32_t exit_label;           /* exit_request path at the end of the TB */
    int cc_static;                 /* X86CcOp known at translation time, or -1 */
    unsigned cc_written;           /* bit i: lazy-flag component i (dst, src,
                                      src2) got a value in this TB (cc.c) */
} X86Tr;

/* One handler per X86Op; returns false if the form is not implemented
 * (the caller raises #UD and logs it under -d unimp). */
typedef bool (*X86Handler)(X86Tr *tr);

/* ---- temps and constants ---- */
static inline IrTempIdx x86_tmp(X86Tr *tr) { return ir_temp_new(tr->ctx, IR_I64); }
static inline IrTempIdx x86_const(X86Tr *tr, uint64_t v) { return ir_const_i64(tr->ctx, v); }

/* ---- operands (operand.c) ---- */
/* Size in bytes of operand i of the current instruction. */
unsigned x86_opnd_size(const X86Tr *tr, unsigned i);
/* The effective address of the memory operand (segment base applied).
 * Cached per instruction in tr->ea, a block temp: a handler that places a
 * label must clear tr->ea after it. */
IrTempIdx x86_ea(X86Tr *tr);
/* Read a general register's low `size` bytes, zero-extended (AH..BH when
 * size is 1, reg 4..7 and no REX). */
IrTempIdx x86_load_reg(X86Tr *tr, unsigned reg, unsigned size);
/* Write the low `size` bytes of a register as x86 does (32-bit writes clear
 * the upper half, 8/16-bit writes keep the rest). */
void x86_store_reg(X86Tr *tr, unsigned reg, unsigned size, IrTempIdx val);
/* Read / write operand i (register, memory or immediate), zero-extended. */
IrTempIdx x86_load_opnd(X86Tr *tr, unsigned i);
void x86_store_opnd(X86Tr *tr, unsigned i, IrTempIdx val);
/* Sign-extend the low `size` bytes of v to 64 bits (into a new temp). */
IrTempIdx x86_sext(X86Tr *tr, IrTempIdx v, unsigned size);
IrTempIdx x86_zext(X86Tr *tr, IrTempIdx v, unsigned size);
/* Guest memory access of `size` bytes (1..8) at addr, zero-extended. */
IrTempIdx x86_gen_ld(X86Tr *tr, IrTempIdx addr, unsigned size);
void x86_gen_st(X86Tr *tr, IrTempIdx addr, unsigned size, IrTempIdx val);
/* Stack: push/pop `size` bytes with the mode's stack width. */
void x86_push(X86Tr *tr, unsigned size, IrTempIdx val);
IrTempIdx x86_pop(X86Tr *tr, unsigned size);

/* ---- lazy flags (cc.c) ---- */
/* Record flags of an operation: base is the B variant (X86_CC_ADDB...). */
void x86_set_cc(X86Tr *tr, X86CcOp base, unsigned size, IrTempIdx dst, IrTempIdx src,
                IrTempIdx src2);
/* After ROL/ROR: CF and OF are `cfof` (bits X86_CF/X86_OF, nothing else),
 * the other flags stay those of the current state. Recorded lazily
 * (X86_CC_ROT) when the current state allows; false if not, and then the
 * caller merges into x86_gen_eflags itself. */
bool x86_set_cc_rotate(X86Tr *tr, IrTempIdx cfof);
/* The condition `cc` (x86 encoding 0..15) as an IR comparison a cond b. */
void x86_gen_cond(X86Tr *tr, unsigned cc, IrCond *cond, IrTempIdx *a, IrTempIdx *b);
/* A temp holding 0/1 for condition cc. */
IrTempIdx x86_gen_setcc(X86Tr *tr, unsigned cc);
/* OSZAPC of the current lazy state, computed now. */
IrTempIdx x86_gen_eflags(X86Tr *tr);
/* The carry flag as 0/1. */
IrTempIdx x86_gen_cf(X86Tr *tr);
/* The same, emitted where no block temp is live (before the instruction
 * reads its operands): when the producer is unknown it may branch. */
IrTempIdx x86_gen_cf_entry(X86Tr *tr);
/* Register the frontend's helpers (once per process). */
void x86_cc_register_helpers(void);
void x86_muldiv_register_helpers(void);
void x86_system_register_helpers(void);
void x86_shift_register_helpers(void);
void x86_bmi_register_helpers(void);
void x86_misc_register_helpers(void);
void x86_x87_register_helpers(void);
void x86_sse_register_helpers(void);
void x86_xsave_register_helpers(void);
void x86_segment_register_helpers(void);

/* ---- block ends and exceptions (translate.c) ---- */
/* Direct jump to target through goto_tb slot n. */
void x86_gen_jmp_tb(X86Tr *tr, unsigned slot, uint64_t target);
/* Jump to the address in a temp (indirect): set rip, look up, goto_ptr. */
void x86_gen_jmp_reg(X86Tr *tr, IrTempIdx target);
/* Raise exception excp at the current instruction (rip = its address). */
void x86_gen_exception(X86Tr *tr, int excp);
/* Leave with exception excp, rip = next instruction (syscall, hlt). */
void x86_gen_exception_next(X86Tr *tr, int excp);
/* Truncate an address/rip value to the current address width. */
uint64_t x86_mask_pc(const X86Tr *tr, uint64_t pc);

/* ---- the handlers, by family ---- */
bool x86_tr_alu(X86Tr *tr);          /* ADD OR ADC SBB AND SUB XOR CMP */
bool x86_tr_test(X86Tr *tr);
bool x86_tr_incdec(X86Tr *tr);
bool x86_tr_negnot(X86Tr *tr);
bool x86_tr_mov(X86Tr *tr);
bool x86_tr_movx(X86Tr *tr);         /* MOVZX MOVSX MOVSXD */
bool x86_tr_lea(X86Tr *tr);
bool x86_tr_xchg(X86Tr *tr);
bool x86_tr_cbw(X86Tr *tr);          /* CBW CWDE CDQE */
bool x86_tr_cwd(X86Tr *tr);          /* CWD CDQ CQO */
bool x86_tr_shift(X86Tr *tr);        /* SHL SHR SAR ROL ROR */
bool x86_tr_shiftd(X86Tr *tr);       /* SHLD SHRD */
bool x86_tr_rotc(X86Tr *tr);         /* RCL RCR */
bool x86_tr_xadd(X86Tr *tr);
bool x86_tr_cmpxchg(X86Tr *tr);
bool x86_tr_cmpxchg8b(X86Tr *tr);    /* CMPXCHG8B CMPXCHG16B */
/*
 * Rewrite every 32/64-bit atomic of ctx as a plain load, the operation and
 * a plain store: what an atomic costs while no other agent can observe the
 * guest's memory (not parallel mode, docs/memory-model.md). CMPXCHG16B's
 * i128 cmpxchg stays atomic.
 */
void x86_plain_atomics(IrContext *ctx);
bool x86_tr_string(X86Tr *tr);       /* MOVS STOS LODS CMPS SCAS */
bool x86_tr_bmi(X86Tr *tr);          /* ANDN BLS* BZHI BEXTR PDEP PEXT MULX SHLX SHRX SARX RORX */
bool x86_tr_adx(X86Tr *tr);          /* ADCX ADOX */
bool x86_tr_pushf(X86Tr *tr);
bool x86_tr_popf(X86Tr *tr);
bool x86_tr_movbe(X86Tr *tr);
bool x86_tr_enter(X86Tr *tr);
bool x86_tr_xlat(X86Tr *tr);
bool x86_tr_fence(X86Tr *tr);        /* LFENCE SFENCE MFENCE CLFLUSH* CLWB */
bool x86_tr_muldiv(X86Tr *tr);       /* MUL IMUL DIV IDIV */
bool x86_tr_setcc(X86Tr *tr);
bool x86_tr_cmovcc(X86Tr *tr);
bool x86_tr_bitscan(X86Tr *tr);      /* BSF BSR TZCNT LZCNT POPCNT */
bool x86_tr_bt(X86Tr *tr);           /* BT BTS BTR BTC */
bool x86_tr_bswap(X86Tr *tr);
bool x86_tr_flagop(X86Tr *tr);       /* CLC STC CMC CLD STD LAHF SAHF */
bool x86_tr_jcc(X86Tr *tr);
bool x86_tr_jmp(X86Tr *tr);
bool x86_tr_call(X86Tr *tr);
bool x86_tr_ret(X86Tr *tr);
bool x86_tr_loop(X86Tr *tr);         /* LOOP LOOPE LOOPNE JCXZ */
bool x86_tr_push(X86Tr *tr);
bool x86_tr_pop(X86Tr *tr);
bool x86_tr_leave(X86Tr *tr);
/* Segment registers (segment.c), reached from MOV, PUSH and POP. */
bool x86_tr_mov_seg(X86Tr *tr);      /* MOV r/m, Sreg and MOV Sreg, r/m */
bool x86_tr_push_seg(X86Tr *tr, unsigned size);   /* PUSH FS/GS */
bool x86_tr_pop_seg(X86Tr *tr, unsigned size);    /* POP FS/GS */
bool x86_tr_nop(X86Tr *tr);
bool x86_tr_system(X86Tr *tr);       /* SYSCALL HLT INT3 UD* CPUID RDTSC */
bool x86_tr_priv(X86Tr *tr);         /* CPL 0 only: #GP (INT1: #DB) */
bool x86_tr_x87(X86Tr *tr);          /* every x87 instruction and FWAIT */
/* SSE (sse-tr*.c, sse-state.c; helpers in sse-float/cvt/int/move.c) */
bool x86_tr_sse_move(X86Tr *tr);     /* MOV*, MOVD/Q, PINSR/PEXTR, shuffles, unpacks, packs */
bool x86_tr_sse_int(X86Tr *tr);      /* integer arithmetic, logic, compares, shifts,
                                        AES-NI, PCLMULQDQ */
bool x86_tr_sse_float(X86Tr *tr);    /* float arithmetic, CMP, (U)COMIS, ROUND, DP, RCP */
bool x86_tr_sse_cvt(X86Tr *tr);      /* CVT* */
bool x86_tr_sse_state(X86Tr *tr);    /* LDMXCSR STMXCSR FXSAVE FXRSTOR */
bool x86_tr_sse_pcmpstr(X86Tr *tr);  /* PCMPESTRI PCMPESTRM PCMPISTRI PCMPISTRM */
bool x86_tr_crc32(X86Tr *tr);
bool x86_tr_xsave(X86Tr *tr);        /* XSAVE XSAVEOPT XSAVEC XRSTOR XGETBV XSETBV (xsave.c) */
/* MMX (mmx-tr.c, helper in mmx.c): every instruction x86_is_mmx accepts
 * (EMMS, and the forms with an mm operand, CVT*PI* conversions included). */
bool x86_is_mmx(const X86Insn *in);
bool x86_tr_mmx(X86Tr *tr);
void x86_mmx_register_helpers(void);   /* after the x87 helpers */

/* ---- the JitTranslator for x86 (translate.c) ---- */
extern const JitTranslator x86_translator;

#endif
