/*
 * backend.h — what every code generator (x86-64, arm64, loongarch64, the
 * IR interpreter) provides to the JIT core. A backend turns one optimized
 * IR list into code at a position in the code buffer, reports where the
 * patchable goto_tb jumps and the insn_start boundaries are, and knows how
 * to patch a jump and how to enter code.
 */
#ifndef FERRY_JIT_BACKEND_H
#define FERRY_JIT_BACKEND_H

#include <stddef.h>
#include <stdint.h>

#include "jit/cpu-common.h"
#include "jit/ir.h"

/* Why code generation failed; the caller recovers (flush and retry). */
typedef enum JitError {
    JIT_OK = 0,
    JIT_ERR_BUF_FULL = -1,         /* not enough room: flush the cache and retry */
    JIT_ERR_TOO_LARGE = -2,        /* this TB cannot fit even in an empty buffer */
    JIT_ERR_UNSUPPORTED = -3,      /* an op this backend cannot emit */
} JitError;

#define JIT_MAX_INSNS 512          /* insn_start ops per TB */

/* In/out state of one code generation. */
typedef struct JitCodeGen {
    /* in */
    uint8_t *rw;                   /* where to write (writable alias) */
    uintptr_t rx;                  /* the address the code will run at */
    size_t cap;                    /* bytes available */
    bool user_mode;                /* guest memory through guest_base, else softmmu */
    /* out */
    size_t size;                   /* bytes written */
    unsigned nb_insns;             /* insn_start ops seen */
    uint64_t insn_data[JIT_MAX_INSNS][2];     /* their two words */
    uint32_t insn_end[JIT_MAX_INSNS];         /* host offset where insn i's code ends */
    uint32_t goto_tb_jmp[2];       /* offset of the patchable jump of slot n */
    uint32_t goto_tb_reset[2];     /* offset it jumps to when unchained */
    bool goto_tb_used[2];
} JitCodeGen;

/*
 * Record an insn_start op (its two words) as the next guest instruction;
 * `off` is the host offset where the previous instruction's code ends.
 * JIT_ERR_TOO_LARGE past JIT_MAX_INSNS. Every backend's insn_start is this.
 */
static inline JitError jit_cg_insn_start(JitCodeGen *cg, const IrOp *op, uint32_t off)
{
    if (cg->nb_insns == JIT_MAX_INSNS) {
        return JIT_ERR_TOO_LARGE;
    }
    if (cg->nb_insns) {
        cg->insn_end[cg->nb_insns - 1] = off;
    }
    const IrArg *ca = &op->args[ir_op_nb_oargs(op) + ir_op_nb_iargs(op)];
    cg->insn_data[cg->nb_insns][0] = ca[0];
    cg->insn_data[cg->nb_insns][1] = ca[1];
    cg->nb_insns++;
    return JIT_OK;
}

/* Close the last guest instruction's range where the TB's main code ends
 * (before out-of-line slow paths). */
static inline void jit_cg_insns_end(JitCodeGen *cg, uint32_t off)
{
    if (cg->nb_insns) {
        cg->insn_end[cg->nb_insns - 1] = off;
    }
}

typedef struct JitBackend {
    const char *name;
    /*
     * Emit the entry trampoline at cg->rw/rx: a function
     *     uintptr_t enter(JitCpu *env, const void *code)
     * that saves callee-saved registers, sets up the backend's fixed
     * registers, jumps to code, and returns the word given to exit_tb.
     */
    JitError (*gen_prologue)(JitCodeGen *cg);
    /* Translate ctx (optimized) into code. */
    JitError (*gen_code)(IrContext *ctx, JitCodeGen *cg);
    /*
     * Point the goto_tb jump at jmp_rx (writable alias jmp_rw) to target.
     * Must be a single atomic store that other threads executing the code
     * observe either before or after, never torn; includes any cache
     * maintenance the host needs.
     */
    void (*patch_jump)(uintptr_t jmp_rx, uint8_t *jmp_rw, uintptr_t target);
    /*
     * Run code: native backends call the prologue; the interpreter
     * interprets. Returns the exit_tb word.
     */
    uintptr_t (*enter)(const struct JitBackend *be, JitCpu *env, const void *code);
    /* Entry trampoline, written once by the core (jit_init) before any
     * guest thread exists; read-only afterwards. */
    void *prologue;
} JitBackend;

extern JitBackend jit_backend_interp;
extern JitBackend jit_backend_x86_64;
extern JitBackend jit_backend_arm64;
extern JitBackend jit_backend_loongarch64;

#endif
