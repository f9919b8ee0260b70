/*
 * interp-gen.c — the interpreter backend's "code generator": serializes an
 * optimized IR list into the bytecode of jit/interp-bc.h at cg->rw, records
 * insn_start boundaries and goto_tb patch words like a native backend, and
 * prepares the libffi call descriptors of the helpers the TB calls.
 */
#include "jit/interp.h"

#include <assert.h>
#include <ffi.h>
#include <glib.h>
#include <string.h>

#include "jit/fatal.h"
#include "jit/interp-bc.h"
#include "jit/thread-annot.h"

/* ---------------------------------------------------------------------- */
/* libffi call descriptors                                                 */

/*
 * One ffi_cif per helper id, built on first use by a translating thread
 * under cif_lock and never freed, so the pointer can be embedded in
 * bytecode and used by any thread without a lock. (Translation may run on
 * several threads when each has its own engine; the lock covers that.)
 */
typedef struct InterpCif {
    ffi_cif cif;
    ffi_type *args[IR_MAX_CALL_ARGS];
} InterpCif;

static JitMutex cif_lock = JIT_MUTEX_INITIALIZER;
static GHashTable *cif_table GUARDED_BY(cif_lock);   /* helper id -> InterpCif * */

static ffi_type *ffi_type_of(IrType t)
{
    switch (t) {
    case IR_VOID: return &ffi_type_void;
    case IR_I32:  return &ffi_type_uint32;
    case IR_I64:  return &ffi_type_uint64;
    default:      return NULL;     /* i128/v128 never cross a call here */
    }
}

/* The descriptor for helper id, or NULL if its signature is unsupported. */
static ffi_cif *cif_for_helper(unsigned id)
{
    const IrHelper *h = ir_helper_get(id);
    InterpCif *ic;

    jit_mutex_lock(&cif_lock);
    if (!cif_table) {
        cif_table = g_hash_table_new(g_direct_hash, g_direct_equal);
    }
    ic = g_hash_table_lookup(cif_table, GUINT_TO_POINTER(id + 1));
    if (!ic) {
        ffi_type *rt = ffi_type_of(h->ret);
        bool ok = rt != NULL;
        ic = g_new0(InterpCif, 1);
        for (unsigned i = 0; i < h->nb_args; i++) {
            ic->args[i] = ffi_type_of(h->args[i]);
            ok = ok && ic->args[i] && h->args[i] != IR_VOID;
        }
        if (!ok || ffi_prep_cif(&ic->cif, FFI_DEFAULT_ABI, h->nb_args, rt, ic->args) != FFI_OK) {
            g_free(ic);
            jit_mutex_unlock(&cif_lock);
            return NULL;
        }
        g_hash_table_insert(cif_table, GUINT_TO_POINTER(id + 1), ic);
    }
    jit_mutex_unlock(&cif_lock);
    return &ic->cif;
}

/* ---------------------------------------------------------------------- */
/* Serializer state                                                        */

typedef struct Fixup {
    uint32_t word;                 /* the word to patch */
    uint32_t insn;                 /* start of the instruction it belongs to */
    uint32_t label;
} Fixup;

typedef struct Gen {
    IrContext *ctx;
    JitCodeGen *cg;
    uint64_t *buf;
    size_t cap, n;                 /* in words */
    uint32_t *slot;                /* per temp: frame slot, 0 = none yet */
    uint32_t nb_slots;
    int64_t *label_pos;            /* word index, -1 until placed */
    GArray *fixups;
    JitError err;
} Gen;

static unsigned type_lg(IrType t)
{
    return t == IR_I32 ? 2 : t == IR_I64 ? 3 : 4;
}

static void put(Gen *g, uint64_t w)
{
    if (g->n < g->cap) {
        g->buf[g->n] = w;
    } else if (!g->err) {
        g->err = JIT_ERR_BUF_FULL;
    }
    g->n++;
}

static uint64_t ref_of(Gen *g, IrArg t)
{
    const IrTemp *tp = ir_temp(g->ctx, (IrTempIdx)t);
    uint64_t lg = (uint64_t)type_lg(tp->type) << BC_REF_LG_SHIFT;

    switch (tp->kind) {
    case IR_TEMP_GLOBAL:
        if (tp->offset < 0 || (uint32_t)tp->offset > BC_REF_IDX_MASK) {
            g->err = JIT_ERR_UNSUPPORTED;
            return 0;
        }
        return BC_REF_GLOBAL | lg | (uint32_t)tp->offset;
    case IR_TEMP_FIXED:
        return (uint64_t)3 << BC_REF_LG_SHIFT;       /* env: slot 0 */
    default:
        return lg | g->slot[t];
    }
}

/* Give every non-global temp the ops use a frame slot; constants get a MOVI. */
static void assign_slots(Gen *g)
{
    IrContext *ctx = g->ctx;

    g->nb_slots = 1;
    IR_FOR_EACH_OP(ctx, op) {
        unsigned nt = ir_op_nb_oargs(op) + ir_op_nb_iargs(op);
        for (unsigned i = 0; i < nt; i++) {
            IrTempIdx t = op->args[i];
            IrTemp *tp = ir_temp(ctx, t);
            if (tp->kind == IR_TEMP_GLOBAL || tp->kind == IR_TEMP_FIXED || g->slot[t]) {
                continue;
            }
            g->slot[t] = g->nb_slots;
            g->nb_slots += type_lg(tp->type) == 4 ? 2 : 1;
            if (tp->kind == IR_TEMP_CONST) {
                put(g, BC_HDR(BC_MOVI, tp->type, 3));
                put(g, ref_of(g, t));
                put(g, tp->val);
            }
        }
    }
    if (g->nb_slots > INTERP_MAX_SLOTS) {
        g->err = JIT_ERR_TOO_LARGE;
    }
}

/* ---------------------------------------------------------------------- */
/* Ops                                                                     */

static void gen_insn_start(Gen *g, const IrOp *op)
{
    JitError e = jit_cg_insn_start(g->cg, op, g->n * 8);
    if (e != JIT_OK) {
        g->err = e;
    }
}

static void gen_label_ref(Gen *g, size_t insn, uint32_t label)
{
    if (g->label_pos[label] >= 0) {
        put(g, (uint64_t)(g->label_pos[label] - (int64_t)insn));
        return;
    }
    Fixup f = { .word = g->n, .insn = insn, .label = label };
    g_array_append_val(g->fixups, f);
    put(g, 0);
}

static void gen_goto_tb(Gen *g, const IrOp *op)
{
    JitCodeGen *cg = g->cg;
    unsigned slot = op->args[0];
    size_t patch = g->n + 1, reset = g->n + 2;

    assert(slot < 2);
    cg->goto_tb_used[slot] = true;
    cg->goto_tb_jmp[slot] = patch * 8;
    cg->goto_tb_reset[slot] = reset * 8;
    put(g, BC_HDR(IR_OP_goto_tb, op->type, 2));
    put(g, cg->rx + reset * 8);
}

static void gen_call(Gen *g, const IrOp *op)
{
    unsigned nb_o = ir_op_nb_oargs(op), nb_i = ir_op_nb_iargs(op);
    unsigned id = op->args[nb_o + nb_i];
    ffi_cif *cif = cif_for_helper(id);

    if (!cif) {
        g->err = JIT_ERR_UNSUPPORTED;
        return;
    }
    put(g, BC_HDR(IR_OP_call, op->type, 4 + nb_o + nb_i));
    put(g, (uintptr_t)cif);
    put(g, (uintptr_t)ir_helper_get(id)->func);
    put(g, nb_o | nb_i << 8);
    for (unsigned i = 0; i < nb_o + nb_i; i++) {
        put(g, ref_of(g, op->args[i]));
    }
}

/* Ops the interpreter does not implement for some type. */
static bool op_supported(const IrOp *op)
{
    switch (op->opc) {
    case IR_OP_atomic_xchg: case IR_OP_atomic_fetch_add: case IR_OP_atomic_fetch_and:
    case IR_OP_atomic_fetch_or: case IR_OP_atomic_fetch_xor:
        return op->type != IR_I128;
    case IR_OP_nop:
        return false;
    default:
        return true;
    }
}

/* Every other op: header, refs, consts (labels as word distances). */
static void gen_generic(Gen *g, const IrOp *op)
{
    unsigned nt = ir_op_nb_oargs(op) + ir_op_nb_iargs(op), nc = ir_op_nb_cargs(op);
    size_t start = g->n;

    if (!op_supported(op)) {
        g->err = JIT_ERR_UNSUPPORTED;
        return;
    }
    put(g, BC_HDR(op->opc, op->type, 1 + nt + nc));
    for (unsigned i = 0; i < nt; i++) {
        put(g, ref_of(g, op->args[i]));
    }
    for (unsigned i = 0; i < nc; i++) {
        bool is_label = (op->opc == IR_OP_br && i == 0) || (op->opc == IR_OP_brcond && i == 1);
        if (is_label) {
            gen_label_ref(g, start, op->args[nt + i]);
        } else {
            put(g, op->args[nt + i]);
        }
    }
}

static void gen_op(Gen *g, const IrOp *op)
{
    switch (op->opc) {
    case IR_OP_insn_start:
        gen_insn_start(g, op);
        break;
    case IR_OP_set_label:
        g->label_pos[op->args[0]] = g->n;
        break;
    case IR_OP_goto_tb:
        gen_goto_tb(g, op);
        break;
    case IR_OP_call:
        gen_call(g, op);
        break;
    default:
        gen_generic(g, op);
        break;
    }
}

static void resolve_fixups(Gen *g)
{
    for (guint i = 0; i < g->fixups->len; i++) {
        Fixup *f = &g_array_index(g->fixups, Fixup, i);
        if (g->label_pos[f->label] < 0) {
            ferry_die("interp: branch to label L%u that is never placed", f->label);
        }
        if (f->word < g->cap) {
            g->buf[f->word] = (uint64_t)(g->label_pos[f->label] - (int64_t)f->insn);
        }
    }
}

/* ---------------------------------------------------------------------- */
/* Backend entry points                                                    */

static JitError interp_gen_code(IrContext *ctx, JitCodeGen *cg)
{
    Gen g = {
        .ctx = ctx, .cg = cg, .buf = (uint64_t *)cg->rw, .cap = cg->cap / 8,
        .slot = g_new0(uint32_t, ctx->nb_temps),
        .label_pos = g_new(int64_t, ctx->nb_labels + 1),
        .fixups = g_array_new(false, false, sizeof(Fixup)),
    };

    assert(((uintptr_t)cg->rw & 7) == 0 && (cg->rx & 7) == 0);
    for (uint32_t i = 0; i <= ctx->nb_labels; i++) {
        g.label_pos[i] = -1;
    }
    cg->nb_insns = 0;
    cg->goto_tb_used[0] = cg->goto_tb_used[1] = false;
    assign_slots(&g);
    IR_FOR_EACH_OP(ctx, op) {
        gen_op(&g, op);
    }
    if (!g.err) {
        resolve_fixups(&g);
    }
    jit_cg_insns_end(cg, g.n * 8);
    cg->size = g.n * 8;
    g_free(g.slot);
    g_free(g.label_pos);
    g_array_free(g.fixups, true);
    return g.err;
}

/* The interpreter's "prologue" is the epilogue target: `exit_tb $0`. */
static JitError interp_gen_prologue(JitCodeGen *cg)
{
    if (cg->cap < 16) {
        return JIT_ERR_BUF_FULL;
    }
    uint64_t *w = (uint64_t *)cg->rw;
    w[0] = BC_HDR(IR_OP_exit_tb, IR_I64, 2);
    w[1] = 0;
    cg->size = 16;
    return JIT_OK;
}

/* The patch word is naturally aligned: one release store is atomic. */
static void interp_patch_jump(uintptr_t jmp_rx, uint8_t *jmp_rw, uintptr_t target)
{
    assert(((uintptr_t)jmp_rw & 7) == 0);
    __atomic_store_n((uint64_t *)jmp_rw, (uint64_t)target, __ATOMIC_RELEASE);
}

JitBackend jit_backend_interp = {
    .name = "interp",
    .gen_prologue = interp_gen_prologue,
    .gen_code = interp_gen_code,
    .patch_jump = interp_patch_jump,
    .enter = jit_interp_enter,
};
