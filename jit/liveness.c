/*
 * liveness.c — the backward liveness pass: removes dead ops (dead global
 * writes included), coalesces `t = op; g = mov t` into `g = op`, and fills
 * IrOp.dead/sync for the register allocator. What dead and sync promise is
 * written down at opt_liveness in jit/opt.h; this file only implements it.
 */
#include "jit/opt.h"

#include <glib.h>
#include <string.h>

/* Per-temp state after the current op (we walk backward). */
enum {
    TS_DEAD = 1,    /* the register value is not read again */
    TS_MEM  = 2,    /* globals: the value is needed in env later */
};

typedef struct LiveTemp {
    uint8_t state;
    bool tb_used;       /* TB temp: read somewhere in the TB */
    uint32_t tick;      /* when `state` was set */
    /* Block temp t: `g = mov t` (op index) is the last use of the value
     * of t live here, 0 if none; cleared at any op writing t, since
     * earlier definitions of t are not read by that mov. The ticks at
     * which that mov stamped t and g. */
    uint32_t mov_op, mov_in_tick, mov_out_tick;
} LiveTemp;

/*
 * Events that change many temps at once (basic block boundaries, calls)
 * are not applied to every temp: they record the tick at which they
 * happened, and a temp whose state is older than the event reads the
 * state the event implies. That keeps the pass linear in the number of
 * ops. Ticks grow as the walk goes backward.
 */
typedef struct Live {
    IrContext *ctx;
    LiveTemp *t;
    uint32_t cap, tick;
    uint32_t bb_tick;       /* last boundary: block temps dead, TB temps conservative */
    bool bb_exit;           /* ... and it leaves the TB: TB temps dead too */
    uint32_t greset_tick;   /* last point where globals are DEAD|MEM */
    uint32_t gmem_tick;     /* last point where globals need to be in env */
} Live;

static _Thread_local Live live_tls;

static void live_begin(Live *l, IrContext *ctx)
{
    if (l->cap < ctx->nb_temps) {
        l->cap = MAX(ctx->nb_temps, 2 * l->cap);
        l->t = g_renew(LiveTemp, l->t, l->cap);
    }
    l->ctx = ctx;
    l->tick = 1;
    l->bb_tick = l->greset_tick = l->gmem_tick = 0;
    l->bb_exit = true;
    bool have_tb_temps = false;
    for (uint32_t i = 0; i < ctx->nb_temps; i++) {
        bool global = ctx->temps[i].kind == IR_TEMP_GLOBAL;
        have_tb_temps |= ctx->temps[i].kind == IR_TEMP_TB;
        l->t[i] = (LiveTemp){ .state = TS_DEAD | (global ? TS_MEM : 0) };
    }
    if (!have_tb_temps) {
        return;                     /* most TBs: no need for a forward walk */
    }
    /* TB temps read anywhere (a backward branch may read them earlier). */
    IR_FOR_EACH_OP(ctx, op) {
        unsigned nb_o = ir_op_nb_oargs(op), nb_i = ir_op_nb_iargs(op);
        for (unsigned i = 0; i < nb_i; i++) {
            IrTempIdx t = op->args[nb_o + i];
            l->t[t].tb_used |= ctx->temps[t].kind == IR_TEMP_TB;
        }
    }
}

static unsigned get_state(Live *l, IrTempIdx t)
{
    LiveTemp *lt = &l->t[t];

    switch (l->ctx->temps[t].kind) {
    case IR_TEMP_GLOBAL:
        if (lt->tick < l->greset_tick) {
            return TS_DEAD | TS_MEM;
        }
        return lt->tick < l->gmem_tick ? lt->state | TS_MEM : lt->state;
    case IR_TEMP_BLOCK:
        return lt->tick < l->bb_tick ? TS_DEAD : lt->state;
    case IR_TEMP_TB:
        if (lt->tick < l->bb_tick) {
            return lt->tb_used && !l->bb_exit ? 0 : TS_DEAD;
        }
        return lt->state;
    default:
        return 0;                   /* const and env: always available */
    }
}

static void set_state(Live *l, IrTempIdx t, unsigned state)
{
    l->t[t].state = (uint8_t)state;
    l->t[t].tick = l->tick;
}

static bool has_temp_state(const Live *l, IrTempIdx t)
{
    IrTempKind k = (IrTempKind)l->ctx->temps[t].kind;
    return k == IR_TEMP_GLOBAL || k == IR_TEMP_BLOCK || k == IR_TEMP_TB;
}

/* A basic block boundary: what holds just after a branch or before a label. */
static void boundary(Live *l, bool exit)
{
    l->bb_tick = l->greset_tick = ++l->tick;
    l->bb_exit = exit;
}

/* ---------------------------------------------------------------------- */

static uint32_t call_flags(IrOp *op)
{
    return ir_helper_get((unsigned)ir_op_cargs(op)[0])->flags;
}

static bool removable(Live *l, IrOp *op)
{
    if (op->opc == IR_OP_call) {
        if (!(call_flags(op) & IR_CALL_NO_SIDE_EFFECTS)) {
            return false;
        }
    } else if (ir_op_flags(op) & IR_OPF_SIDE_EFFECTS) {
        return false;
    }
    for (unsigned i = 0; i < ir_op_nb_oargs(op); i++) {
        IrTempIdx d = op->args[i];
        if (!has_temp_state(l, d) || get_state(l, d) != TS_DEAD) {
            return false;
        }
    }
    return true;
}

/* Globals the op needs in env before it runs (see "memory points"). */
static void op_memory_point(Live *l, IrOp *op)
{
    uint32_t cf;

    l->tick++;
    switch (op->opc) {
    case IR_OP_call:
        cf = call_flags(op);
        if (!(cf & IR_CALL_NO_WRITE_GLOBALS)) {
            l->greset_tick = l->tick;   /* reloaded after: register copy dead */
        } else if (!(cf & IR_CALL_NO_READ_GLOBALS)) {
            l->gmem_tick = l->tick;
        }
        break;
    case IR_OP_goto_tb:
        l->greset_tick = l->tick;       /* jumps straight into the next TB */
        break;
    case IR_OP_lookup_tb:
        l->gmem_tick = l->tick;         /* reads the pc from env */
        break;
    default:
        if (ir_op_flags(op) & IR_OPF_MEM) {
            l->gmem_tick = l->tick;     /* may fault: the handler reads env */
        }
        break;
    }
}

/* Ops between a definition and its mov that coalescing may rewrite: a
 * constant bound keeps the pass linear. */
#define COALESCE_WINDOW 16

/*
 * Reads of t strictly between def and mv become reads of g (which holds
 * t's value there once def writes g). Their dead bits stay clear, which is
 * always allowed. False, changing nothing, when mv is too far from def.
 */
static bool retarget_reads(IrContext *ctx, IrOp *def, IrOp *mv, IrTempIdx t, IrTempIdx g)
{
    unsigned n = 0;
    IrOp *op;

    for (op = ir_next_op(ctx, def); op && op != mv; op = ir_next_op(ctx, op)) {
        if (++n > COALESCE_WINDOW) {
            return false;
        }
    }
    for (op = ir_next_op(ctx, def); op != mv; op = ir_next_op(ctx, op)) {
        unsigned nb_o = ir_op_nb_oargs(op), nb_i = ir_op_nb_iargs(op);
        for (unsigned i = nb_o; i < nb_o + nb_i; i++) {
            op->args[i] = op->args[i] == t ? g : op->args[i];
        }
    }
    return true;
}

/*
 * Coalescing: `t = OP ...; ...; g = mov t` with t a block temp that dies at
 * the mov becomes `g = OP ...; ...` when nothing in between reads or
 * writes g or needs g in env (no memory point if g is a global); reads of
 * t in between then read g. g's new value is simply computed earlier,
 * where nobody can tell. Called for the op defining t, before its outputs
 * are processed; on success the output bits are those the mov had.
 */
static bool coalesce(Live *l, IrOp *op, uint16_t *dead, uint16_t *sync)
{
    IrContext *ctx = l->ctx;

    if (ir_op_nb_oargs(op) != 1 || op->opc == IR_OP_call ||
        ctx->temps[op->args[0]].kind != IR_TEMP_BLOCK) {
        return false;
    }
    IrTempIdx t = op->args[0];
    LiveTemp *lt = &l->t[t];
    if (!lt->mov_op) {
        return false;
    }
    IrOp *mv = &ctx->ops[lt->mov_op];
    IrTempIdx g = mv->args[0];
    bool global = ctx->temps[g].kind == IR_TEMP_GLOBAL;
    if (l->t[g].tick != lt->mov_out_tick || l->bb_tick > lt->mov_out_tick ||
        (global && (l->greset_tick > lt->mov_out_tick || l->gmem_tick > lt->mov_out_tick))) {
        return false;
    }
    bool read_between = lt->tick != lt->mov_in_tick;
    if (read_between && !retarget_reads(ctx, op, mv, t, g)) {
        return false;                   /* t read in between, too far apart */
    }
    op->args[0] = g;
    /* The mov's dead bit says g is not read after the mov; the reads now
     * between read g from a register, so then keep it (clear is always
     * allowed) rather than have the allocator reload it from env. */
    *dead = read_between ? 0 : mv->dead & 1;
    *sync = mv->sync & 1;
    lt->mov_op = 0;
    ir_remove(ctx, mv);
    set_state(l, g, TS_DEAD);
    return true;
}

/* After `g = mov t`: remember it if it is the last use of block temp t. */
static void note_mov(Live *l, IrOp *op, uint32_t out_tick)
{
    IrTempIdx g = op->args[0], t = op->args[1];

    if (op->opc != IR_OP_mov || g == t || !(op->dead & 2) ||
        l->ctx->temps[t].kind != IR_TEMP_BLOCK) {
        return;
    }
    l->t[t].mov_op = ir_op_index(l->ctx, op);
    l->t[t].mov_in_tick = l->t[t].tick;
    l->t[t].mov_out_tick = out_tick;
}

static void live_op(Live *l, IrOp *op)
{
    unsigned nb_o = ir_op_nb_oargs(op), nb_i = ir_op_nb_iargs(op);
    uint16_t dead = 0, sync = 0;
    uint32_t out_tick = l->tick;
    unsigned first = coalesce(l, op, &dead, &sync) ? 1 : 0;   /* output 0 done */

    for (unsigned i = first; i < nb_o; i++) {
        IrTempIdx d = op->args[i];
        if (!has_temp_state(l, d)) {
            continue;
        }
        unsigned s = get_state(l, d);
        dead |= (s & TS_DEAD) ? 1u << i : 0;
        if (l->ctx->temps[d].kind == IR_TEMP_GLOBAL && (s & TS_MEM)) {
            sync |= 1u << i;
        }
        set_state(l, d, TS_DEAD);       /* the old value is not needed */
        l->t[d].mov_op = 0;             /* a mov below read this value, not an earlier one */
    }
    op_memory_point(l, op);
    for (unsigned i = 0; i < nb_i; i++) {
        IrTempIdx t = op->args[nb_o + i];
        if (!has_temp_state(l, t)) {
            continue;
        }
        unsigned s = get_state(l, t);
        dead |= (s & TS_DEAD) ? 1u << (nb_o + i) : 0;
        set_state(l, t, s & ~TS_DEAD);
    }
    op->dead = dead;
    op->sync = sync;
    note_mov(l, op, out_tick);
}

void opt_liveness(IrContext *ctx)
{
    Live *l = &live_tls;

    live_begin(l, ctx);
    for (uint32_t i = ctx->ops[0].prev, pv; i; i = pv) {
        IrOp *op = &ctx->ops[i];
        uint32_t flags = ir_op_flags(op);

        pv = op->prev;
        l->tick++;
        if (flags & IR_OPF_BB_END) {
            boundary(l, flags & IR_OPF_BB_EXIT);    /* the state at the successors */
        }
        if (removable(l, op)) {
            ir_remove(ctx, op);
            continue;
        }
        live_op(l, op);
        if (flags & IR_OPF_BB_START) {
            boundary(l, false);         /* the state on the fall-through path */
        }
    }
    l->ctx = NULL;
}
