/*
 * opt.c — the optimizer pipeline, written out in one function. Each pass
 * is one linear walk over the op list; their contracts are in jit/opt.h.
 */
#include "config.h"

#include "jit/opt.h"

#include "jit/fatal.h"

/*
 * ir_verify() (jit/ir-verify.c) is in main now: debug builds check the IR
 * after every pass. Set to 0 to compile the check out (this is its only
 * call site).
 */
#define OPT_HAVE_IR_VERIFY 1

/* Debug builds: the IR must stay well-formed after every pass. */
static void verify_after(const IrContext *ctx, const char *pass)
{
#if defined(FERRY_DEBUG) && OPT_HAVE_IR_VERIFY
    char msg[256];
    if (!ir_verify(ctx, msg, sizeof(msg))) {
        ferry_die("invalid IR after %s: %s", pass, msg);
    }
#else
    (void)ctx;
    (void)pass;
#endif
}

void opt_run(IrContext *ctx)
{
    /* Requires well-formed IR. Rewrites ops into movs whose outputs may
     * be dead now; dead/sync are stale after it. */
    opt_fold(ctx);
    verify_after(ctx, "opt_fold");

    /* Requires nothing (folding first leaves fewer ops between barriers
     * but never removes a guest access); only removes mb ops. */
    opt_merge_barriers(ctx);
    verify_after(ctx, "opt_merge_barriers");

    /* Last: removes the dead movs the passes above left and fills
     * IrOp.dead/sync, which any later change to the list would make
     * stale. */
    opt_liveness(ctx);
    verify_after(ctx, "opt_liveness");
}
