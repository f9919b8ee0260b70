/*
 * ir.h — ferry's intermediate representation.
 *
 * A translation block (TB) is translated into a list of IR ops held by an
 * IrContext. An op reads and writes *temps*; every temp has a type and a
 * kind:
 *
 *   - constant   a value known at translation time, printed `$42`, `$-1`,
 *                `$0x10`;
 *   - block      a temp whose value dies at the end of its basic block
 *                (a label or a branch), printed `t3`;
 *   - TB         a temp that keeps its value across labels inside the TB,
 *                printed `l3` ("local");
 *   - global     a field of the CPU state at a fixed offset from `env`,
 *                printed by its name (`rax`, `rip`, `xmm0`). Globals are
 *                registered once per context and survive ir_reset();
 *   - fixed      `env` itself: the host pointer to the CPU state.
 *
 * Types are i32, i64, i128 and v128. Integer ops are polymorphic over i32
 * and i64; the op carries its type and prints it as a suffix (`add.i64`).
 * An i32 value occupies the low 32 bits; backends may keep garbage in the
 * upper half of a 64-bit host register and every op that widens says how.
 *
 * Worked example: `add rax, 5` at 0x401000 (flags kept lazily):
 *
 *     insn_start $0x401000, $0
 *     t0 = add.i64 rax, $5
 *     cc_src = mov.i64 $5
 *     cc_dst = mov.i64 t0
 *     cc_op = mov.i32 $7
 *     rax = mov.i64 t0
 *
 * After optimization (copy propagation writes t0 straight into rax, and a
 * later instruction that overwrites the flags makes the three cc_* moves
 * dead) only `rax = add.i64 rax, $5` remains.
 *
 * Ops are kept in a doubly linked list so passes can remove and insert
 * in O(1). Each op has a fixed argument array: outputs, then inputs (temp
 * indices), then immediate consts — exactly the printed order. Per-op
 * properties come from the X-macro table in jit/ir-ops.h.
 *
 * Ownership: an IrContext belongs to one translating thread at a time (the
 * thread holding the translation lock); nothing in it is shared.
 */
#ifndef FERRY_JIT_IR_H
#define FERRY_JIT_IR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------- */
/* Types                                                                   */

typedef enum IrType {
    IR_I32,
    IR_I64,
    IR_I128,
    IR_V128,
    IR_TYPE_COUNT,
    IR_VOID = IR_TYPE_COUNT,   /* only as a helper's return type */
} IrType;

/* Size in bytes of a value of type t. */
unsigned ir_type_size(IrType t);
/* "i32", "i64", "i128", "v128", "void". */
const char *ir_type_name(IrType t);

typedef enum IrTempKind {
    IR_TEMP_CONST,
    IR_TEMP_BLOCK,
    IR_TEMP_TB,
    IR_TEMP_GLOBAL,
    IR_TEMP_FIXED,
} IrTempKind;

/* ---------------------------------------------------------------------- */
/* Op table                                                                */

enum {
    IR_OPF_INT          = 1 << 0,  /* type is i32 or i64 (or i128 for atomics) */
    IR_OPF_VEC          = 1 << 1,  /* may have type v128 */
    IR_OPF_SIDE_EFFECTS = 1 << 2,  /* never removed even if outputs are dead */
    IR_OPF_BB_START     = 1 << 3,  /* starts a basic block (set_label) */
    IR_OPF_BB_END       = 1 << 4,  /* ends a basic block */
    IR_OPF_BB_EXIT      = 1 << 5,  /* leaves the TB: globals must be in memory */
    IR_OPF_COND_BRANCH  = 1 << 6,
    IR_OPF_CALL         = 1 << 7,
    IR_OPF_MEM          = 1 << 8,  /* guest memory access: may fault */
};

typedef enum IrOpcode {
#define IR_OP(name, o, i, c, f) IR_OP_##name,
#include "jit/ir-ops.h"
#undef IR_OP
    IR_OP_COUNT
} IrOpcode;

typedef struct IrOpDef {
    const char *name;
    uint8_t nb_oargs, nb_iargs, nb_cargs;
    uint32_t flags;
} IrOpDef;

/* Indexed by IrOpcode. */
extern const IrOpDef ir_op_defs[IR_OP_COUNT];

/* ---------------------------------------------------------------------- */
/* Immediate argument encodings                                            */

/* Conditions for setcond/movcond/brcond. */
typedef enum IrCond {
    IR_COND_NEVER, IR_COND_ALWAYS,
    IR_COND_EQ, IR_COND_NE,
    IR_COND_LT, IR_COND_GE, IR_COND_LE, IR_COND_GT,        /* signed */
    IR_COND_LTU, IR_COND_GEU, IR_COND_LEU, IR_COND_GTU,    /* unsigned */
    IR_COND_TSTEQ, IR_COND_TSTNE,                          /* (a & b) ==/!= 0 */
    IR_COND_COUNT
} IrCond;

const char *ir_cond_name(IrCond c);
IrCond ir_cond_invert(IrCond c);      /* !(a c b) == (a inv(c) b) */
IrCond ir_cond_swap(IrCond c);        /* (a c b) == (b swap(c) a) */
/* Evaluate c on two values of width bits (32 or 64). */
bool ir_cond_eval(IrCond c, uint64_t a, uint64_t b, unsigned bits);

/*
 * A memop describes one memory access: size, signedness, byte order,
 * alignment requirement, atomicity and x86-TSO ordering. Printed as a
 * bracketed list, e.g. `[u8]`, `[s32]`, `[u64 be]`, `[u32 align]`,
 * `[u128 atom]`, `[u32 tso]`.
 */
typedef uint32_t IrMemOp;
enum {
    IR_MO_SIZE_MASK = 7,        /* log2 of the size in bytes: 0..4 */
    IR_MO_8 = 0, IR_MO_16 = 1, IR_MO_32 = 2, IR_MO_64 = 3, IR_MO_128 = 4,
    IR_MO_SIGN  = 1 << 3,       /* sign-extend to the op's type */
    IR_MO_BSWAP = 1 << 4,       /* big-endian access on this little-endian guest */
    IR_MO_ALIGN = 1 << 5,       /* fault (IR_EXC_ALIGN) if misaligned */
    IR_MO_ATOM  = 1 << 6,       /* must be single-copy atomic as a whole */
    /* guest_ld/guest_st only: ordered as an x86-TSO access against the
     * vCPU's other guest accesses: a load before every later access
     * (acquire, RCpc is enough), a store after every earlier access
     * (release). Store->load stays unordered. docs/memory-model.md. */
    IR_MO_TSO   = 1 << 7,
    IR_MO_ALL_BITS = 0xff,      /* every defined memop bit */
};
static inline unsigned ir_memop_size(IrMemOp mo) { return 1u << (mo & IR_MO_SIZE_MASK); }

/* Barrier ordering mask for `mb`: which earlier→later pairs are ordered. */
enum {
    IR_MB_LD_LD = 1 << 0,
    IR_MB_LD_ST = 1 << 1,
    IR_MB_ST_LD = 1 << 2,
    IR_MB_ST_ST = 1 << 3,
    IR_MB_ALL   = 0xf,
};

/* Helper call flags (what the callee may do to the guest state). */
enum {
    IR_CALL_NO_READ_GLOBALS  = 1 << 0,  /* globals need not be synced before */
    IR_CALL_NO_WRITE_GLOBALS = 1 << 1,  /* globals need not be reloaded after */
    IR_CALL_NO_SIDE_EFFECTS  = 1 << 2,  /* removable if the result is dead */
};

/* ---------------------------------------------------------------------- */
/* Helpers                                                                 */

#define IR_MAX_CALL_ARGS 6

/*
 * A helper is a C function that generated code calls. Arguments and the
 * result are i32, i64 or i128 (i128 passed as two i64 halves per the host
 * ABI is not supported: pass pointers instead); a v128 never crosses a call.
 * Helpers are registered once, process-wide, before any translation;
 * the registry is then read-only and needs no lock.
 */
typedef struct IrHelper {
    const char *name;
    void *func;
    IrType ret;                           /* IR_VOID for none */
    uint8_t nb_args;
    IrType args[IR_MAX_CALL_ARGS];
    uint32_t flags;                       /* IR_CALL_* */
} IrHelper;

/* Register a helper; returns its id. Dies on a duplicate name. */
unsigned ir_helper_register(const IrHelper *h);
/* Look up by name; NULL if unknown. */
const IrHelper *ir_helper_find(const char *name, unsigned *id);
const IrHelper *ir_helper_get(unsigned id);
/* Number of registered helpers: valid ids are 0 .. count-1. */
unsigned ir_helper_count(void);

/* ---------------------------------------------------------------------- */
/* Temps, ops, labels                                                      */

typedef uint32_t IrTempIdx;   /* index into IrContext.temps */
typedef uint64_t IrArg;       /* a temp index or an immediate */

#define IR_MAX_ARGS (1 + 1 + IR_MAX_CALL_ARGS + 1)

typedef struct IrTemp {
    uint8_t kind;             /* IrTempKind */
    uint8_t type;             /* IrType */
    bool indirect;            /* reserved: global reached through a pointer */
    int32_t offset;           /* global: byte offset from env */
    uint64_t val;             /* const: the value (i32 consts zero-extended) */
    const char *name;         /* global / fixed: printed name */
    uint32_t index;           /* block/TB temps: printed number */
    /* Scratch for passes (each pass says what it leaves here). */
    void *state;
    uint32_t aux;
} IrTemp;

typedef struct IrOp {
    uint16_t opc;             /* IrOpcode */
    uint8_t type;             /* IrType of the op */
    uint8_t nb_oargs;         /* call only; others take these from ir_op_defs */
    uint8_t nb_iargs;
    uint32_t prev, next;      /* list links; 0 is the list head sentinel */
    /*
     * Liveness result (jit/liveness.c), read by the register allocator:
     * bit i set in `dead` means argument i (outputs then inputs) is not
     * used after this op; bit i set in `sync` means the global argument i
     * must be written back to memory after this op.
     */
    uint16_t dead, sync;
    IrArg args[IR_MAX_ARGS];
} IrOp;

typedef struct IrLabel {
    bool present;             /* set_label emitted */
    uint32_t refs;            /* branches to it */
    /* Backend scratch: resolved host offset and pending relocations. */
    intptr_t host_offset;
    void *relocs;
} IrLabel;

typedef struct IrContext {
    IrTemp *temps;
    uint32_t nb_temps, nb_globals, temps_cap;
    uint32_t next_block_index, next_tb_index;
    IrTempIdx env;            /* the fixed env temp */

    IrOp *ops;                /* ops[0] is the list sentinel */
    uint32_t nb_ops, ops_cap, free_ops;  /* free_ops: freelist head, 0 = none */
    uint32_t nb_live_ops;

    IrLabel *labels;
    uint32_t nb_labels, labels_cap;

    /* Constant interning for the current TB (open addressing). */
    IrTempIdx *const_hash;
    uint32_t const_hash_cap, const_hash_used;
} IrContext;

/* Create an empty context with only `env` defined. */
IrContext *ir_context_new(void);
void ir_context_free(IrContext *ctx);
/* Drop all ops, labels, constants and non-global temps: ready for a new TB. */
void ir_reset(IrContext *ctx);

/* Register a global at env+offset; names must be unique. */
IrTempIdx ir_global_new(IrContext *ctx, IrType type, int32_t offset, const char *name);
/* Find a global (or `env`) by name; returns false if there is none. */
bool ir_global_find(const IrContext *ctx, const char *name, IrTempIdx *out);

IrTempIdx ir_temp_new(IrContext *ctx, IrType type);      /* block temp */
IrTempIdx ir_temp_new_tb(IrContext *ctx, IrType type);   /* TB temp */
/* Interned constant; v is truncated to the type (i32: low 32 bits). */
IrTempIdx ir_const(IrContext *ctx, IrType type, uint64_t v);
static inline IrTempIdx ir_const_i32(IrContext *ctx, uint32_t v) { return ir_const(ctx, IR_I32, v); }
static inline IrTempIdx ir_const_i64(IrContext *ctx, uint64_t v) { return ir_const(ctx, IR_I64, v); }

static inline IrTemp *ir_temp(const IrContext *ctx, IrTempIdx t) { return &ctx->temps[t]; }
static inline bool ir_temp_is_const(const IrContext *ctx, IrTempIdx t)
{
    return ctx->temps[t].kind == IR_TEMP_CONST;
}

uint32_t ir_label_new(IrContext *ctx);

/* Op list access. */
static inline IrOp *ir_first_op(IrContext *ctx)
{
    return ctx->ops[0].next ? &ctx->ops[ctx->ops[0].next] : NULL;
}
static inline IrOp *ir_last_op(IrContext *ctx)
{
    return ctx->ops[0].prev ? &ctx->ops[ctx->ops[0].prev] : NULL;
}
static inline IrOp *ir_next_op(IrContext *ctx, IrOp *op)
{
    return op->next ? &ctx->ops[op->next] : NULL;
}
static inline IrOp *ir_prev_op(IrContext *ctx, IrOp *op)
{
    return op->prev ? &ctx->ops[op->prev] : NULL;
}
#define IR_FOR_EACH_OP(ctx, op) \
    for (IrOp *op = ir_first_op(ctx); op; op = ir_next_op(ctx, op))
/* Safe against removal of `op` inside the loop. */
#define IR_FOR_EACH_OP_SAFE(ctx, op, nx) \
    for (IrOp *op = ir_first_op(ctx), *nx = op ? ir_next_op(ctx, op) : NULL; op; \
         op = nx, nx = op ? ir_next_op(ctx, op) : NULL)

static inline unsigned ir_op_nb_oargs(const IrOp *op)
{
    return op->opc == IR_OP_call ? op->nb_oargs : ir_op_defs[op->opc].nb_oargs;
}
static inline unsigned ir_op_nb_iargs(const IrOp *op)
{
    return op->opc == IR_OP_call ? op->nb_iargs : ir_op_defs[op->opc].nb_iargs;
}
static inline unsigned ir_op_nb_cargs(const IrOp *op) { return ir_op_defs[op->opc].nb_cargs; }
static inline uint32_t ir_op_flags(const IrOp *op) { return ir_op_defs[op->opc].flags; }
/* The first const argument. */
static inline IrArg *ir_op_cargs(IrOp *op)
{
    return &op->args[ir_op_nb_oargs(op) + ir_op_nb_iargs(op)];
}

/*
 * Append an op at the end of the list. `args` holds outputs, inputs and
 * consts in printed order. For `call`, nb_o/nb_i give the temp counts;
 * for every other op they must match ir_op_defs and may be passed as -1.
 */
IrOp *ir_emit(IrContext *ctx, IrOpcode opc, IrType type, int nb_o, int nb_i,
              const IrArg *args);
/* Insert a new op before/after `at` (same argument rules as ir_emit). */
IrOp *ir_insert_before(IrContext *ctx, IrOp *at, IrOpcode opc, IrType type,
                       int nb_o, int nb_i, const IrArg *args);
IrOp *ir_insert_after(IrContext *ctx, IrOp *at, IrOpcode opc, IrType type,
                      int nb_o, int nb_i, const IrArg *args);
/* Unlink an op and return it to the freelist. */
void ir_remove(IrContext *ctx, IrOp *op);
static inline uint32_t ir_op_index(const IrContext *ctx, const IrOp *op)
{
    return (uint32_t)(op - ctx->ops);
}

/* ---------------------------------------------------------------------- */
/* Builders: one per common shape, used by front ends and tests.           */

void ir_gen_op1(IrContext *ctx, IrOpcode opc, IrType t, IrTempIdx d, IrTempIdx a);
void ir_gen_op2(IrContext *ctx, IrOpcode opc, IrType t, IrTempIdx d, IrTempIdx a, IrTempIdx b);
void ir_gen_mov(IrContext *ctx, IrType t, IrTempIdx d, IrTempIdx s);
void ir_gen_movi(IrContext *ctx, IrType t, IrTempIdx d, uint64_t v);
void ir_gen_setcond(IrContext *ctx, IrType t, IrCond c, IrTempIdx d, IrTempIdx a, IrTempIdx b);
void ir_gen_movcond(IrContext *ctx, IrType t, IrCond c, IrTempIdx d, IrTempIdx a,
                    IrTempIdx b, IrTempIdx vt, IrTempIdx vf);
void ir_gen_brcond(IrContext *ctx, IrType t, IrCond c, IrTempIdx a, IrTempIdx b, uint32_t label);
void ir_gen_br(IrContext *ctx, uint32_t label);
void ir_gen_set_label(IrContext *ctx, uint32_t label);
void ir_gen_extract(IrContext *ctx, IrType t, IrTempIdx d, IrTempIdx s, unsigned pos, unsigned len);
void ir_gen_sextract(IrContext *ctx, IrType t, IrTempIdx d, IrTempIdx s, unsigned pos, unsigned len);
void ir_gen_deposit(IrContext *ctx, IrType t, IrTempIdx d, IrTempIdx base, IrTempIdx val,
                    unsigned pos, unsigned len);
void ir_gen_ld(IrContext *ctx, IrType t, IrTempIdx d, IrTempIdx base, int32_t off, IrMemOp mo);
void ir_gen_st(IrContext *ctx, IrType t, IrTempIdx val, IrTempIdx base, int32_t off, IrMemOp mo);
void ir_gen_guest_ld(IrContext *ctx, IrType t, IrTempIdx d, IrTempIdx addr, IrMemOp mo, unsigned mmu);
void ir_gen_guest_st(IrContext *ctx, IrType t, IrTempIdx val, IrTempIdx addr, IrMemOp mo, unsigned mmu);
void ir_gen_mb(IrContext *ctx, unsigned mask);
void ir_gen_insn_start(IrContext *ctx, uint64_t pc, uint64_t extra);
void ir_gen_goto_tb(IrContext *ctx, unsigned slot);
void ir_gen_exit_tb(IrContext *ctx, uint64_t val);
/* Call helper `id`; ret may be 0 (no result) when the helper returns void. */
void ir_gen_call(IrContext *ctx, unsigned id, IrTempIdx ret, const IrTempIdx *args);

/* ---------------------------------------------------------------------- */
/* Text form (jit/ir-print.c, jit/ir-parse.c)                              */

#include <stdio.h>

/* Print one op / the whole list in the textual form, one op per line. */
void ir_print_op(const IrContext *ctx, const IrOp *op, FILE *f);
void ir_print(const IrContext *ctx, FILE *f);
/* Format a memop as "[u32 be]" into buf; returns buf. */
const char *ir_memop_format(IrMemOp mo, char *buf, size_t len);

typedef struct IrParseError {
    unsigned line, col;
    char msg[160];
} IrParseError;

/*
 * Parse ops in the textual form and append them to ctx. Globals must already
 * be registered; block temps (`tN`), TB temps (`lN`) and labels (`LN`) are
 * created on first mention. Returns false with *err filled on malformed
 * input; ctx then holds an unspecified partial list and must be reset.
 */
bool ir_parse(IrContext *ctx, const char *text, IrParseError *err);

/* ---------------------------------------------------------------------- */
/* Verifier (jit/ir-verify.c)                                              */

/*
 * Check the op list for well-formedness: argument kinds and types match the
 * op, temps are defined before use within their scope, labels are placed
 * once, constants are in range. On failure writes a message naming the op
 * and returns false.
 */
bool ir_verify(const IrContext *ctx, char *msg, size_t len);

/*
 * The type temp argument argno (outputs first, then inputs) of op must have,
 * derived from the opcode, the op's type, its consts (vector element size)
 * and, for call, the helper's signature. IR_VOID if argno is not a temp
 * argument of op or the op is malformed (unknown opcode or helper). The
 * parser uses it to type new temps; docs/ir.md lists the rules.
 */
IrType ir_op_arg_type(const IrContext *ctx, const IrOp *op, unsigned argno);

/* Whether opc may carry type t (the `.type` suffix of polymorphic ops). */
bool ir_op_type_allowed(IrOpcode opc, IrType t);

#endif /* FERRY_JIT_IR_H */
