/*
 * a64-lower.h — internal interface of the arm64 backend: the per-TB code
 * generation state shared by the op lowering files (a64-lower.c integer and
 * control ops, a64-lower-mem.c guest memory and atomics, a64-lower-vec.c
 * vectors and i128) and the host glue (a64-backend.c).
 *
 * Allocator register numbering: 0..30 are x0..x30, 32 + n is vn. The
 * convention (see docs/backend-arm64.md; a64-regs.h's fixed guest-GPR
 * mapping is a later step, for now every value is allocated per block):
 *   x27  env, whole TB                x28  guest_base (user mode), else allocatable
 *   x16, x17  backend scratch (immediates, TLB entry, addresses), never allocated
 *   x18  platform register, untouched x29/x30 frame pointer / link register
 *   sp   frame: spill slots, slow-path save area, helper buffers
 *   v31  vector scratch; i128 values live in a V register (d[0] = low half)
 */
#ifndef FERRY_BACKEND_ARM64_A64_LOWER_H
#define FERRY_BACKEND_ARM64_A64_LOWER_H

#include <glib.h>

#include "backend-arm64/a64-enc.h"
#include "jit/backend.h"
#include "jit/regalloc.h"

#define A64_ENV    A64_REG_ENV
#define A64_GBASE  A64_REG_GUEST_BASE
#define A64_TMP0   A64_REG_TMP0
#define A64_TMP1   A64_REG_TMP1
#define A64_RV(n)  (32 + (n))            /* allocator number of vn */
#define A64_VTMP   31                    /* v31, as an encoder V number */

/* Frame (sp-relative, below the saved x19..x30). */
#define A64_FRAME_SLOTS_OFF   0
#define A64_FRAME_SLOTS_SIZE  2048      /* 128 spill slots of 16 bytes */
#define A64_FRAME_SAVE_OFF    2048      /* slow paths: 32 X (8 bytes), then 32 Q */
#define A64_FRAME_VSAVE_OFF   2304
#define A64_FRAME_BUF_OFF     2816      /* 64 bytes of helper in/out buffers */
#define A64_FRAME_SIZE        2880

_Static_assert(A64_FRAME_SIZE % 16 == 0, "sp stays 16-byte aligned");

typedef enum A64SlowKind {
    A64_SLOW_LD, A64_SLOW_ST, A64_SLOW_CMPXCHG, A64_SLOW_RMW,
    /* user mode, a misaligned tso access LDAPR/STLR cannot do: the plain
     * access and a DMB, no call */
    A64_SLOW_TSO_LD, A64_SLOW_TSO_ST,
} A64SlowKind;

/* An out-of-line softmmu (or user-mode alignment / fallback) slow path,
 * emitted after the TB body. */
typedef struct A64Slow {
    uint8_t kind;            /* A64SlowKind */
    uint8_t type;            /* IrType of the op */
    uint8_t out, addr, val, cmp;   /* allocator registers (255: none) */
    uint8_t rmw_op;          /* JitAtomicOp */
    bool val_imm;            /* the value is the immediate `imm` */
    uint64_t imm;
    uint32_t oi;             /* jit_make_oi(memop, mmu) */
    uint32_t branch_off;     /* the fast path's branch to the slow path */
    uint32_t ret_off;        /* where the slow path returns to */
    RaRegSet save;           /* live call-clobbered registers to preserve */
} A64Slow;

typedef struct A64Reloc {
    uint32_t label;
    uint32_t insn_off;       /* branch instruction to retarget */
} A64Reloc;

typedef struct A64Gen {
    A64Buf buf;
    uintptr_t rx;            /* run-time address of buf.base */
    JitCodeGen *cg;
    IrContext *ctx;
    bool user_mode;
    bool lse;                /* ARMv8.1 atomics usable */
    bool lrcpc;              /* ARMv8.3 LDAPR usable (tso loads) */
    int32_t *label_off;      /* host offset per label, -1 until placed */
    GArray *relocs;          /* A64Reloc */
    GArray *slows;           /* A64Slow */
    uintptr_t epilogue;      /* run-time address: return x0 */
    uintptr_t epilogue_zero; /* run-time address: return 0 */
    JitError err;
} A64Gen;

/* The allocator target for this mode (user mode reserves x28). */
const RaTarget *a64_target(bool user_mode);

/* Whether the host has LSE atomics (HWCAP_ATOMICS), unless forced off. */
bool a64_have_lse(void);
/* Tests: force LSE off (false) or back to the host's answer (true). */
void a64_set_lse_allowed(bool allowed);
/* Whether TBs use LDAPR (ARMv8.3 LRCPC) for tso loads, else LDR + DMB
 * ISHLD (docs/memory-model.md): the host's HWCAP_LRCPC unless forced. */
bool a64_have_lrcpc(void);
typedef enum A64FeatMode {
    A64_FEAT_HOST,           /* what the host says (the default) */
    A64_FEAT_OFF,            /* tests: the fallback, even on a host that has it */
    A64_FEAT_ON,             /* tests that only disassemble: as if the host had it */
} A64FeatMode;
void a64_set_lrcpc_mode(A64FeatMode mode);

/* Hooks for the allocator (a64-lower.c). */
const RaConstraint *a64_constraint(void *be, const IrOp *op);
JitError a64_emit(void *be, RaState *ra, const IrOp *op, const RaOperand *o);

/* Guest memory and atomics (a64-lower-mem.c). */
const RaConstraint *a64_mem_constraint(A64Gen *g, const IrOp *op);
JitError a64_emit_mem(A64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o);
void a64_emit_slow_paths(A64Gen *g);
/* One load/store with a memop at [base + off] (host ld/st: base is a GPR)
 * or [base + index] (index >= 0: register offset, guest accesses). */
JitError a64_emit_load(A64Gen *g, IrType t, IrMemOp mo, int d, int base, int index,
                       int32_t off);
JitError a64_emit_store(A64Gen *g, IrType t, IrMemOp mo, RaOperand v, int base, int index,
                        int32_t off);

/* Vectors and i128 (a64-lower-vec.c). */
const RaConstraint *a64_vec_constraint(A64Gen *g, const IrOp *op);
JitError a64_emit_vec(A64Gen *g, const IrOp *op, const RaOperand *o);

/* Small shared helpers (a64-lower.c). */
static inline bool a64_is_vreg(unsigned ra_reg) { return ra_reg >= 32; }
static inline int a64_v(unsigned ra_reg) { return ra_reg - 32; }
static inline uint32_t a64_off(const A64Gen *g) { return (uint32_t)g->buf.pos; }
static inline uintptr_t a64_pc(const A64Gen *g) { return g->rx + g->buf.pos; }
void a64_emit_mov(A64Gen *g, IrType t, int d, int s);
/* The register holding operand o: o's register, xzr for 0, else `tmp`
 * loaded with the immediate. */
int a64_opnd_reg(A64Gen *g, bool sf, RaOperand o, int tmp);
/* ldr/str of `op` at [base + off], any off (x16 holds a far one). */
void a64_ldst_any(A64Gen *g, A64MemOp op, int rt, int base, int64_t off);
/* Call or jump to an absolute address (B/BL when in range, else via x16). */
void a64_call_abs(A64Gen *g, uintptr_t target);
void a64_jump_abs(A64Gen *g, uintptr_t target);
/* Raw NEON words the encoder lacks. */
void a64_vcnt8(A64Gen *g, int vd, int vn);
void a64_vaddv8(A64Gen *g, int vd, int vn);
void a64_vrev(A64Gen *g, unsigned bytes, bool q, int vd, int vn);
void a64_vext16(A64Gen *g, int vd, int vn, int vm, unsigned imm4);

#endif
