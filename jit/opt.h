/*
 * opt.h — the IR optimizer: constant folding with copy propagation and
 * known bits (jit/opt-fold.c), barrier merging (jit/opt-mb.c) and
 * liveness with dead-op removal (jit/liveness.c), run in that order by
 * opt_run() (jit/opt.c). Every pass is one linear walk over the op list.
 *
 * Scratch: each pass keeps its per-temp state in a side array indexed by
 * temp, owned by the calling thread (thread-local) and grown on demand, so
 * translating never allocates per op. An IrContext is used by one thread
 * at a time (ir.h), which is all the passes need.
 *
 * Assumptions shared by all passes:
 *   - `ld`/`st` through env never touch the bytes of a registered global
 *     while that global is in use in the TB (the translator reaches
 *     globals only as temps). The passes do not treat them as global
 *     accesses.
 *   - Helper call flags (IR_CALL_*) are truthful.
 */
#ifndef FERRY_JIT_OPT_H
#define FERRY_JIT_OPT_H

#include "jit/ir.h"

/*
 * Run the whole pipeline on ctx: opt_fold, opt_merge_barriers,
 * opt_liveness. Leaves IrOp.dead/sync valid for the register allocator.
 */
void opt_run(IrContext *ctx);

/*
 * Forward pass: constant folding of integer ops (exact op semantics for
 * i32 and i64), copy propagation, algebraic simplification, known-bits
 * tracking, brcond with a known outcome turned into br or removed, and
 * unreachable ops after br/exit_tb/goto_ptr (up to the next label)
 * removed.
 *
 * After `d = mov s`, later reads are pointed at the longer-lived of the
 * two (constant > env > global > TB temp > block temp), so that after
 * `rax = mov t0` reads of t0 read rax and t0 dies at the mov (which
 * opt_liveness then coalesces); a later mov of s keeps reading s.
 *
 * Copy propagation may put a constant or another temp into any input
 * position of any op (guest_st value and address, call arguments, brcond
 * operands included); backends must accept const temps as inputs.
 *
 * Requires: a well-formed op list. Leaves ops rewritten into `mov d, s`
 * whose output may now be dead: run opt_liveness afterwards. Invalidates
 * IrOp.dead/sync. What is known is forgotten at every set_label (a merge
 * point); copies from block temps are never propagated past the end of
 * their basic block; a call without IR_CALL_NO_WRITE_GLOBALS forgets
 * everything known about globals. Ops with side effects are never folded,
 * except brcond. divu/divs/remu/rems by zero (and signed MIN / -1),
 * and divu2/divs2 whose quotient does not fit, are never folded.
 */
void opt_fold(IrContext *ctx);

/*
 * Forward pass: two `mb` ops with no possible guest memory access between
 * them become one (the first) with the union of both masks.
 *
 * What counts as an access (resets the pass): IR_OPF_MEM ops (guest_ld,
 * guest_st, every atomic) and every `call` (a helper may touch guest
 * memory). `ld`/`st` through env are NOT guest accesses: env is the
 * vCPU's private state, never observed by another guest agent through the
 * guest memory model, so a guest barrier has nothing to order there.
 * Labels and BB_END ops also reset the pass (another path may reach the
 * second barrier without passing the first).
 *
 * Soundness (x86-TSO on a weak host): an `mb` with mask M orders every
 * access X before it against every access Y after it when (type X, type Y)
 * is in M. With no access between mb1 and mb2, "X before mb2" is the same
 * set as "X before mb1", and likewise for Y after, so one barrier at mb1's
 * place with M1|M2 orders every pair either did, and only adds ordering
 * (a full barrier subsumes a weaker one). No barrier moves across an
 * access. `tso` guest accesses (IR_MO_TSO) end the window like any other,
 * and no pass moves, merges or deletes guest_ld/guest_st, so their
 * program order reaches the backend intact (docs/memory-model.md).
 * Requires nothing; invalidates nothing but removed ops.
 */
void opt_merge_barriers(IrContext *ctx);

/*
 * Backward pass: removes ops without IR_OPF_SIDE_EFFECTS whose outputs
 * are all dead (and calls flagged IR_CALL_NO_SIDE_EFFECTS whose result is
 * dead), including writes to globals that are overwritten before any point
 * that needs them in memory, and fills IrOp.dead and IrOp.sync of every
 * remaining op. Run it last: any later change to the op list invalidates
 * dead/sync.
 *
 * It also coalesces `t = OP ...; ...; g = mov t`, t a block temp that dies
 * at the mov, into `g = OP ...; ...` when nothing in between reads or
 * writes g and (g a global) no memory point lies in between; reads of t in
 * between then read g (only within a window of 16 ops, to stay linear).
 *
 * "Memory points" are the places where every global must be up to date in
 * env: before an op with IR_OPF_BB_END (branches and exits), at a
 * set_label (on the fall-through path), before goto_tb (once patched it
 * jumps straight into the next TB), before a call unless it has both
 * IR_CALL_NO_READ_GLOBALS and IR_CALL_NO_WRITE_GLOBALS, before an
 * IR_OPF_MEM op (it may fault and the fault handler reads env), before
 * lookup_tb (it reads the pc from env), and at the end of the op list.
 * A call without IR_CALL_NO_WRITE_GLOBALS needs globals in env even if it
 * does not read them: the allocator reloads every global after it.
 *
 * What the register allocator may rely on, for argument i (outputs then
 * inputs, as in IrOp.args):
 *   - dead bit i set: the value of that temp as of this op is never read
 *     again from a register: it is overwritten first, or the temp is a
 *     block temp whose basic block ends first, or the temp is a global and
 *     a memory point where the allocator forgets register copies of
 *     globals (BB_END, set_label, goto_tb, a call without
 *     IR_CALL_NO_WRITE_GLOBALS) comes first, or the temp is a TB temp and
 *     an exit (IR_OPF_BB_EXIT) comes first. The register may be freed
 *     after the op (after storing it when the sync bit says so). Never
 *     set for const or fixed (env) temps. When a temp appears twice as
 *     an input of one op, at most one position gets the bit.
 *   - dead bit clear: the value may be read again later. For TB temps
 *     this is conservative: a TB temp read anywhere in the TB is treated
 *     as live at every label and every non-exit BB_END op (reading
 *     "anywhere", not just "later", also covers backward branches), so
 *     an op writing it is only removed when no op reads it at all or it
 *     is overwritten within the same basic block.
 *   - sync bit i (outputs that are globals only): the new value must be
 *     stored to env right after this op, because a memory point follows
 *     before the global is written again. A global output without the
 *     sync bit is written again before any memory point, so it need not
 *     be stored at all. Hence an allocator that stores every sync output
 *     right after its op finds every global up to date in env at every
 *     memory point and never has to store a global anywhere else. It
 *     must still reload globals from env (rather than trust a register)
 *     after BB_END ops, at set_label and after calls without
 *     IR_CALL_NO_WRITE_GLOBALS.
 *   - the dead and sync bits of an op that writes and reads the same
 *     temp refer to the two values: the output bit to the new value, the
 *     input bit to the old one (always dead: it is overwritten).
 *   - block temps are never live across a label or BB_END op; TB temps
 *     need one location agreed at every label (the allocator's choice).
 */
void opt_liveness(IrContext *ctx);

#endif /* FERRY_JIT_OPT_H */
