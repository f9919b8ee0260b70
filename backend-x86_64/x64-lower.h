/*
 * x64-lower.h — internal interface of the x86-64 backend: the per-TB code
 * generation state shared by the op lowering files (x64-lower.c integer
 * and control ops, x64-lower-mem.c guest memory and atomics, x64-lower-vec.c
 * vectors) and the host glue (x64-backend.c).
 *
 * Register conventions (host registers as numbered by the allocator:
 * 0..15 GPRs, 16..31 xmm0..xmm15):
 *   r14  env (the JitCpu pointer), fixed for the whole TB
 *   r15  guest_base in user mode; allocatable in softmmu mode
 *   r11  backend scratch (never allocated): TLB entry pointer, call target
 *   rsp  the frame: spill slots, the slow-path save area, helper buffers
 *   xmm15 vector scratch (never allocated)
 * i128 values live in an xmm register (low lane = low half).
 */
#ifndef FERRY_BACKEND_X86_64_X64_LOWER_H
#define FERRY_BACKEND_X86_64_X64_LOWER_H

#include <glib.h>

#include "backend-x86_64/x64-enc.h"
#include "jit/backend.h"
#include "jit/regalloc.h"

#define X64_ENV      X64_R14
#define X64_GBASE    X64_R15
#define X64_TMP      X64_R11
#define X64_XMM(n)   (16 + (n))
#define X64_VTMP     15                 /* xmm15, as an encoder xmm number */

/* Frame below the pushed callee-saved registers (rsp-relative). */
#define X64_FRAME_SLOTS_OFF   0
#define X64_FRAME_SLOTS_SIZE  2048      /* 128 spill slots of 16 bytes */
#define X64_FRAME_SAVE_OFF    2048      /* slow paths: 16 GPRs then 16 xmm */
#define X64_FRAME_BUF_OFF     2432      /* 48 bytes for helper in/out buffers */
#define X64_FRAME_SIZE        2488      /* == 8 mod 16: rsp aligned after 6 pushes */

_Static_assert(X64_FRAME_SIZE % 16 == 8, "frame keeps rsp 16-byte aligned in TB code");

typedef enum X64SlowKind { X64_SLOW_LD, X64_SLOW_ST, X64_SLOW_CMPXCHG, X64_SLOW_RMW } X64SlowKind;

/* An out-of-line softmmu slow path, emitted after the TB body. */
typedef struct X64Slow {
    uint8_t kind;            /* X64SlowKind */
    uint8_t type;            /* IrType of the op */
    uint8_t out, addr, val, cmp;   /* allocator register numbers (255: none) */
    uint8_t rmw_op;          /* JitAtomicOp */
    bool val_imm;            /* store of the immediate `imm` (not `val`) */
    uint64_t imm;
    uint32_t oi;             /* jit_make_oi(memop, mmu) */
    uint32_t jmp_field;      /* rel32 of the fast path's branch to the slow path */
    uint32_t ret_off;        /* where the slow path returns to */
    RaRegSet save;           /* live call-clobbered registers to preserve */
} X64Slow;

typedef struct X64Reloc {
    uint32_t label;
    uint32_t field;          /* rel32 field offset */
} X64Reloc;

typedef struct X64Gen {
    X64Buf buf;
    JitCodeGen *cg;
    IrContext *ctx;
    const X64Features *feat;
    bool user_mode;
    int32_t *label_off;      /* host offset per label, -1 until placed */
    GArray *relocs;          /* X64Reloc */
    GArray *slows;           /* X64Slow */
    uintptr_t epilogue;      /* run-time address: return rax */
    uintptr_t epilogue_zero; /* run-time address: return 0 */
    /* Code offset + 1 (0: none) right after a 32-bit instruction that
     * wrote register zx_reg, set by the op just emitted (zx_end) and as
     * seen by the current op (zx_prev, x64_emit moves it): a zero
     * extension of zx_reg there is a no-op. Any other op or emitted code
     * (an allocator move, a label) breaks the match. */
    size_t zx_end, zx_prev;
    int zx_reg;
    JitError err;
} X64Gen;

/* The allocator target for this mode (user mode reserves r15). */
const RaTarget *x64_target(bool user_mode);

/* Hooks for the allocator (x64-lower.c). */
const RaConstraint *x64_constraint(void *be, const IrOp *op);
JitError x64_emit(void *be, RaState *ra, const IrOp *op, const RaOperand *o);

/* Guest memory and atomics (x64-lower-mem.c). */
const RaConstraint *x64_mem_constraint(X64Gen *g, const IrOp *op);
JitError x64_emit_mem(X64Gen *g, RaState *ra, const IrOp *op, const RaOperand *o);
void x64_emit_slow_paths(X64Gen *g);

/*
 * One load or store with a memop (size, sign, byte order) at m, shared by
 * host (ld/st) and guest accesses. A store may use `swap_reg` (a GPR the
 * caller can spare, never part of m) for a byte-swapped or wide immediate
 * value. JIT_ERR_UNSUPPORTED for shapes the IR does not define.
 */
JitError x64_emit_load(X64Gen *g, IrType t, IrMemOp mo, int d, X64Mem m);
JitError x64_emit_store(X64Gen *g, IrType t, IrMemOp mo, RaOperand v, X64Mem m, int swap_reg);

/* Vectors and i128 moves (x64-lower-vec.c). */
const RaConstraint *x64_vec_constraint(X64Gen *g, const IrOp *op);
JitError x64_emit_vec(X64Gen *g, const IrOp *op, const RaOperand *o);

/* Small shared emit helpers. */
static inline int x64_xmm(unsigned ra_reg) { return ra_reg - 16; }
void x64_emit_mov(X64Gen *g, IrType t, int d, int s);
/* A 128-bit value in xmm <-> the pair lo/hi in GPRs (SSE4.1 or via the frame). */
void x64_xmm_to_pair(X64Gen *g, int x, int lo, int hi);
void x64_pair_to_xmm(X64Gen *g, int x, int lo, int hi);

#endif
