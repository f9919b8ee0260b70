/*
 * regalloc.c — one forward pass of register allocation over the IR list,
 * driving a backend's emitters (see regalloc.h for the state model). Per op:
 * sync globals if the op may fault or call out, load inputs into registers
 * that satisfy the op's constraint (fixed registers first), save values in
 * clobbered registers, free dead inputs, assign outputs (two-address
 * aliasing, early clobber), pick scratch registers, emit, then apply the
 * liveness hints to the outputs.
 */
#include "jit/regalloc.h"

#include <assert.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "jit/fatal.h"

enum { LOC_DEAD, LOC_REG, LOC_MEM, LOC_CONST };

#define RA_MAX_SLOTS 256

typedef struct RaTemp {
    uint8_t loc;
    uint8_t reg;
    bool coherent;            /* the memory home holds the current value */
    bool listed;              /* in RaState.consts */
    int16_t slot;             /* frame slot, -1 none (globals never have one) */
    uint64_t val;             /* LOC_CONST: the value */
} RaTemp;

struct RaState {
    const RaTarget *tgt;
    void *be;
    IrContext *ctx;
    RaTemp *temps;
    uint32_t reg_temp[RA_MAX_REGS];   /* temp held by each register, 0 = free */
    RaRegSet used;                    /* registers with reg_temp != 0 */
    RaRegSet locked;                  /* operands of the current op */
    RaRegSet busy;                    /* fixed/clobbered registers of the current op */
    RaRegSet class_regs[RA_NB_CLASSES];  /* allowed, possibly limited (stress) */
    uint64_t slot_used[RA_MAX_SLOTS / 64];
    /* The block temps, so that a block end does not scan every temp. */
    IrTempIdx *block_temps;
    unsigned nb_block_temps;
    /* Globals and TB temps currently in LOC_CONST (set by `mov t, $c` and
     * written back lazily); stale entries are dropped when next scanned. */
    IrTempIdx *consts;
    unsigned nb_consts;
    unsigned nb_slots;
    bool have_liveness;               /* dead/sync come from opt_liveness */
    JitError err;
};

static unsigned reg_limit = ~0u;      /* ~0u: not yet read from the environment */

void ra_set_reg_limit(unsigned n)
{
    reg_limit = n;
}

static unsigned get_reg_limit(void)
{
    if (reg_limit == ~0u) {
        const char *s = getenv("FERRY_RA_REGS");
        reg_limit = s ? (unsigned)atoi(s) : 0;
    }
    return reg_limit;
}

static inline bool has(RaRegSet s, unsigned r) { return s >> r & 1; }
static inline RaRegSet bit(unsigned r) { return (RaRegSet)1 << r; }
static inline bool is_fixed(RaRegSet regs) { return regs && !(regs & (regs - 1)); }

/* ---------------------------------------------------------------------- */
/* Register and memory-home bookkeeping                                    */

static void map(RaState *ra, IrTempIdx t, unsigned r)
{
    assert(!ra->reg_temp[r]);
    ra->reg_temp[r] = t;
    ra->used |= bit(r);
    ra->temps[t].loc = LOC_REG;
    ra->temps[t].reg = r;
}

/* Forget the register copy of t; its value is in memory (or was dead). */
static void unmap(RaState *ra, IrTempIdx t)
{
    RaTemp *ts = &ra->temps[t];
    if (ts->loc == LOC_REG) {
        ra->reg_temp[ts->reg] = 0;
        ra->used &= ~bit(ts->reg);
        ts->loc = ts->coherent ? LOC_MEM : LOC_DEAD;
    }
}

static void free_slot(RaState *ra, IrTempIdx t)
{
    RaTemp *ts = &ra->temps[t];
    if (ts->slot >= 0) {
        ra->slot_used[ts->slot / 64] &= ~(1ull << (ts->slot % 64));
        ts->slot = -1;
    }
}

static void home(RaState *ra, IrTempIdx t, int *base, int32_t *off)
{
    const IrTemp *tp = ir_temp(ra->ctx, t);
    RaTemp *ts = &ra->temps[t];

    if (tp->kind == IR_TEMP_GLOBAL) {
        *base = ra->tgt->env_reg;
        *off = tp->offset;
        return;
    }
    if (ts->slot < 0) {
        for (unsigned s = 0; s < ra->nb_slots; s++) {
            if (!(ra->slot_used[s / 64] >> (s % 64) & 1)) {
                ra->slot_used[s / 64] |= 1ull << (s % 64);
                ts->slot = s;
                break;
            }
        }
        if (ts->slot < 0) {
            ra->err = JIT_ERR_TOO_LARGE;   /* frame exhausted: caller sees the error */
            ts->slot = 0;
        }
    }
    *base = ra->tgt->frame_reg;
    *off = ra->tgt->frame_offset + ts->slot * 16;
}

/* Write t's register or known constant value to its home if memory is stale. */
static void store_temp(RaState *ra, IrTempIdx t)
{
    RaTemp *ts = &ra->temps[t];
    IrType type = ir_temp(ra->ctx, t)->type;
    int base;
    int32_t off;

    if (ts->coherent || ir_temp(ra->ctx, t)->kind == IR_TEMP_CONST) {
        return;
    }
    if (ts->loc == LOC_REG) {
        home(ra, t, &base, &off);
        ra->tgt->hooks.store(ra->be, type, ts->reg, base, off);
        ts->coherent = true;
    } else if (ts->loc == LOC_CONST) {
        home(ra, t, &base, &off);
        ra->tgt->hooks.store_imm(ra->be, type, ts->val, base, off);
        ts->coherent = true;
    }
}

/* A value that is no longer needed in LOC_CONST: its memory is current
 * (or, for a dead temp, irrelevant). */
static void leave_const(RaState *ra, IrTempIdx t)
{
    RaTemp *ts = &ra->temps[t];
    if (ts->loc == LOC_CONST && ir_temp(ra->ctx, t)->kind != IR_TEMP_CONST) {
        ts->loc = ts->coherent ? LOC_MEM : LOC_DEAD;
    }
}

static int next_in_order(const RaState *ra, RaRegSet set)
{
    for (unsigned i = 0; i < ra->tgt->nb_alloc_order; i++) {
        if (has(set, ra->tgt->alloc_order[i])) {
            return ra->tgt->alloc_order[i];
        }
    }
    return set ? __builtin_ctzll(set) : -1;
}

/* Empty register r, moving its value to a free register outside `avoid`
 * when there is one, else storing it to its home. */
static void evict(RaState *ra, unsigned r)
{
    IrTempIdx t = ra->reg_temp[r];
    if (!t) {
        return;
    }
    RaTemp *ts = &ra->temps[t];
    IrType type = ir_temp(ra->ctx, t)->type;
    if (!ts->coherent) {
        RaRegSet free = ra->class_regs[ra_class_of(type)] & ~ra->used & ~ra->locked & ~ra->busy;
        int nr = next_in_order(ra, free);
        if (nr >= 0) {
            ra->tgt->hooks.mov(ra->be, type, nr, r);
            unmap(ra, t);
            map(ra, t, nr);
            return;
        }
        store_temp(ra, t);
    }
    unmap(ra, t);
}

/* A register in `allowed`, free if possible, else evicted (never a locked one). */
static int pick_reg(RaState *ra, RaRegSet allowed)
{
    allowed &= ~ra->locked;
    int r = next_in_order(ra, allowed & ~ra->used);
    if (r >= 0) {
        return r;
    }
    /* Prefer evicting a value that memory already holds. */
    RaRegSet clean = 0;
    for (RaRegSet s = allowed; s; s &= s - 1) {
        unsigned c = __builtin_ctzll(s);
        if (ra->temps[ra->reg_temp[c]].coherent) {
            clean |= bit(c);
        }
    }
    r = next_in_order(ra, clean ? clean : allowed);
    if (r >= 0) {
        evict(ra, r);
    }
    return r;
}

/* Any register of class cls outside avoid: the stress-limited set first. */
static int pick_any(RaState *ra, RaClass cls, RaRegSet avoid)
{
    int r = pick_reg(ra, ra->class_regs[cls] & ~avoid);
    if (r < 0) {
        r = pick_reg(ra, ra->tgt->class_regs[cls] & ~avoid);
    }
    if (r < 0) {
        ferry_die("register allocator: no %s register left",
                  cls == RA_CLASS_GPR ? "general" : "vector");
    }
    return r;
}

/* How load_temp treats t's own location. */
enum {
    LOAD_MOVE,       /* t may move to the new register */
    LOAD_KEEP,       /* use t's register if allowed, else copy (t stays put) */
    LOAD_COPY,       /* always a private copy the op may overwrite */
};

/*
 * Put t's value in a register in `allowed` (0: any of its class outside the
 * op's busy set) and return it. Constants are always copies.
 */
static int load_temp(RaState *ra, IrTempIdx t, RaRegSet allowed, int mode)
{
    const IrTemp *tp = ir_temp(ra->ctx, t);
    RaTemp *ts = &ra->temps[t];
    RaClass cls = ra_class_of(tp->type);
    const RaHooks *h = &ra->tgt->hooks;
    bool in_place = ts->loc == LOC_REG &&
                    (allowed ? has(allowed, ts->reg) : !has(ra->busy, ts->reg));

    if (tp->kind == IR_TEMP_FIXED) {
        if (mode != LOAD_COPY && (!allowed || has(allowed, ra->tgt->env_reg))) {
            return ra->tgt->env_reg;
        }
    } else if (mode != LOAD_COPY && in_place) {
        return ts->reg;
    } else if (mode == LOAD_COPY && ts->loc == LOC_MEM) {
        /* Keep the value for later uses too: load it once, then copy. */
        ra->locked |= bit(load_temp(ra, t, 0, LOAD_MOVE));
    }
    if (allowed && !is_fixed(allowed)) {
        allowed &= ra->tgt->class_regs[cls];
    }
    int r = allowed ? pick_reg(ra, allowed) : pick_any(ra, cls, ra->busy);
    if (r < 0) {
        ferry_die("register allocator: fixed register unavailable");
    }
    if (tp->kind == IR_TEMP_FIXED) {
        h->mov(ra->be, tp->type, r, ra->tgt->env_reg);
        return r;
    }
    switch (ts->loc) {
    case LOC_REG:
        h->mov(ra->be, tp->type, r, ts->reg);
        if (mode == LOAD_MOVE && !has(ra->locked, ts->reg)) {
            unmap(ra, t);
            ts->loc = LOC_REG;        /* unmap may have said DEAD for a dirty value */
            map(ra, t, r);
        }
        return r;
    case LOC_CONST:
        h->movi(ra->be, tp->type, r, ts->val);
        if (mode != LOAD_COPY && tp->kind != IR_TEMP_CONST) {
            map(ra, t, r);
        }
        return r;
    case LOC_MEM: {
        int base;
        int32_t off;
        home(ra, t, &base, &off);
        h->load(ra->be, tp->type, r, base, off);
        if (mode != LOAD_COPY) {
            map(ra, t, r);
            ts->coherent = true;
        }
        return r;
    }
    default:
        /* Read before any write (the verifier rejects this for block
         * temps; a TB temp may be read on a path that never set it). */
        h->movi(ra->be, tp->type, r, 0);
        return r;
    }
}

/* ---------------------------------------------------------------------- */
/* Syncing at calls, faults and basic-block boundaries                     */

/* Write back every dirty value of the given temp kinds (registers and
 * lazily held constants). */
static void sync_regs(RaState *ra, bool globals, bool tb_temps)
{
    unsigned n = 0;
    for (unsigned i = 0; i < ra->nb_consts; i++) {
        IrTempIdx t = ra->consts[i];
        uint8_t kind = ir_temp(ra->ctx, t)->kind;
        if (ra->temps[t].loc != LOC_CONST) {
            ra->temps[t].listed = false;
            continue;
        }
        if ((globals && kind == IR_TEMP_GLOBAL) || (tb_temps && kind == IR_TEMP_TB)) {
            store_temp(ra, t);
        }
        ra->consts[n++] = t;
    }
    ra->nb_consts = n;
    for (RaRegSet s = ra->used; s; s &= s - 1) {
        IrTempIdx t = ra->reg_temp[__builtin_ctzll(s)];
        uint8_t kind = ir_temp(ra->ctx, t)->kind;
        if ((globals && kind == IR_TEMP_GLOBAL) || (tb_temps && kind == IR_TEMP_TB)) {
            store_temp(ra, t);
        }
    }
}

static bool is_output(const IrOp *op, IrTempIdx t);

/* After a call that may write globals: forget them (its outputs excepted). */
static void drop_globals(RaState *ra, const IrOp *op)
{
    for (RaRegSet s = ra->used; s; s &= s - 1) {
        IrTempIdx t = ra->reg_temp[__builtin_ctzll(s)];
        if (ir_temp(ra->ctx, t)->kind == IR_TEMP_GLOBAL && !is_output(op, t)) {
            assert(ra->temps[t].coherent);
            unmap(ra, t);
        }
    }
    for (unsigned i = 0; i < ra->nb_consts; i++) {
        IrTempIdx t = ra->consts[i];
        if (ir_temp(ra->ctx, t)->kind == IR_TEMP_GLOBAL && !is_output(op, t)) {
            assert(ra->temps[t].loc != LOC_CONST || ra->temps[t].coherent);
            leave_const(ra, t);
        }
    }
}

/* Block temps die at the end of their basic block. */
static void kill_block_temps(RaState *ra)
{
    for (unsigned i = 0; i < ra->nb_block_temps; i++) {
        IrTempIdx t = ra->block_temps[i];
        if (ra->temps[t].loc != LOC_DEAD) {
            ra->temps[t].coherent = false;
            unmap(ra, t);
            ra->temps[t].loc = LOC_DEAD;
            free_slot(ra, t);
        }
    }
}

/* At a label: nothing is in a register; globals and TB temps are in memory. */
static void reset_at_label(RaState *ra)
{
    kill_block_temps(ra);
    for (RaRegSet s = ra->used; s; s &= s - 1) {
        IrTempIdx t = ra->reg_temp[__builtin_ctzll(s)];
        assert(ra->temps[t].coherent);
        unmap(ra, t);
    }
    for (unsigned i = 0; i < ra->nb_consts; i++) {
        assert(ra->temps[ra->consts[i]].loc != LOC_CONST || ra->temps[ra->consts[i]].coherent);
        leave_const(ra, ra->consts[i]);
        ra->temps[ra->consts[i]].listed = false;
    }
    ra->nb_consts = 0;
    for (uint32_t t = ra->ctx->nb_globals; t < ra->ctx->nb_temps; t++) {
        if (ir_temp(ra->ctx, t)->kind == IR_TEMP_TB) {
            ra->temps[t].loc = LOC_MEM;
            ra->temps[t].coherent = true;
        }
    }
}

/* ---------------------------------------------------------------------- */
/* One op                                                                  */

static bool imm_fits(unsigned kind, IrType type, uint64_t v)
{
    switch (kind) {
    case RA_IMM_ANY: return true;
    case RA_IMM_S32: return type == IR_I32 || (int64_t)v == (int32_t)v;
    default:         return false;
    }
}

static RaRegSet fixed_regs(const RaConstraint *c, unsigned nb_o, unsigned nb_i)
{
    RaRegSet s = c->clobbers;
    for (unsigned i = 0; i < nb_o; i++) {
        s |= is_fixed(c->out[i].regs) ? c->out[i].regs : 0;
    }
    for (unsigned i = 0; i < nb_i; i++) {
        s |= is_fixed(c->in[i].regs) ? c->in[i].regs : 0;
    }
    return s;
}

static bool arg_dead(const IrOp *op, unsigned i) { return op->dead >> i & 1; }

static void load_inputs(RaState *ra, const IrOp *op, const RaConstraint *c, RaOperand *opnd)
{
    unsigned nb_o = ir_op_nb_oargs(op), nb_i = ir_op_nb_iargs(op);

    for (int pass = 0; pass < 2; pass++) {
        for (unsigned i = 0; i < nb_i; i++) {
            const RaArgCons *ac = &c->in[i];
            if (is_fixed(ac->regs) != (pass == 0)) {
                continue;
            }
            IrTempIdx t = op->args[nb_o + i];
            RaOperand *o = &opnd[nb_o + i];
            const RaTemp *ts = &ra->temps[t];
            if (ts->loc == LOC_CONST && imm_fits(ac->imm, op->type, ts->val)) {
                *o = (RaOperand){ .is_imm = true, .imm = ts->val };
                continue;
            }
            bool aliased = false;
            for (unsigned k = 0; k < nb_o; k++) {
                aliased |= c->out[k].alias == (int)i + 1;
            }
            /* An aliased input is overwritten: copy unless it dies here
             * (free_dead_inputs settles a dying global's memory home
             * before emit: see dying_home). A value
             * that lives on is copied into a fixed register, not moved
             * there (the fixed register is usually clobbered). */
            bool dead = arg_dead(op, nb_o + i);
            int mode = aliased && !dead ? LOAD_COPY : is_fixed(ac->regs) && !dead ? LOAD_KEEP
                                                                                 : LOAD_MOVE;
            o->is_imm = false;
            o->reg = load_temp(ra, t, ac->regs, mode);
            ra->locked |= bit(o->reg);
        }
    }
}

static bool is_input(const IrOp *op, IrTempIdx t, bool only_live)
{
    unsigned nb_o = ir_op_nb_oargs(op), nb_i = ir_op_nb_iargs(op);
    for (unsigned i = 0; i < nb_i; i++) {
        if (op->args[nb_o + i] == t && !(only_live && arg_dead(op, nb_o + i))) {
            return true;
        }
    }
    return false;
}

static void save_clobbered(RaState *ra, const IrOp *op, RaRegSet clob)
{
    for (RaRegSet s = clob & ra->used; s; s &= s - 1) {
        unsigned r = __builtin_ctzll(s);
        IrTempIdx t = ra->reg_temp[r];
        if (is_input(op, t, false) && !is_input(op, t, true)) {
            continue;                 /* dies here: free_dead_inputs drops it */
        }
        evict(ra, r);
    }
}

static bool is_output(const IrOp *op, IrTempIdx t)
{
    for (unsigned i = 0; i < ir_op_nb_oargs(op); i++) {
        if (op->args[i] == t) {
            return true;
        }
    }
    return false;
}

/*
 * A global or TB temp whose register value dies as an input. Under
 * opt_liveness its memory home is already what later code needs: had a
 * memory point or a label come before the next write, the op that wrote
 * the value would have carried the sync bit (globals) or the value would
 * have been synced at the BB end (TB temps). So it is not stored; memory
 * is stale until the next write but nothing reads it (pretend coherent,
 * as apply_hints does for dead outputs). Without opt_liveness only an
 * input the op itself redefines is dead, which never reaches here.
 */
static void dying_home(RaState *ra, IrTempIdx t)
{
    if (ra->have_liveness) {
        ra->temps[t].coherent = true;
    } else {
        store_temp(ra, t);
    }
}

static void free_dead_inputs(RaState *ra, const IrOp *op)
{
    unsigned nb_o = ir_op_nb_oargs(op), nb_i = ir_op_nb_iargs(op);
    for (unsigned i = 0; i < nb_i; i++) {
        IrTempIdx t = op->args[nb_o + i];
        uint8_t kind = ir_temp(ra->ctx, t)->kind;
        if (!arg_dead(op, nb_o + i) || kind == IR_TEMP_CONST || kind == IR_TEMP_FIXED) {
            continue;
        }
        if (kind != IR_TEMP_BLOCK && !is_output(op, t)) {
            dying_home(ra, t);
        }
        unmap(ra, t);
        leave_const(ra, t);
        if (kind == IR_TEMP_BLOCK) {
            ra->temps[t].loc = LOC_DEAD;
            free_slot(ra, t);
        }
    }
}

static void assign_outputs(RaState *ra, const IrOp *op, const RaConstraint *c, RaOperand *opnd)
{
    unsigned nb_o = ir_op_nb_oargs(op);
    RaRegSet in_regs = ra->locked, outs = 0;

    for (unsigned i = 0; i < nb_o; i++) {
        if (c->out[i].alias > 0) {
            outs |= bit(opnd[nb_o + c->out[i].alias - 1].reg);
        }
    }

    for (unsigned i = 0; i < nb_o; i++) {
        const RaArgCons *ac = &c->out[i];
        IrTempIdx t = op->args[i];
        RaClass cls = ra_class_of(ir_temp(ra->ctx, t)->type);
        int r;
        if (ac->alias > 0) {
            assert(!opnd[nb_o + ac->alias - 1].is_imm);
            r = opnd[nb_o + ac->alias - 1].reg;
        } else {
            RaRegSet avoid = outs | (ac->flags & RA_ARG_NEWREG ? in_regs : in_regs & ra->used);
            if (is_fixed(ac->regs)) {
                r = __builtin_ctzll(ac->regs);
            } else if (ac->regs) {
                ra->locked &= ~(in_regs & ~avoid);   /* dead inputs' registers are reusable */
                r = pick_reg(ra, ac->regs & ra->tgt->class_regs[cls] & ~avoid);
            } else {
                ra->locked &= ~(in_regs & ~avoid);
                r = pick_any(ra, cls, avoid | ra->busy);
            }
            ra->locked |= in_regs;
        }
        if (ra->temps[t].loc == LOC_REG && ra->temps[t].reg != (unsigned)r) {
            ra->temps[t].coherent = false;
            unmap(ra, t);
        }
        if (ra->reg_temp[r] != t) {
            if (ra->reg_temp[r]) {
                evict(ra, r);
            }
            map(ra, t, r);
        }
        ra->temps[t].coherent = false;
        opnd[i] = (RaOperand){ .reg = r };
        outs |= bit(r);
        ra->locked |= bit(r);
    }
}

/* Liveness hints on the outputs and sync bits on any global argument. */
static void apply_hints(RaState *ra, const IrOp *op)
{
    unsigned n = ir_op_nb_oargs(op) + ir_op_nb_iargs(op);
    for (unsigned i = 0; i < n; i++) {
        IrTempIdx t = op->args[i];
        uint8_t kind = ir_temp(ra->ctx, t)->kind;
        if (kind == IR_TEMP_CONST || kind == IR_TEMP_FIXED) {
            continue;
        }
        if (op->sync >> i & 1) {
            store_temp(ra, t);
        }
        if (i < ir_op_nb_oargs(op) && arg_dead(op, i)) {
            bool pretend = kind == IR_TEMP_GLOBAL && !(op->sync >> i & 1);
            if (pretend) {
                /* opt_liveness: written again before any memory point, so
                 * the store is skipped; memory is stale until then but
                 * nothing reads it (pretend coherent, never "dead"). */
                ra->temps[t].coherent = true;
            } else if (kind != IR_TEMP_BLOCK) {
                store_temp(ra, t);
            }
            unmap(ra, t);
            /* A global constant really stored stays known, so that setting
             * it to the same value again stores nothing (do_mov_const). */
            if (pretend || kind != IR_TEMP_GLOBAL) {
                leave_const(ra, t);
            }
            if (kind == IR_TEMP_BLOCK) {
                ra->temps[t].loc = LOC_DEAD;
                free_slot(ra, t);
            }
        }
    }
}

static void do_op(RaState *ra, IrOp *op, const RaConstraint *c, bool sync_before_emit)
{
    unsigned nb_o = ir_op_nb_oargs(op), nb_i = ir_op_nb_iargs(op);
    RaOperand opnd[RA_MAX_OPERANDS];
    RaRegSet clob = c->clobbers | (c->flags & RA_OP_CALL_CLOBBER ? ra->tgt->call_clobbered : 0);

    ra->locked = 0;
    ra->busy = fixed_regs(c, nb_o, nb_i) | clob;
    if (c->flags & RA_OP_SYNC_GLOBALS || ir_op_flags(op) & IR_OPF_MEM) {
        sync_regs(ra, true, false);
    }
    load_inputs(ra, op, c, opnd);
    save_clobbered(ra, op, clob);
    free_dead_inputs(ra, op);
    assign_outputs(ra, op, c, opnd);
    for (unsigned s = 0; s < c->nb_scratch; s++) {
        RaRegSet allowed = ra->tgt->class_regs[RA_CLASS_GPR] & (c->scratch_regs ? c->scratch_regs : ~0ull);
        int r = pick_reg(ra, allowed);
        if (r < 0) {
            ferry_die("register allocator: no scratch register for %s", c->name);
        }
        ra->locked |= bit(r);
        opnd[nb_o + nb_i + s] = (RaOperand){ .reg = r };
    }
    if (sync_before_emit) {
        sync_regs(ra, true, !(ir_op_flags(op) & IR_OPF_BB_EXIT));
    }
    JitError e = ra->tgt->hooks.emit(ra->be, ra, op, opnd);
    if (e != JIT_OK && ra->err == JIT_OK) {
        ra->err = e;
    }
    apply_hints(ra, op);
    ra->locked = ra->busy = 0;
}

/*
 * `d = mov $c` (or from a temp whose value is a known constant): d becomes
 * that constant without any code; it is materialized when an op needs it
 * in a register, or stored (as an immediate) when synced.
 */
static bool do_mov_const(RaState *ra, IrOp *op)
{
    IrTempIdx d = op->args[0], s = op->args[1];
    RaTemp *ds = &ra->temps[d];

    if (ra->temps[s].loc != LOC_CONST || d == s || ra_class_of(op->type) != RA_CLASS_GPR) {
        return false;
    }
    uint64_t v = ra->temps[s].val;
    free_dead_inputs(ra, op);
    if (op->type == IR_I32) {
        v = (uint32_t)v;
    }
    /* Setting a constant the memory home already holds (stored since
     * it was set) keeps it coherent: repeated `g = mov $c` store once. */
    bool same = ds->loc == LOC_CONST && ds->coherent && ds->val == v;
    if (ds->loc == LOC_REG) {
        ds->coherent = false;
        unmap(ra, d);
    }
    ds->loc = LOC_CONST;
    ds->val = v;
    ds->coherent = same;
    if (ir_temp(ra->ctx, d)->kind != IR_TEMP_BLOCK && !ds->listed) {
        ds->listed = true;
        ra->consts[ra->nb_consts++] = d;
    }
    apply_hints(ra, op);
    return true;
}

/*
 * `g = mov s` whose new value is never read from a register (dead output,
 * typically a lazy-flags global): store s straight to g's home when the
 * sync bit asks for it, instead of copying s into a register for g first.
 * Without the sync bit nothing is stored (opt_liveness: g is written again
 * before any memory point).
 */
static bool do_mov_store(RaState *ra, IrOp *op)
{
    IrTempIdx d = op->args[0], s = op->args[1];
    RaTemp *ds = &ra->temps[d];
    uint8_t kind = ir_temp(ra->ctx, d)->kind;

    if (!arg_dead(op, 0) || d == s || kind == IR_TEMP_BLOCK) {
        return false;
    }
    if (ds->loc == LOC_REG) {
        ds->coherent = false;
        unmap(ra, d);
    }
    if (op->sync & 1) {
        int base;
        int32_t off;
        ra->locked = ra->busy = 0;
        int r = load_temp(ra, s, 0, LOAD_MOVE);
        home(ra, d, &base, &off);
        ra->tgt->hooks.store(ra->be, op->type, r, base, off);
    }
    ds->loc = LOC_MEM;
    ds->coherent = true;
    free_dead_inputs(ra, op);
    return true;
}

static void do_call(RaState *ra, IrOp *op)
{
    const IrHelper *h = ir_helper_get(ir_op_cargs(op)[0]);
    RaConstraint c = { .name = "call", .flags = RA_OP_CALL_CLOBBER };

    if ((h->flags & (IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS)) !=
        (IR_CALL_NO_READ_GLOBALS | IR_CALL_NO_WRITE_GLOBALS)) {
        c.flags |= RA_OP_SYNC_GLOBALS;
    }
    for (unsigned i = 0; i < IR_MAX_CALL_ARGS; i++) {
        c.in[i].regs = bit(ra->tgt->call_arg_regs[i]);
    }
    c.out[0].regs = bit(ra->tgt->call_ret_reg);
    do_op(ra, op, &c, false);
    if (!(h->flags & IR_CALL_NO_WRITE_GLOBALS)) {
        drop_globals(ra, op);
    }
}

RaRegSet ra_live_regs(const RaState *ra)
{
    return ra->used;
}

/* ---------------------------------------------------------------------- */
/* The pass                                                                */

/* Per-thread arrays reused by every run (a malloc and free of each per TB
 * was measurable in translation time). Never freed. */
static _Thread_local struct {
    RaTemp *temps;
    IrTempIdx *consts, *block_temps;
    uint32_t cap;
} ra_scratch;

static void init_state(RaState *ra, const RaTarget *tgt, void *be, IrContext *ctx)
{
    unsigned limit = get_reg_limit();

    memset(ra, 0, sizeof(*ra));
    ra->tgt = tgt;
    ra->be = be;
    ra->ctx = ctx;
    if (ra_scratch.cap < ctx->nb_temps) {
        ra_scratch.cap = MAX(ctx->nb_temps, 2 * ra_scratch.cap);
        ra_scratch.temps = g_renew(RaTemp, ra_scratch.temps, ra_scratch.cap);
        ra_scratch.consts = g_renew(IrTempIdx, ra_scratch.consts, ra_scratch.cap);
        ra_scratch.block_temps = g_renew(IrTempIdx, ra_scratch.block_temps, ra_scratch.cap);
    }
    ra->temps = ra_scratch.temps;
    ra->consts = ra_scratch.consts;
    ra->block_temps = ra_scratch.block_temps;
    for (uint32_t t = 0; t < ctx->nb_temps; t++) {
        uint8_t kind = ctx->temps[t].kind;
        ra->temps[t] = (RaTemp){
            .loc = kind == IR_TEMP_CONST ? LOC_CONST : kind == IR_TEMP_GLOBAL ? LOC_MEM : LOC_DEAD,
            .coherent = kind == IR_TEMP_GLOBAL,
            .slot = -1,
            .val = ctx->temps[t].val,
        };
        if (kind == IR_TEMP_BLOCK) {
            ra->block_temps[ra->nb_block_temps++] = t;
        }
    }
    for (int c = 0; c < RA_NB_CLASSES; c++) {
        ra->class_regs[c] = tgt->class_regs[c];
        if (limit) {
            RaRegSet lim = 0;
            unsigned n = 0;
            for (unsigned i = 0; i < tgt->nb_alloc_order && n < limit; i++) {
                if (has(tgt->class_regs[c], tgt->alloc_order[i])) {
                    lim |= bit(tgt->alloc_order[i]);
                    n++;
                }
            }
            ra->class_regs[c] = lim;
        }
    }
    ra->nb_slots = MIN(tgt->frame_size / 16, RA_MAX_SLOTS);
}

JitError ra_run(const RaTarget *tgt, void *be, IrContext *ctx, bool have_liveness)
{
    RaState ra;

    if (!have_liveness) {
        ra_conservative_liveness(ctx);
    }
    init_state(&ra, tgt, be, ctx);
    ra.have_liveness = have_liveness;
    IR_FOR_EACH_OP(ctx, op) {
        uint32_t f = ir_op_flags(op);
        if (op->opc == IR_OP_call) {
            do_call(&ra, op);
        } else if (op->opc == IR_OP_mov && (do_mov_const(&ra, op) || do_mov_store(&ra, op))) {
            /* at most a store */
        } else if (op->opc == IR_OP_set_label) {
            sync_regs(&ra, true, true);       /* falling through into the label */
            reset_at_label(&ra);
            do_op(&ra, op, tgt->hooks.constraint(be, op), false);
        } else if (op->opc != IR_OP_nop) {
            bool bb_end = f & IR_OPF_BB_END || op->opc == IR_OP_goto_tb;
            do_op(&ra, op, tgt->hooks.constraint(be, op), bb_end);
            if (f & IR_OPF_BB_END) {
                kill_block_temps(&ra);
            }
        }
        if (ra.err != JIT_OK) {
            break;
        }
    }
    return ra.err;
}

/* ---------------------------------------------------------------------- */
/* Conservative liveness                                                   */

/*
 * Backward over each basic block; temp->aux == gen marks "live below".
 * Bumping gen at a block boundary kills every block temp in O(1).
 */
void ra_conservative_liveness(IrContext *ctx)
{
    uint32_t gen = 1;

    for (uint32_t t = 0; t < ctx->nb_temps; t++) {
        ctx->temps[t].aux = 0;
    }
    for (IrOp *op = ir_last_op(ctx); op; op = ir_prev_op(ctx, op)) {
        uint32_t f = ir_op_flags(op);
        unsigned nb_o = ir_op_nb_oargs(op), nb_i = ir_op_nb_iargs(op);
        if (f & IR_OPF_BB_END) {
            gen++;
        }
        op->dead = op->sync = 0;
        for (unsigned i = 0; i < nb_o; i++) {
            IrTemp *tp = &ctx->temps[op->args[i]];
            if (tp->kind == IR_TEMP_BLOCK) {
                if (tp->aux != gen) {
                    op->dead |= 1u << i;
                }
                tp->aux = 0;
            }
        }
        for (unsigned i = 0; i < nb_i; i++) {
            IrTempIdx t = op->args[nb_o + i];
            IrTemp *tp = &ctx->temps[t];
            if (tp->kind == IR_TEMP_BLOCK) {
                if (tp->aux != gen) {
                    op->dead |= 1u << (nb_o + i);
                }
            } else if (tp->kind != IR_TEMP_CONST && tp->kind != IR_TEMP_FIXED) {
                for (unsigned k = 0; k < nb_o; k++) {
                    if (op->args[k] == t) {
                        op->dead |= 1u << (nb_o + i);   /* redefined by this op */
                    }
                }
            }
        }
        for (unsigned i = 0; i < nb_i; i++) {
            IrTemp *tp = &ctx->temps[op->args[nb_o + i]];
            if (tp->kind == IR_TEMP_BLOCK) {
                tp->aux = gen;
            }
        }
        if (f & IR_OPF_BB_START) {
            gen++;
        }
    }
}
