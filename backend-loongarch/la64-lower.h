/*
 * la64-lower.h — internal interface of the loongarch64 backend: the per-TB
 * code generation state shared by the op lowering files (la64-lower.c
 * integer and control ops, la64-lower-mem.c host and guest memory and
 * atomics) and the host glue (la64-backend.c).
 *
 * Register use in translated code (the allocator's numbering is the
 * hardware numbering 0..31):
 *   s0   env (fixed for the whole TB)
 *   s1   guest_base in user mode; allocatable in softmmu mode
 *   t0, ra, r21   emitter scratch TMP0, TMP1, TMP2: never allocated, never
 *        live across an op (ra is free: code is entered from the prologue,
 *        which saved the caller's ra, and TBs are chained with B)
 *   a0-a7, t1-t8, fp, s2-s8   allocatable (callee-saved ones first)
 *   sp   the frame: register saves and spill slots
 * The guest-GPR pinning that la64-regs.h describes is a later step: for now
 * globals are loaded lazily by the shared allocator like on x86-64.
 * v128 and i128 values take a scalar path (qemu-loongarch64 7.2 has no
 * LSX, so LSX is not used): the allocator's vector class is 16 pseudo
 * registers 32..47, each a 16-byte frame slot; la64-lower-vec.c works on
 * them a 64-bit half at a time through GPRs (lanes one by one with
 * BSTRPICK/BSTRINS).
 */
#ifndef FERRY_BACKEND_LOONGARCH_LA64_LOWER_H
#define FERRY_BACKEND_LOONGARCH_LA64_LOWER_H

#include <glib.h>

#include "backend-loongarch/la64-enc.h"
#include "jit/backend.h"
#include "jit/regalloc.h"

#define LA64_ENV   LA64_S0
#define LA64_GBASE LA64_S1
#define LA64_TMP0  LA64_T0
#define LA64_TMP1  LA64_RA
#define LA64_TMP2  LA64_R21

/* Frame (sp-relative, set up by the prologue; a multiple of 16). */
#define LA64_FRAME_SLOTS_OFF  0
#define LA64_FRAME_SLOTS_SIZE 1024      /* 64 spill slots of 16 bytes */
#define LA64_FRAME_VREG_OFF   1024      /* the 16 vector pseudo registers */
#define LA64_FRAME_SLOW_OFF   1280      /* slow paths save GPR r at +8r */
#define LA64_FRAME_SAVE_OFF   1536      /* ra, fp, s0..s8 */
#define LA64_FRAME_SIZE       1632

#define LA64_VREG0    32                /* first vector pseudo register */
#define LA64_NB_VREGS 16

/* Frame offset of vector pseudo register r. */
static inline int32_t la64_vslot(int r) { return LA64_FRAME_VREG_OFF + 16 * (r - LA64_VREG0); }
static inline bool la64_is_vreg(int r) { return r >= LA64_VREG0; }

_Static_assert(LA64_FRAME_SIZE % 16 == 0, "sp stays 16-byte aligned in TB code");
_Static_assert(LA64_FRAME_SAVE_OFF + 11 * 8 <= LA64_FRAME_SIZE, "room for the saves");

typedef enum La64SlowKind {
    LA64_SLOW_LD, LA64_SLOW_ST, LA64_SLOW_CMPXCHG, LA64_SLOW_RMW,
    LA64_SLOW_LD128, LA64_SLOW_ST128,
    LA64_SLOW_CMPXCHG128,    /* always taken: i128 cmpxchg is a helper call */
} La64SlowKind;

/* An out-of-line softmmu slow path (la64-softmmu.c). */
typedef struct La64Slow {
    uint8_t kind;            /* La64SlowKind */
    uint8_t out, addr, val, cmp;   /* registers; 255 = none */
    uint8_t rmw_op;          /* JitAtomicOp */
    uint8_t vreg;            /* v128/i128 value (vector pseudo register), 255 = none */
    uint8_t vcmp, vnew;      /* CMPXCHG128: the vector registers of cmp and new */
    uint32_t oi;             /* jit_make_oi(memop, mmu) */
    uint32_t miss_insn;      /* the fast path's BNE to the slow path */
    uint32_t ret_insn;       /* where the slow path returns to */
    RaRegSet save;           /* call-clobbered registers to preserve */
} La64Slow;

/* A branch to a label not placed yet: the instruction index. */
typedef struct La64Reloc {
    uint32_t label;
    uint32_t insn;
} La64Reloc;

typedef struct La64Gen {
    La64Buf buf;
    JitCodeGen *cg;
    IrContext *ctx;
    bool user_mode;
    int32_t *label_insn;     /* instruction index per label, -1 until placed */
    GArray *relocs;          /* La64Reloc */
    GArray *slows;           /* La64Slow: softmmu slow paths, emitted after the body */
    uintptr_t epilogue;      /* run-time address: return a0 */
    uintptr_t epilogue_zero; /* run-time address: return 0 */
    JitError err;
} La64Gen;

/* Byte offset / run-time address of the next instruction. */
static inline uint32_t la64_gen_offset(const La64Gen *g) { return (uint32_t)(g->buf.len * 4); }
static inline uintptr_t la64_gen_pc(const La64Gen *g) { return g->cg->rx + g->buf.len * 4; }

/* Hooks for the allocator (la64-lower.c). */
const RaConstraint *la64_constraint(void *be, const IrOp *op);
JitError la64_emit_op(void *be, RaState *ra, const IrOp *op, const RaOperand *o);

/* Memory ops (la64-lower-mem.c): NULL / JIT_ERR_UNSUPPORTED if not theirs. */
const RaConstraint *la64_mem_constraint(La64Gen *g, const IrOp *op);
JitError la64_emit_mem(La64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o);

/*
 * Softmmu (la64-softmmu.c). la64_tlb_check emits the inline TLB lookup for
 * an access of 2^sz bytes at register addr and leaves the page's addend
 * in TMP0 on a hit; a miss branches to a slow path it records (returned,
 * an index into g->slows). After emitting the hit-path access the caller
 * marks where the slow path returns with la64_slow_return. out is the
 * op's output register (not preserved across the call), or 255.
 */
unsigned la64_tlb_check(La64Gen *g, RaState *ra, La64SlowKind kind, int addr, IrMemOp mo,
                        unsigned mmu, int out);
void la64_slow_return(La64Gen *g, unsigned slow);
/* User mode, memop with IR_MO_ALIGN and size > 1: branch to a slow path
 * (which faults) when addr is misaligned; returns the slow path to pass to
 * la64_slow_return, or -1 when no check is needed. */
int la64_align_check(La64Gen *g, RaState *ra, La64SlowKind kind, int addr, IrMemOp mo,
                     unsigned mmu, int out);
/* An out-of-line call to the C layer that is always taken (B there and
 * back): i128 cmpxchg. Returns the slow path for la64_slow_return. */
unsigned la64_slow_always(La64Gen *g, RaState *ra, La64SlowKind kind, int addr, IrMemOp mo,
                          unsigned mmu);
/* A slow path reached by the already emitted branch at instruction `branch`. */
unsigned la64_slow_from(La64Gen *g, RaState *ra, La64SlowKind kind, int addr, IrMemOp mo,
                        unsigned mmu, int out, size_t branch);
/* Emit every recorded slow path; false if one cannot be emitted. */
bool la64_emit_slow_paths(La64Gen *g);

/* Block exits, calls, barriers (la64-lower-ctl.c): JIT_ERR_UNSUPPORTED if
 * op is not one of them. */
JitError la64_emit_ctl(La64Gen *g, const IrOp *op, const RaOperand *o);

/* Vectors, i128 and their memory accesses (la64-lower-vec.c). */
const RaConstraint *la64_vec_constraint(La64Gen *g, const IrOp *op);
JitError la64_emit_vec(La64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o);
/* 16 bytes from base+off to base2+off2 through TMP0 (la64_mem offsets). */
void la64_copy16(La64Gen *g, int dbase, int32_t doff, int sbase, int32_t soff);

/* One memop access at base+idx (idx >= 0: LDX/STX) or base+off
 * (la64-lower-mem.c): d extended per the memop; v stored (TMP1 for a swap). */
void la64_emit_load(La64Gen *g, IrMemOp mo, int d, int base, int idx, int64_t off);
void la64_emit_store(La64Gen *g, IrMemOp mo, RaOperand v, int base, int idx, int64_t off);

/* Operand in a register: the register itself, or the immediate loaded into
 * tmp (sign-extended from 32 bits when i32 and `sext`). */
int la64_opnd_reg(La64Gen *g, RaOperand o, int tmp, bool i32_sext);
/* rd = sign-extension of the low 32 bits of rj (addi.w rd, rj, 0). */
void la64_sext32(La64Gen *g, int rd, int rj);
/* Jump to an absolute run-time address (B when in range, else PCADDU18I+JIRL
 * through TMP0); `link`: call (ra) instead of jump. */
void la64_jump_abs(La64Gen *g, uintptr_t target, bool link);

/*
 * Where generated code calls the C function `name` (a helper's registered
 * name, "jit_lookup_tb_ptr", or a softmmu slow path "jit_ld_helper" ...)
 * whose address in this process is func. A NULL hook (the default) means
 * func itself. Tests that run the code outside this process (standalone
 * loongarch64 executables) point calls at routines they emit; a hook
 * result of 0 makes code generation report JIT_ERR_UNSUPPORTED. Set before
 * translating, read-only afterwards.
 */
extern uintptr_t (*la64_call_target_hook)(const char *name, uintptr_t func);

/* The call target for `name`/func after the hook (0: cannot call). */
uintptr_t la64_call_target(const char *name, uintptr_t func);
/* Call an absolute run-time address (BL, PCADDU18I+JIRL, or via TMP0). */
void la64_call_abs(La64Gen *g, uintptr_t target);

#endif
