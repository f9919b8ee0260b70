/*
 * opt-mb.c — barrier merging: consecutive `mb` ops with no guest memory
 * access between them become one. Why this is sound for x86-TSO, and what
 * counts as an access, is written at opt_merge_barriers in jit/opt.h.
 */
#include "jit/opt.h"

/* Ops after which an earlier barrier may no longer absorb a later one. */
static bool ends_merge_window(const IrOp *op)
{
    uint32_t flags = ir_op_flags(op);

    /* Guest accesses (atomics included), helpers (which may access guest
     * memory) and control flow (another path may reach the next mb). */
    return (flags & (IR_OPF_MEM | IR_OPF_CALL | IR_OPF_BB_START | IR_OPF_BB_END)) != 0;
}

void opt_merge_barriers(IrContext *ctx)
{
    IrOp *prev_mb = NULL;

    IR_FOR_EACH_OP_SAFE(ctx, op, nx) {
        if (op->opc == IR_OP_mb) {
            if (prev_mb) {
                /* Keep the first: it already precedes everything the
                 * second orders, and nothing between them accesses memory. */
                ir_op_cargs(prev_mb)[0] |= ir_op_cargs(op)[0];
                ir_remove(ctx, op);
            } else {
                prev_mb = op;
            }
        } else if (ends_merge_window(op)) {
            prev_mb = NULL;
        }
    }
}
