/*
 * regalloc.h — the register allocator shared by the native backends: one
 * forward pass over the IR list that assigns host registers to temps and
 * calls the backend to emit each op with concrete operands.
 *
 * A backend describes its host as data (RaTarget: register classes, the
 * allocation order, call-clobbered set, argument registers, where globals
 * and spill slots live) plus a few hooks (move, load, store, emit) and a
 * *named constraint descriptor* per op (RaConstraint: which registers each
 * operand may use, two-address aliasing, immediates, fixed registers,
 * clobbers, scratch registers).
 *
 * State model (kept linear and simple on purpose):
 *   - Globals are loaded lazily into a register at first use in a basic
 *     block and written back where IrOp.sync says, and always before a BB
 *     end, goto_tb, a call that may read or write globals, and a guest
 *     memory op (which may fault: the fault handler reads the state from
 *     memory). After a call that may write globals they are dropped.
 *   - At a label everything is dropped: globals and TB temps are in memory
 *     (synced at the BB end or before falling through into the label),
 *     block temps are dead. So no state is merged across edges.
 *   - A value evicted under pressure goes to its memory home: env+offset
 *     for globals, a frame slot (allocated on demand) for other temps.
 *   - Constants are never held: they are used as immediates when the
 *     operand's constraint allows, else materialized into a register just
 *     for the op. `t = mov $c` emits nothing: t is known to hold c until
 *     an op needs it in a register or it is synced (stored as an
 *     immediate). A global stays known as that constant after the store,
 *     so setting it to the same constant again stores nothing.
 *
 * Liveness: IrOp.dead/sync as opt_liveness (jit/opt.h) defines them are
 * read if `ra_run` is told they are valid; otherwise
 * ra_conservative_liveness() computes safe hints first (block temps exact
 * within their BB, everything else live). The allocator also writes dirty
 * globals back at every memory point itself, so it is correct with either.
 *
 * An RaState belongs to one translating thread (the translation lock
 * holder); nothing in it is shared.
 */
#ifndef FERRY_JIT_REGALLOC_H
#define FERRY_JIT_REGALLOC_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/backend.h"
#include "jit/ir.h"

#define RA_MAX_REGS 64
typedef uint64_t RaRegSet;

typedef enum RaClass { RA_CLASS_GPR, RA_CLASS_VEC, RA_NB_CLASSES } RaClass;

/* Immediate kinds an input operand may accept instead of a register. */
typedef enum RaImm {
    RA_IMM_NONE,
    RA_IMM_ANY,          /* any constant (the emitter copes) */
    RA_IMM_S32,          /* i32 op: any; i64 op: sign-extended 32-bit value */
} RaImm;

enum {
    RA_ARG_NEWREG = 1 << 0,   /* output: must not share a register with any input */
};

typedef struct RaArgCons {
    RaRegSet regs;            /* allowed registers (a single one: fixed); 0 = any
                                 register of the value's class */
    int8_t alias;             /* output: 1 + index of the input whose register it
                                 takes (two-address); 0 = none */
    uint8_t imm;              /* input: RaImm */
    uint8_t flags;            /* RA_ARG_* */
} RaArgCons;

enum {
    RA_OP_SYNC_GLOBALS = 1 << 0,  /* write dirty globals back before (may fault) */
    RA_OP_CALL_CLOBBER = 1 << 1,  /* clobbers the call-clobbered set */
};

/*
 * A named operand descriptor, e.g. "r_0_ri": out any reg, in0 same as out,
 * in1 reg or imm32. Outputs then inputs follow the op's argument order; the
 * emitter receives operands in the same order followed by the scratch regs.
 */
typedef struct RaConstraint {
    const char *name;
    uint8_t flags;            /* RA_OP_* */
    uint8_t nb_scratch;       /* extra registers the emitter may clobber */
    RaRegSet scratch_regs;    /* where scratch may live; 0 = any GPR */
    RaRegSet clobbers;        /* fixed registers destroyed by the op */
    RaArgCons out[2];
    RaArgCons in[IR_MAX_CALL_ARGS];
} RaConstraint;

/* One operand as given to the emitter. */
typedef struct RaOperand {
    bool is_imm;
    uint8_t reg;
    uint64_t imm;
} RaOperand;

#define RA_MAX_OPERANDS (2 + IR_MAX_CALL_ARGS + 4)

typedef struct RaState RaState;

/* The backend's hooks; `be` is the backend's own code generation state. */
typedef struct RaHooks {
    void (*mov)(void *be, IrType t, int dst, int src);
    void (*movi)(void *be, IrType t, int dst, uint64_t v);
    void (*load)(void *be, IrType t, int reg, int base, int32_t off);
    void (*store)(void *be, IrType t, int reg, int base, int32_t off);
    /* *(base + off) = v for an i32/i64 value; any scratch it needs is the
     * backend's own (never an allocatable register). */
    void (*store_imm)(void *be, IrType t, uint64_t v, int base, int32_t off);
    /* The descriptor for op (never NULL: unsupported ops are reported by
     * emit). For calls the allocator builds the descriptor itself. */
    const RaConstraint *(*constraint)(void *be, const IrOp *op);
    /* Emit op with operands: outputs, inputs, scratch. Returns JIT_OK or an
     * error (JIT_ERR_UNSUPPORTED) that aborts the pass. */
    JitError (*emit)(void *be, RaState *ra, const IrOp *op, const RaOperand *opnd);
} RaHooks;

typedef struct RaTarget {
    unsigned nb_regs;
    const char *const *reg_names;
    RaRegSet class_regs[RA_NB_CLASSES];    /* allocatable registers per class */
    const uint8_t *alloc_order;            /* preference order over all classes */
    unsigned nb_alloc_order;
    RaRegSet call_clobbered;
    uint8_t call_arg_regs[IR_MAX_CALL_ARGS];
    uint8_t call_ret_reg;
    uint8_t env_reg;                       /* base of globals */
    uint8_t frame_reg;                     /* base of spill slots */
    int32_t frame_offset;                  /* first slot: frame_reg + frame_offset */
    uint32_t frame_size;                   /* bytes of spill slots (16 per slot) */
    RaHooks hooks;
} RaTarget;

/*
 * Allocate registers for ctx and emit every op through tgt->hooks.
 * `have_liveness`: IrOp.dead/sync were filled by opt_liveness; if false,
 * ra_conservative_liveness(ctx) is run first. The class-allowed sets in
 * `tgt` may be narrowed for this call (user vs softmmu reserve different
 * registers). Returns JIT_OK or the first error from a hook, or
 * JIT_ERR_TOO_LARGE when the spill frame is exhausted.
 */
JitError ra_run(const RaTarget *tgt, void *be, IrContext *ctx, bool have_liveness);

/*
 * Conservative liveness hints: block temps get exact dead bits within
 * their basic block; an input that the same op redefines is dead; every
 * other temp stays live; no sync bits (the allocator syncs at BB ends,
 * calls and memory ops). For IR that did not go through opt_liveness.
 */
void ra_conservative_liveness(IrContext *ctx);

/* During emit: registers holding values that must survive the op (the
 * backend saves the call-clobbered ones around an out-of-line call). */
RaRegSet ra_live_regs(const RaState *ra);

/* Class of values of type t. */
static inline RaClass ra_class_of(IrType t)
{
    return t == IR_I128 || t == IR_V128 ? RA_CLASS_VEC : RA_CLASS_GPR;
}

/*
 * Stress mode: limit every class to its first n registers in allocation
 * order (0 = no limit). Fixed-register constraints are still honoured.
 * Process-wide; set it before translating (tests, or FERRY_RA_REGS=n in the
 * environment, read at the first ra_run).
 */
void ra_set_reg_limit(unsigned n);

#endif /* FERRY_JIT_REGALLOC_H */
